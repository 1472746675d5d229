import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Dynamic segments" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Dynamic segments" description="Rules that select profiles afresh at every use." />
      <EmptyState title="No dynamic segments yet">The segment list and builder are on their way.</EmptyState>
    </>
  );
}

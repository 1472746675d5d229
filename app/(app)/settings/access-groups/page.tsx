import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Access groups" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Access groups" description="Who sees which segments and profile databases." />
      <EmptyState title="Access group management is on its way">Admins and team leads will manage group members here.</EmptyState>
    </>
  );
}

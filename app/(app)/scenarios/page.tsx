import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Scenarios" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Scenarios" description="Automated journeys that profiles enter from a segment." />
      <EmptyState title="Scenarios are on their way">Creating scenarios and adding profiles to them arrives with the selection actions.</EmptyState>
    </>
  );
}

import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Mailings" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Mailings" description="Mailings sent to the profiles of a segment." />
      <EmptyState title="Mailings are on their way">Creating mailings for a segment arrives with the selection actions.</EmptyState>
    </>
  );
}

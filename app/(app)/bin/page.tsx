import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Bin" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Bin" description="Deleted segments wait here and can be restored." />
      <EmptyState title="The bin is empty">Segments you delete will appear here, ready to be restored.</EmptyState>
    </>
  );
}

import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Static segments" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Static segments" description="Stored lists of profiles of one database." />
      <EmptyState title="Static segments are on their way">Managing static segments arrives with the selection actions (copy profiles to a static segment).</EmptyState>
    </>
  );
}

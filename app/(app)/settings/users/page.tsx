import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Users" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Users" description="People who can sign in, and their roles." />
      <EmptyState title="User management is on its way">Admins will create users and change roles here.</EmptyState>
    </>
  );
}

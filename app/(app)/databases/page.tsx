import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Profile databases" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="Profile databases" description="Customer profiles and their fields." />
      <EmptyState title="Profile databases are on their way">Listing and creating profile databases arrives next.</EmptyState>
    </>
  );
}

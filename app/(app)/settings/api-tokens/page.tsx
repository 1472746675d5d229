import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API tokens" };

export default async function Page() {
  await requireUser();
  return (
    <>
      <PageHeader title="API tokens" description="Tokens for the HTTP API; a token acts as you." />
      <EmptyState title="API tokens are on their way">You will create and revoke tokens for the HTTP API here.</EmptyState>
    </>
  );
}

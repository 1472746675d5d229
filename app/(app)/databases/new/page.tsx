import type { Metadata } from "next";
import { CreateDatabaseForm } from "@/components/databases/create-database-form";
import { PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listAssignableAccessGroups } from "@/lib/databases/queries";

export const metadata: Metadata = { title: "Create profile database" };

export default async function NewDatabasePage() {
  const user = await requireUser();
  const accessGroups = await listAssignableAccessGroups(await getDb(), user);
  return (
    <>
      <PageHeader title="Create profile database" description="Name the database and declare the custom fields its profiles may have." />
      <CreateDatabaseForm accessGroups={accessGroups} />
    </>
  );
}

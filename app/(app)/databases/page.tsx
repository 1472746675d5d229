import type { Metadata } from "next";
import Link from "next/link";
import { Plus } from "lucide-react";
import { DatabaseTable } from "@/components/databases/database-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listDatabases } from "@/lib/databases/queries";

export const metadata: Metadata = { title: "Profile databases" };

export default async function DatabasesPage() {
  const user = await requireUser();
  const databases = await listDatabases(await getDb(), user);
  return (
    <>
      <PageHeader title="Profile databases" description="Customer profiles and their custom fields. Every segment reads one database.">
        <Button asChild>
          <Link href="/databases/new">
            <Plus aria-hidden />
            Create database
          </Link>
        </Button>
      </PageHeader>
      {databases.length ? (
        <DatabaseTable databases={databases} />
      ) : (
        <EmptyState title="No profile databases yet">
          Create a database with the fields your profiles need, then import profiles from a CSV file or send them through the API.
          Databases restricted to access groups you are not in do not appear here.
        </EmptyState>
      )}
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ChevronLeft } from "lucide-react";
import { AccessGroupList, FieldBadges } from "@/components/databases/field-badges";
import { CsvImportForm } from "@/components/databases/csv-import-form";
import { ProfileTable } from "@/components/databases/profile-table";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { getDatabase } from "@/lib/databases/queries";
import { isAppError } from "@/lib/errors";
import { CSV_SYSTEM_COLUMNS } from "@/lib/profiles/csv-format";
import { listProfiles } from "@/lib/profiles/queries";

const PAGE_SIZE = 50;
const count = new Intl.NumberFormat("en-US");

type SearchParams = Record<string, string | string[] | undefined>;
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";
const cursor = (value: string | string[] | undefined) => (/^\d{1,15}$/.test(single(value)) ? Number(single(value)) : null);

/** 404 for what the user may not see, as for what does not exist (SPEC §3). */
async function orNotFound<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
}

/** Read once per request, by the title and by the page. */
const loadDatabase = cache(async (id: string) => {
  if (!/^\d{1,10}$/.test(id)) notFound();
  const user = await requireUser();
  return orNotFound(async () => getDatabase(await getDb(), user, Number(id)));
});

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await loadDatabase((await params).id)).name };
}

export default async function DatabasePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const user = await requireUser();
  const database = await loadDatabase((await params).id);
  const query = await searchParams;
  const q = single(query.q).trim().slice(0, 200);
  const page = await orNotFound(async () =>
    listProfiles(await getDb(), user, database.id, { pageSize: PAGE_SIZE, after: cursor(query.after), before: cursor(query.before), q }),
  );

  const basePath = `/databases/${database.id}`;
  const columns = [...CSV_SYSTEM_COLUMNS, ...database.fields.map((f) => f.key)];
  return (
    <>
      <Link href="/databases" className="mb-2 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft className="size-4" aria-hidden />
        Profile databases
      </Link>
      <PageHeader
        title={database.name}
        description={`${count.format(database.profileCount)} ${database.profileCount === 1 ? "profile" : "profiles"} · ${database.fields.length} custom ${database.fields.length === 1 ? "field" : "fields"}`}
      />

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle asChild>
              <h2>Fields</h2>
            </CardTitle>
            <CardDescription>Besides email, phone, first and last name, created at and the subscriptions.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4 text-sm">
            <FieldBadges fields={database.fields} />
            <div className="flex items-center gap-2">
              <span className="text-muted-foreground">Access groups:</span>
              <AccessGroupList groups={database.accessGroups} />
            </div>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle asChild>
              <h2>Import profiles from CSV</h2>
            </CardTitle>
            <CardDescription>
              The first row names the columns; each further row is one profile. Empty cells mean no value. All or nothing: a file with a
              problem imports nothing, and the problems are listed by row (the header is row 1) and column.
            </CardDescription>
          </CardHeader>
          <CardContent className="space-y-3">
            <details className="text-sm">
              <summary className="cursor-pointer text-muted-foreground">Columns and formats</summary>
              <div className="mt-2 space-y-1 text-muted-foreground">
                <p>
                  Columns: <span className="font-mono text-foreground">{columns.join(", ")}</span>.
                </p>
                <p>
                  Dates as 2026-01-31 or 2026-01-31T09:30:00Z (no offset means UTC); numbers as 1234.5; yes/no fields as true/false,
                  yes/no or 1/0; subscriptions as subscribed or unsubscribed.
                </p>
              </div>
            </details>
            <CsvImportForm databaseId={database.id} />
          </CardContent>
        </Card>
      </div>

      <section aria-labelledby="profiles-heading" className="mt-8 space-y-4">
        <h2 id="profiles-heading" className="text-lg font-semibold">
          Profiles
        </h2>
        <ProfileTable basePath={basePath} page={page} fields={database.fields} q={q} />
      </section>
    </>
  );
}

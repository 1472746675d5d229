import type { Metadata } from "next";
import Link from "next/link";
import { CreateStaticSegmentForm } from "@/components/static-segments/create-static-segment-form";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { loadBuilderOptions } from "@/lib/dynamic-segments/builder-options";
import { formatCount, formatDateTime } from "@/lib/format";
import { listStaticSegments } from "@/lib/static-segments/queries";

export const metadata: Metadata = { title: "Static segments" };

export default async function StaticSegmentsPage() {
  const user = await requireUser();
  const db = await getDb();
  const [segments, options] = await Promise.all([listStaticSegments(db, user), loadBuilderOptions(db, user)]);
  return (
    <>
      <PageHeader title="Static segments" description="Stored lists of profiles of one database. Fill them from a dynamic segment with “Copy profiles to static segment”." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        {segments.length ? (
          <div className="rounded-lg border">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Source</TableHead>
                  <TableHead className="text-right">Profiles</TableHead>
                  <TableHead>Created</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {segments.map((s) => (
                  <TableRow key={s.id}>
                    <TableCell className="font-medium">
                      <Link href={`/segments/static/${s.id}`} className="hover:underline">
                        {s.name}
                      </Link>
                    </TableCell>
                    <TableCell className="text-muted-foreground">{s.databaseName}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(s.memberCount)}</TableCell>
                    <TableCell className="text-muted-foreground">{formatDateTime(s.createdAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : (
          <EmptyState title="No static segments yet">Create one here, or copy the profiles of a dynamic segment into a new one.</EmptyState>
        )}
        <CreateStaticSegmentForm databases={options.databases.map((d) => ({ id: d.id, name: d.name }))} accessGroups={options.accessGroups} />
      </div>
    </>
  );
}

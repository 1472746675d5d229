import type { Metadata } from "next";
import { BinActions } from "@/components/segments/bin-actions";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { listBinnedSegments } from "@/lib/dynamic-segments/list";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Bin" };

export default async function BinPage() {
  const user = await requireUser();
  const rows = await listBinnedSegments(await getDb(), user);
  return (
    <>
      <PageHeader title="Bin" description="Deleted segments wait here. Restore brings one back intact, with its conditions, tags and access groups." />
      {rows.length ? (
        <div className="rounded-lg border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Segment</TableHead>
                <TableHead>Source</TableHead>
                <TableHead>Deleted by</TableHead>
                <TableHead>Deleted</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.id}>
                  <TableCell className="font-medium">{row.name}</TableCell>
                  <TableCell className="text-muted-foreground">{row.databaseName}</TableCell>
                  <TableCell>{row.deletedBy ?? "—"}</TableCell>
                  <TableCell className="text-muted-foreground">{formatDateTime(row.deletedAt)}</TableCell>
                  <TableCell className="text-right">
                    <BinActions id={row.id} name={row.name} canDeletePermanently={user.role !== "marketer"} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : (
        <EmptyState title="The bin is empty">Segments you delete from the list wait here, ready to be restored.</EmptyState>
      )}
    </>
  );
}

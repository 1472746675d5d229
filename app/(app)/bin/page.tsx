import type { Metadata } from "next";
import { BinActions } from "@/components/segments/bin-actions";
import { ListTable } from "@/components/shell/list-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
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
        <ListTable
          rows={rows}
          columns={[
            { header: "Segment", className: "font-medium", cell: (row) => row.name },
            { header: "Source", className: "text-muted-foreground", cell: (row) => row.databaseName },
            { header: "Deleted by", cell: (row) => row.deletedBy ?? "—" },
            { header: "Deleted", className: "text-muted-foreground", cell: (row) => formatDateTime(row.deletedAt) },
            {
              header: <span className="sr-only">Actions</span>,
              className: "text-right",
              cell: (row) => <BinActions id={row.id} name={row.name} canDeletePermanently={user.role !== "marketer"} />,
            },
          ]}
        />
      ) : (
        <EmptyState title="The bin is empty">Segments you delete from the list wait here, ready to be restored.</EmptyState>
      )}
    </>
  );
}

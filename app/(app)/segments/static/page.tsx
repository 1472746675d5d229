import type { Metadata } from "next";
import Link from "next/link";
import { CreateStaticSegmentForm } from "@/components/static-segments/create-static-segment-form";
import { createdColumn, ListPage, sourceColumn } from "@/components/shell/list-table";
import { EmptyState } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { loadBuilderOptions } from "@/lib/dynamic-segments/builder-options";
import { formatCount } from "@/lib/format";
import { listStaticSegments } from "@/lib/static-segments/queries";

export const metadata: Metadata = { title: "Static segments" };

export default async function StaticSegmentsPage() {
  const user = await requireUser();
  const db = await getDb();
  const [segments, options] = await Promise.all([listStaticSegments(db, user), loadBuilderOptions(db, user)]);
  return (
    <ListPage
      title="Static segments"
      description="Stored lists of profiles of one database. Fill them from a dynamic segment with “Copy profiles to static segment”."
      rows={segments}
      columns={[
        {
          header: "Name",
          className: "font-medium",
          cell: (s) => (
            <Link href={`/segments/static/${s.id}`} className="hover:underline">
              {s.name}
            </Link>
          ),
        },
        sourceColumn,
        { header: "Profiles", headerClassName: "text-right", className: "text-right tabular-nums", cell: (s) => formatCount(s.memberCount) },
        createdColumn,
      ]}
      empty={<EmptyState title="No static segments yet">Create one here, or copy the profiles of a dynamic segment into a new one.</EmptyState>}
      form={<CreateStaticSegmentForm databases={options.databases.map((d) => ({ id: d.id, name: d.name }))} accessGroups={options.accessGroups} />}
    />
  );
}

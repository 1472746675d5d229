import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MembersTable } from "@/components/static-segments/members-table";
import { KeysetPager, ListCount } from "@/components/shell/list-table";
import { Breadcrumb, EmptyState, PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { listStaticSegmentMembers } from "@/lib/static-segments/queries";

export const metadata: Metadata = { title: "Static segment" };

const PAGE_SIZE = 50;

export default async function StaticSegmentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ after?: string }> }) {
  const user = await requireUser();
  const id = Number((await params).id);
  const after = Number((await searchParams).after) || undefined;
  const page = await listStaticSegmentMembers(await getDb(), user, id, { afterId: after, pageSize: PAGE_SIZE }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const { segment, members, hasMore } = page;
  return (
    <>
      <Breadcrumb trail={[{ href: "/segments/static", label: "Static segments" }]} current={segment.name} />
      <PageHeader title={segment.name} description={`A static segment of ${segment.databaseName}.`} />
      <ListCount label="Members" name="Member count" value={formatCount(segment.memberCount)} />
      {members.length ? (
        <MembersTable segmentId={segment.id} databaseId={segment.databaseId} members={members.map((m) => ({ ...m, addedAt: m.addedAt.toISOString() }))} />
      ) : (
        <EmptyState title={after ? "No more members" : "No members yet"}>Copy profiles here from a dynamic segment (its row menu or quick actions).</EmptyState>
      )}
      <KeysetPager href={`/segments/static/${segment.id}`} after={after} nextAfter={hasMore ? members[members.length - 1].id : null} />
    </>
  );
}

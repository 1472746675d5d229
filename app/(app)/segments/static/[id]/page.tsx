import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { MembersTable } from "@/components/static-segments/members-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
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
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
        <Link href="/segments/static" className="hover:underline">
          Static segments
        </Link>{" "}
        / {segment.name}
      </nav>
      <PageHeader title={segment.name} description={`A static segment of ${segment.databaseName}.`} />
      <p className="mb-4 text-sm">
        <span className="text-muted-foreground">Members: </span>
        <span aria-label="Member count" className="font-semibold tabular-nums">
          {formatCount(segment.memberCount)}
        </span>
      </p>
      {members.length ? (
        <MembersTable segmentId={segment.id} databaseId={segment.databaseId} members={members.map((m) => ({ ...m, addedAt: m.addedAt.toISOString() }))} />
      ) : (
        <EmptyState title={after ? "No more members" : "No members yet"}>Copy profiles here from a dynamic segment (its row menu or quick actions).</EmptyState>
      )}
      <nav aria-label="Pagination" className="mt-4 flex gap-2">
        {after ? (
          <Button asChild variant="outline" size="sm">
            <Link href={`/segments/static/${segment.id}`}>First page</Link>
          </Button>
        ) : null}
        {hasMore ? (
          <Button asChild variant="outline" size="sm">
            <Link href={`/segments/static/${segment.id}?after=${members[members.length - 1].id}`}>Next</Link>
          </Button>
        ) : null}
      </nav>
    </>
  );
}

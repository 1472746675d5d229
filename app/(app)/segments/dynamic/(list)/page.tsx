import type { Metadata } from "next";
import { PageLink } from "@/components/shell/page-link";
import { Plus } from "lucide-react";
import { SegmentListFilters } from "@/components/segments/segment-list-filters";
import { SegmentListTable } from "@/components/segments/segment-list-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { e2eSlowPage } from "@/lib/e2e/slow-page";
import {
  databaseFilterOptions,
  dependentsBySegment,
  listSegments,
  listSegmentTags,
  segmentSorts,
  type SegmentSort,
} from "@/lib/dynamic-segments/list";

export const metadata: Metadata = { title: "Dynamic segments" };

type Search = { q?: string; tag?: string; db?: string; sort?: string; dir?: string; page?: string };

export default async function DynamicSegments({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireUser();
  await e2eSlowPage();
  const params = await searchParams;
  const db = await getDb();
  const sort = (segmentSorts as readonly string[]).includes(params.sort ?? "") ? (params.sort as SegmentSort) : "updated";
  const query = {
    q: params.q?.trim() || undefined,
    tag: params.tag || undefined,
    databaseId: Number(params.db) || undefined,
    sort,
    dir: params.dir === "asc" ? ("asc" as const) : ("desc" as const),
    page: Math.max(1, Number(params.page) || 1),
  };
  const [list, tags, databases] = await Promise.all([
    listSegments(db, user, query),
    listSegmentTags(db, user),
    databaseFilterOptions(db, user),
  ]);
  const dependents = await dependentsBySegment(db, list.rows.map((r) => r.id));
  const filtered = Boolean(query.q || query.tag || query.databaseId);

  return (
    <>
      <PageHeader title="Dynamic segments" description="Rules that select profiles afresh at every use: a range, conditions and an optional limit.">
        <Button asChild>
          <PageLink href="/segments/dynamic/new">
            <Plus aria-hidden />
            Create
          </PageLink>
        </Button>
      </PageHeader>
      <SegmentListFilters q={query.q} tag={query.tag} databaseId={query.databaseId} tags={tags} databases={databases} sort={sort} dir={query.dir} />
      {list.rows.length ? (
        <SegmentListTable
          rows={list.rows}
          dependents={Object.fromEntries(dependents)}
          total={list.total}
          page={list.page}
          pageSize={list.pageSize}
          params={params}
        />
      ) : filtered ? (
        <EmptyState title="No segment matches these filters">Change the search or clear the filters to see all segments.</EmptyState>
      ) : (
        <EmptyState title="No dynamic segments yet">
          Click <strong>Create</strong>, pick a profile database and add conditions. You can calculate and preview the
          audience before saving.
        </EmptyState>
      )}
    </>
  );
}


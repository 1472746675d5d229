import "server-only";
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessGroups, dynamicSegmentAccessGroups, dynamicSegments } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import { visibleSegment } from "@/lib/dynamic-segments/list";
import { notFound } from "@/lib/errors";
import type { ApiSegment } from "./schemas";

type SegmentRecord = typeof dynamicSegments.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toApiSegment(row: SegmentRecord, groups: { id: number; name: string }[]): ApiSegment {
  return {
    id: row.id,
    name: row.name,
    database_id: row.databaseId,
    range: { from: Number(row.rangeFrom), to: Number(row.rangeTo) },
    conditions: row.conditions ?? null,
    limit: row.limit,
    description: row.description,
    tags: row.tags,
    access_groups: groups,
    count: row.lastCount === null ? null : Number(row.lastCount),
    calculated_at: iso(row.lastCalculatedAt),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    deleted_at: iso(row.deletedAt),
  };
}

/**
 * Segments by id as the API answers them, in the order given, for ids the caller has already
 * authorized (a list page, or a guard's answer); visibility is applied again all the same.
 */
export async function apiSegmentsByIds(db: Db, user: ActingUser, ids: readonly number[]): Promise<ApiSegment[]> {
  if (!ids.length) return [];
  const rows = await db
    .select()
    .from(dynamicSegments)
    .where(and(inArray(dynamicSegments.id, [...ids]), visibleSegment(user)));
  const groups = await db
    .select({ segmentId: dynamicSegmentAccessGroups.segmentId, id: accessGroups.id, name: accessGroups.name })
    .from(dynamicSegmentAccessGroups)
    .innerJoin(accessGroups, eq(accessGroups.id, dynamicSegmentAccessGroups.groupId))
    .where(inArray(dynamicSegmentAccessGroups.segmentId, [...ids]))
    .orderBy(asc(accessGroups.name));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toApiSegment(row, groups.filter((g) => g.segmentId === id).map(({ id: gid, name }) => ({ id: gid, name })))] : [];
  });
}

/** One visible segment (live, or also binned with `binned: true`) as the API answers it; else 404. */
export async function apiSegment(db: Db, user: ActingUser, id: number, opts: { binned?: boolean } = {}): Promise<ApiSegment> {
  const [segment] = await apiSegmentsByIds(db, user, [id]);
  if (!segment || (segment.deleted_at !== null && !opts.binned)) throw notFound("The segment");
  return segment;
}


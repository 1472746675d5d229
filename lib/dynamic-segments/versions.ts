import "server-only";
/**
 * Versions of a segment's definition (SPEC §6). A save that changes the range, conditions or limit
 * (by meaning, `lib/segments/normalize.ts`) appends version n+1 in the save's own transaction; the
 * database refuses to change or delete a version (migration 0010's trigger), so history is what
 * happened. Reading versions needs the segment visible (binned segments keep theirs).
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { segmentVersions, users } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { notFound } from "@/lib/errors";
import type { Definition } from "@/lib/segments/normalize";

export type SegmentVersion = {
  n: number;
  createdAt: Date;
  createdBy: number | null;
  createdByName: string | null;
  range: { from: number; to: number };
  conditions: unknown;
  limit: number | null;
  count: number | null;
  restoredFrom: number | null;
};

const columns = {
  n: segmentVersions.n,
  createdAt: segmentVersions.createdAt,
  createdBy: segmentVersions.createdBy,
  createdByName: users.name,
  rangeFrom: segmentVersions.rangeFrom,
  rangeTo: segmentVersions.rangeTo,
  conditions: segmentVersions.conditions,
  limit: segmentVersions.limit,
  count: segmentVersions.count,
  restoredFrom: segmentVersions.restoredFrom,
};

type Row = { n: number; createdAt: Date; createdBy: number | null; createdByName: string | null; rangeFrom: number; rangeTo: number; conditions: unknown; limit: number | null; count: number | null; restoredFrom: number | null };

function toVersion(r: Row): SegmentVersion {
  return {
    n: r.n,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    createdByName: r.createdByName,
    range: { from: Number(r.rangeFrom), to: Number(r.rangeTo) },
    conditions: r.conditions ?? null,
    limit: r.limit,
    count: r.count === null ? null : Number(r.count),
    restoredFrom: r.restoredFrom,
  };
}

/** Every version of a visible segment (live or binned), oldest first. */
export async function listSegmentVersions(db: Db, user: ActingUser, segmentId: number): Promise<SegmentVersion[]> {
  await requireVisibleDynamicSegment(db, user, segmentId, { binned: true });
  const rows = await db.select(columns).from(segmentVersions).leftJoin(users, eq(users.id, segmentVersions.createdBy)).where(eq(segmentVersions.segmentId, segmentId)).orderBy(asc(segmentVersions.n));
  return rows.map(toVersion);
}

/** One version of a visible segment; absent or invisible → 404. */
export async function getSegmentVersion(db: Db, user: ActingUser, segmentId: number, n: number): Promise<SegmentVersion> {
  await requireVisibleDynamicSegment(db, user, segmentId, { binned: true });
  const [row] = await db
    .select(columns)
    .from(segmentVersions)
    .leftJoin(users, eq(users.id, segmentVersions.createdBy))
    .where(and(eq(segmentVersions.segmentId, segmentId), eq(segmentVersions.n, n)));
  if (!row) throw notFound("The version");
  return toVersion(row);
}

/** The newest version number of a segment (0 when it has none), read in the caller's transaction. */
export async function latestVersionNumber(db: Db, segmentId: number): Promise<number> {
  const [row] = await db.select({ n: segmentVersions.n }).from(segmentVersions).where(eq(segmentVersions.segmentId, segmentId)).orderBy(desc(segmentVersions.n)).limit(1);
  return row?.n ?? 0;
}

/**
 * Writes version `n` (the next one: `latestVersionNumber + 1`). Call inside the save's transaction
 * after locking the segment row (`lockSegmentRow`), so that two saves never take the same number.
 */
export async function appendSegmentVersion(
  tx: Db,
  input: { segmentId: number; n: number; userId: number; definition: Definition; count: number | null; restoredFrom?: number | null },
): Promise<number> {
  const n = input.n;
  await tx.insert(segmentVersions).values({
    segmentId: input.segmentId,
    n,
    createdBy: input.userId,
    rangeFrom: input.definition.range.from,
    rangeTo: input.definition.range.to,
    conditions: input.definition.conditions ?? null,
    limit: input.definition.limit,
    count: input.count,
    restoredFrom: input.restoredFrom ?? null,
  });
  return n;
}

/** Locks the segment row for the rest of the transaction (saves of one segment run one at a time). */
export async function lockSegmentRow(tx: Db, segmentId: number): Promise<void> {
  await queryRows(tx, sql`select id from dynamic_segments where id = ${segmentId} for update`);
}

/** SQL: the newest version number of a segment, for rows that record the version they used. */
export function latestVersionSql(segmentId: number | null) {
  return segmentId === null ? null : sql<number>`(select max(n) from segment_versions where segment_id = ${segmentId}::int)`;
}

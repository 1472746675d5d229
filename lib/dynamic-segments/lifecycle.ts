import "server-only";
import { and, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { dynamicSegmentAccessGroups, dynamicSegments, mailings, scenarios, segmentUpdateLog, users } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/auth/acting-user";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { visibleSegment } from "./list";
import { appendSegmentVersion } from "./versions";

/** Mailings and scenarios that use a segment: its "Dependent objects". */
export async function dependentObjects(db: Db, user: ActingUser, segmentId: number) {
  await requireVisibleDynamicSegment(db, user, segmentId, { binned: true });
  const [m, s] = await Promise.all([
    db.select({ id: mailings.id, name: mailings.name }).from(mailings).where(eq(mailings.segmentId, segmentId)).orderBy(mailings.name),
    db.select({ id: scenarios.id, name: scenarios.name }).from(scenarios).where(eq(scenarios.segmentId, segmentId)).orderBy(scenarios.name),
  ]);
  return { mailings: m, scenarios: s };
}

/** The segment's update log, newest first, with who did it. */
export async function segmentUpdateLogEntries(db: Db, user: ActingUser, segmentId: number, limit = 50) {
  await requireVisibleDynamicSegment(db, user, segmentId, { binned: true });
  return db
    .select({
      id: segmentUpdateLog.id,
      at: segmentUpdateLog.at,
      kind: segmentUpdateLog.kind,
      count: segmentUpdateLog.count,
      details: segmentUpdateLog.details,
      userName: users.name,
    })
    .from(segmentUpdateLog)
    .leftJoin(users, eq(users.id, segmentUpdateLog.userId))
    .where(eq(segmentUpdateLog.segmentId, segmentId))
    .orderBy(desc(segmentUpdateLog.at), desc(segmentUpdateLog.id))
    .limit(limit);
}

/**
 * Clones a segment's conditions, range, limit, tags, access groups and database into a new segment
 * named "… (copy)". The clone has no count until it is calculated.
 */
export async function cloneSegment(db: Db, user: ActingUser, segmentId: number): Promise<{ id: number; name: string }> {
  return db.transaction(async (tx) => {
    const source = await requireVisibleDynamicSegment(tx, user, segmentId);
    const [clone] = await tx
      .insert(dynamicSegments)
      .values({
        name: `${source.name} (copy)`,
        databaseId: source.databaseId,
        rangeFrom: source.rangeFrom,
        rangeTo: source.rangeTo,
        conditions: source.conditions,
        limit: source.limit,
        description: source.description,
        tags: source.tags,
        createdBy: user.id,
      })
      .returning({ id: dynamicSegments.id, name: dynamicSegments.name });
    await tx.execute(sql`
      insert into ${dynamicSegmentAccessGroups} (segment_id, group_id)
      select ${clone.id}, group_id from ${dynamicSegmentAccessGroups} where segment_id = ${segmentId}`);
    await tx.insert(segmentUpdateLog).values({
      segmentId: clone.id,
      userId: user.id,
      kind: "created",
      details: { clonedFrom: { id: source.id, name: source.name }, version: 1 },
    });
    await appendSegmentVersion(tx, {
      segmentId: clone.id,
      n: 1,
      userId: user.id,
      definition: { range: { from: source.rangeFrom, to: source.rangeTo }, conditions: source.conditions, limit: source.limit },
      count: null,
    });
    return clone;
  });
}

/** Moves a segment to the bin. Mailings and scenarios that use it keep their reference. */
export async function moveSegmentToBin(db: Db, user: ActingUser, segmentId: number): Promise<void> {
  await db.transaction(async (tx) => {
    await requireVisibleDynamicSegment(tx, user, segmentId);
    await tx
      .update(dynamicSegments)
      .set({ deletedAt: sql`now()`, deletedBy: user.id })
      .where(eq(dynamicSegments.id, segmentId));
    await tx.insert(segmentUpdateLog).values({ segmentId, userId: user.id, kind: "binned" });
  });
}

/** Brings a binned segment back intact. */
export async function restoreSegment(db: Db, user: ActingUser, segmentId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(dynamicSegments)
      .set({ deletedAt: null, deletedBy: null })
      .where(and(eq(dynamicSegments.id, segmentId), isNotNull(dynamicSegments.deletedAt), visibleSegment(user)))
      .returning({ id: dynamicSegments.id });
    if (!row) throw notFound("The segment in the bin");
    await tx.insert(segmentUpdateLog).values({ segmentId, userId: user.id, kind: "restored" });
  });
}

/** Removes a binned segment for good: admins and team leads only. */
export async function deleteSegmentPermanently(db: Db, user: ActingUser, segmentId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: dynamicSegments.id })
      .from(dynamicSegments)
      .where(and(eq(dynamicSegments.id, segmentId), isNotNull(dynamicSegments.deletedAt), visibleSegment(user)));
    if (!row) throw notFound("The segment in the bin");
    if (user.role === "marketer") throw forbidden("Only admins and team leads can delete segments permanently.");
    const [inUse] = await queryRows(tx, sql`
      select 1 from dynamic_segments s
      where s.id <> ${segmentId} and ${referencesDynamicSegment(sql`s.conditions`, segmentId)}
      limit 1`);
    if (inUse) throw new AppError("conflict", "Another segment's conditions still use this segment. Change them first.");
    await tx.delete(dynamicSegments).where(eq(dynamicSegments.id, segmentId));
  });
}

/** True where a Script (jsonb) has a `segment` condition on the given dynamic segment. */
export function referencesDynamicSegment(conditions: SQL, segmentId: number): SQL {
  return sql`jsonb_path_exists(${conditions}, '$.groups[*].conditions[*] ? (@.kind == "segment" && @.segment_type == "dynamic" && @.segment_id == $id)', jsonb_build_object('id', ${segmentId}::int))`;
}

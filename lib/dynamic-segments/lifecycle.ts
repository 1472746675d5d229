import "server-only";
import { and, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { dynamicSegmentAccessGroups, dynamicSegments, mailings, scenarios, segmentUpdateLog, users } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, forbidden, notFound } from "@/lib/errors";
import { calculateSavedSegment } from "@/lib/segments/selection";
import { visibleSegment } from "./list";
import { appendSegmentVersion } from "./versions";
import { cloneName, firstFreeName } from "./names";

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
 * named `Copy of <name>` (then `Copy of <name> (2)`, …), and calculates it as a save does, so the list
 * shows its count at once. A clone too heavy to count in time keeps no count (`count: null`).
 */
export async function cloneSegment(db: Db, user: ActingUser, segmentId: number): Promise<{ id: number; name: string; count: number | null }> {
  const clone = await db.transaction(async (tx) => {
    const source = await requireVisibleDynamicSegment(tx, user, segmentId);
    // Serialises clones of one database so two at once cannot pick the same "Copy of …" name.
    await tx.execute(sql`select pg_advisory_xact_lock(${0x5e6e}::int, ${source.databaseId}::int)`);
    const [clone] = await tx
      .insert(dynamicSegments)
      .values({
        name: await cloneName(tx, source.databaseId, source.name),
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
  try {
    const { count } = await calculateSavedSegment(db, user, clone.id);
    return { ...clone, count };
  } catch (error) {
    if (error instanceof AppError && error.code === "timeout") return { ...clone, count: null };
    throw error;
  }
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

/**
 * Brings a binned segment back intact. When a live segment of its database took its name meanwhile,
 * the restored one is renamed to the first free `<name> (2)`, `<name> (3)`, … (names stay unique,
 * SPEC §2) and the answer and the update log say so.
 */
export async function restoreSegment(db: Db, user: ActingUser, segmentId: number): Promise<{ name: string; renamedFrom: string | null }> {
  return db.transaction(async (tx) => {
    const [binned] = await tx
      .select({ id: dynamicSegments.id, name: dynamicSegments.name, databaseId: dynamicSegments.databaseId })
      .from(dynamicSegments)
      .where(and(eq(dynamicSegments.id, segmentId), isNotNull(dynamicSegments.deletedAt), visibleSegment(user)))
      .for("update");
    if (!binned) throw notFound("The segment in the bin");
    await tx.execute(sql`select pg_advisory_xact_lock(${0x5e6e}::int, ${binned.databaseId}::int)`);
    const name = await firstFreeName(tx, binned.databaseId, binned.name, segmentId);
    const renamedFrom = name === binned.name.trim() ? null : binned.name;
    await tx
      .update(dynamicSegments)
      .set({ deletedAt: null, deletedBy: null, ...(renamedFrom ? { name } : {}) })
      .where(eq(dynamicSegments.id, segmentId));
    await tx.insert(segmentUpdateLog).values({ segmentId, userId: user.id, kind: "restored", details: renamedFrom ? { renamedFrom, name } : null });
    return { name: renamedFrom ? name : binned.name, renamedFrom };
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

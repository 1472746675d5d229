import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { accessGroups, dynamicSegmentAccessGroups, dynamicSegments, segmentUpdateLog } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, invalid } from "@/lib/errors";
import { issuesFromZod, scriptSchema } from "@/lib/segments/script";
import { countSavedSegment, prepareRule, type PreparedSelection } from "@/lib/segments/selection";
import { changeDetails, changedFields, type SegmentState } from "./change-log";
import { assertNameFree, isNameIndexViolation, nameConflict } from "./names";
import { segmentInputSchema, type SegmentInputParsed } from "./segment-schema";
import { appendSegmentVersion, latestVersionNumber, lockSegmentRow } from "./versions";

export { segmentInputSchema };
export type SegmentInput = z.input<typeof segmentInputSchema>;
/** A segment's input before it is parsed, as tests, scripts and stored versions hold it. */
export type UnparsedSegmentInput = { [K in keyof SegmentInput]?: unknown };

export type SaveResult = { id: number; count: number | null; calculatedAt: Date | null; warning?: string };

/**
 * What a save writes: the segment's input as the edge (server action, API route) parsed it, and its
 * selection prepared once — authorized, validated and compiled — which the save carries through to the
 * version it writes and its first count.
 */
export type PreparedSegment = { data: SegmentInputParsed; selection: PreparedSelection; segmentId?: number };

/** Parses a segment's input (for callers that hold it unparsed: tests, scripts, `updateSegment`). */
export function parseSegmentInput(input: UnparsedSegmentInput): SegmentInputParsed {
  const parsed = segmentInputSchema.safeParse(input);
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error));
  return parsed.data;
}

/**
 * Prepares a parsed segment for saving, once: for a saved segment (`segmentId`), it must be visible
 * and keep its source; then the rule is checked (access to the database and the segments it refers
 * to, fields, cycles) and compiled. Issues are at the segment input's paths, which are the rule's
 * (`range.to`, `conditions.groups[0].conditions[1].value`): nothing is renamed.
 */
export async function prepareSegment(db: Db, user: ActingUser, data: SegmentInputParsed, opts: { segmentId?: number } = {}): Promise<PreparedSegment> {
  if (opts.segmentId !== undefined) {
    const visible = await requireVisibleDynamicSegment(db, user, opts.segmentId);
    if (data.databaseId !== visible.databaseId) throw invalid([{ path: "databaseId", message: "The source cannot change after the first save." }]);
  }
  const rule = { databaseId: data.databaseId, range: data.range, conditions: data.conditions, limit: data.limit };
  try {
    return { data, selection: await prepareRule(db, user, rule, { segmentId: opts.segmentId }), segmentId: opts.segmentId };
  } catch (error) {
    if (error instanceof AppError && error.code === "validation_failed") throw invalid(error.issues, "Some conditions are not valid.");
    throw error;
  }
}

/** Groups the user may put on a segment: their own; admins any group. */
async function assignableGroupIds(db: Db, user: ActingUser): Promise<number[]> {
  if (user.role !== "admin") return user.groupIds;
  return (await db.select({ id: accessGroups.id }).from(accessGroups)).map((g) => g.id);
}

async function checkGroups(db: Db, user: ActingUser, ids: number[]): Promise<void> {
  const allowed = new Set(await assignableGroupIds(db, user));
  const refused = ids.filter((id) => !allowed.has(id));
  if (refused.length) throw invalid([{ path: "accessGroupIds", message: "You can only give a segment access groups you belong to." }]);
}

/**
 * Calculates a just-saved segment inside the save's transaction (a savepoint), so that the version it
 * writes records the count at save; a too-heavy selection keeps the segment and says why it has no count.
 */
async function firstCount(tx: Db, user: ActingUser, id: number, selection: PreparedSelection): Promise<SaveResult> {
  try {
    const { count, calculatedAt } = await countSavedSegment(tx, user, id, selection);
    return { id, count, calculatedAt };
  } catch (error) {
    if (error instanceof AppError && error.code === "timeout") return { id, count: null, calculatedAt: null, warning: error.message };
    throw error;
  }
}

/** A segment's own columns as a save writes them (insert and update alike). */
function segmentColumns(data: SegmentInputParsed) {
  return {
    name: data.name,
    rangeFrom: data.range.from,
    rangeTo: data.range.to,
    conditions: data.conditions,
    limit: data.limit,
    description: data.description,
    tags: data.tags,
  };
}

/** A save that lost a race for a name to another save answers like the check before it: a `conflict` on `name`. */
async function uniqueName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isNameIndexViolation(error)) throw nameConflict();
    throw error;
  }
}

/** Saves a new segment (unparsed input: tests and scripts; the edges call `prepareSegment` and `insertSegment`). */
export async function createSegment(db: Db, user: ActingUser, input: UnparsedSegmentInput): Promise<SaveResult> {
  return insertSegment(db, user, await prepareSegment(db, user, parseSegmentInput(input)));
}

/** Saves a new, prepared segment, records it in its update log and calculates its first count. */
export async function insertSegment(db: Db, user: ActingUser, { data, selection, segmentId }: PreparedSegment): Promise<SaveResult> {
  if (segmentId !== undefined) throw new Error("insertSegment: this segment was prepared as a change of a saved one.");
  await checkGroups(db, user, data.accessGroupIds);
  await assertNameFree(db, data.databaseId, data.name);
  return uniqueName(() => db.transaction(async (tx) => {
    const [row] = await tx
      .insert(dynamicSegments)
      .values({ ...segmentColumns(data), databaseId: data.databaseId, createdBy: user.id })
      .returning({ id: dynamicSegments.id });
    if (data.accessGroupIds.length) await tx.insert(dynamicSegmentAccessGroups).values(data.accessGroupIds.map((groupId) => ({ segmentId: row.id, groupId })));
    await tx.insert(segmentUpdateLog).values({ segmentId: row.id, userId: user.id, kind: "created", details: { version: 1 } });
    const saved = await firstCount(tx, user, row.id, selection);
    await appendSegmentVersion(tx, { segmentId: row.id, n: 1, userId: user.id, definition: data, count: saved.count });
    return saved;
  }));
}

/**
 * Changes a saved segment from unparsed input (tests and scripts; the edges call `prepareSegment` and
 * `changeSegment`); an absent `databaseId` is the segment's own.
 */
export async function updateSegment(
  db: Db,
  user: ActingUser,
  segmentId: number,
  input: UnparsedSegmentInput,
  opts: { restoredFrom?: number } = {},
): Promise<SaveResult & { version: number | null }> {
  const visible = await requireVisibleDynamicSegment(db, user, segmentId);
  const data = parseSegmentInput({ ...input, databaseId: input.databaseId ?? visible.databaseId });
  return changeSegment(db, user, await prepareSegment(db, user, data, { segmentId }), opts);
}

/**
 * Changes a saved segment (never its source) and recalculates it, in one transaction: the update log
 * names only what changed by meaning (with before → after), and a changed range, conditions or limit
 * writes the next version with the count at save. `restoredFrom`: the version being restored.
 */
export async function changeSegment(
  db: Db,
  user: ActingUser,
  { data, selection, segmentId }: PreparedSegment,
  opts: { restoredFrom?: number } = {},
): Promise<SaveResult & { version: number | null }> {
  if (segmentId === undefined) throw new Error("changeSegment: prepare the segment with its id.");
  const assignable = new Set(await assignableGroupIds(db, user));
  await checkGroups(db, user, data.accessGroupIds);
  await assertNameFree(db, data.databaseId, data.name, segmentId);
  return uniqueName(() => db.transaction(async (tx) => {
    // Saves of one segment run one at a time: "before" is what this save replaces, and version numbers never collide.
    await lockSegmentRow(tx, segmentId);
    const current = await requireVisibleDynamicSegment(tx, user, segmentId);
    const existingGroups = (await tx.select({ id: dynamicSegmentAccessGroups.groupId }).from(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, segmentId))).map((g) => g.id);
    // Groups the user cannot assign stay as they are: a marketer's save never drops another team's access.
    const groups = [...new Set([...data.accessGroupIds, ...existingGroups.filter((g) => !assignable.has(g))])].sort((a, b) => a - b);
    const before: SegmentState = {
      name: current.name,
      range: { from: current.rangeFrom, to: current.rangeTo },
      conditions: current.conditions ?? null,
      limit: current.limit,
      description: current.description,
      tags: current.tags,
      accessGroupIds: existingGroups,
    };
    if (user.role !== "admin" && groups.length && !groups.some((g) => user.groupIds.includes(g)))
      throw invalid([{ path: "accessGroupIds", message: "Keep at least one of your own groups, or you would lose access to this segment." }]);
    const after: SegmentState = { ...data, accessGroupIds: groups };
    const changed = changedFields(before, after);
    await tx
      .update(dynamicSegments)
      .set({ ...segmentColumns(data), updatedAt: sql`now()` })
      .where(eq(dynamicSegments.id, segmentId));
    await tx.delete(dynamicSegmentAccessGroups).where(and(eq(dynamicSegmentAccessGroups.segmentId, segmentId), existingGroups.length ? inArray(dynamicSegmentAccessGroups.groupId, existingGroups) : undefined));
    if (groups.length) await tx.insert(dynamicSegmentAccessGroups).values(groups.map((groupId) => ({ segmentId, groupId })));
    const definitionChanged = changed.some((k) => k === "range" || k === "conditions" || k === "limit");
    const version = definitionChanged ? (await latestVersionNumber(tx, segmentId)) + 1 : null;
    if (changed.length) {
      const details = await changeDetails(tx, before, after, changed, version, version !== null ? opts.restoredFrom : undefined);
      await tx.insert(segmentUpdateLog).values({ segmentId, userId: user.id, kind: "updated", details: details as Record<string, unknown> });
    }
    const saved = await firstCount(tx, user, segmentId, selection);
    if (version !== null) await appendSegmentVersion(tx, { segmentId, n: version, userId: user.id, definition: data, count: saved.count, restoredFrom: opts.restoredFrom });
    return { ...saved, version };
  }));
}

/** The stored conditions of a segment the user may see, for "Import conditions". */
export async function segmentConditions(db: Db, user: ActingUser, segmentId: number) {
  const segment = await requireVisibleDynamicSegment(db, user, segmentId);
  const parsed = scriptSchema.safeParse(segment.conditions ?? { groups: [] });
  return { databaseId: segment.databaseId, script: parsed.success ? parsed.data : { logic: "and" as const, groups: [] } };
}

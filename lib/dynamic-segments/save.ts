import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { accessGroups, dynamicSegmentAccessGroups, dynamicSegments, segmentUpdateLog } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, invalid, type Issue } from "@/lib/errors";
import { issuesFromZod, scriptSchema } from "@/lib/segments/script";
import { calculateSavedSegment, prepareSelection } from "@/lib/segments/selection";
import { changeDetails, changedFields, type SegmentState } from "./change-log";
import { assertNameFree, isNameIndexViolation, nameConflict } from "./names";
import { segmentInputSchema } from "./segment-schema";
import { appendSegmentVersion, latestVersionNumber, lockSegmentRow } from "./versions";

export { segmentInputSchema };
export type SegmentInput = z.input<typeof segmentInputSchema>;
type ParsedInput = z.output<typeof segmentInputSchema>;

export type SaveResult = { id: number; count: number | null; calculatedAt: Date | null; warning?: string };

function parseInput(input: unknown): ParsedInput {
  const parsed = segmentInputSchema.safeParse(input);
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error));
  return parsed.data;
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

/** Validates the rule for the user (access to the database and referenced segments, fields, cycles). */
async function checkRule(db: Db, user: ActingUser, input: ParsedInput, segmentId?: number): Promise<void> {
  try {
    await prepareSelection(db, user, { databaseId: input.databaseId, range: input.range, conditions: input.conditions, limit: input.limit }, { segmentId });
  } catch (error) {
    if (error instanceof AppError && error.code === "validation_failed") {
      throw invalid(error.issues.map((i) => prefixed(i)), "Some conditions are not valid.");
    }
    throw error;
  }
}

/** Script issues are reported under `conditions`, the rest under their own names. */
function prefixed(issue: Issue): Issue {
  if (/^(range|limit|conditions|databaseId)/.test(issue.path)) return issue;
  return { ...issue, path: issue.path ? `conditions.${issue.path}` : "conditions" };
}

/**
 * Calculates a just-saved segment inside the save's transaction (a savepoint), so that the version it
 * writes records the count at save; a too-heavy selection keeps the segment and says why it has no count.
 */
async function firstCount(tx: Db, user: ActingUser, id: number): Promise<SaveResult> {
  try {
    const { count, calculatedAt } = await calculateSavedSegment(tx, user, id);
    return { id, count, calculatedAt };
  } catch (error) {
    if (error instanceof AppError && error.code === "timeout") return { id, count: null, calculatedAt: null, warning: error.message };
    throw error;
  }
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

/** Saves a new segment, records it in its update log and calculates its first count. */
export async function createSegment(db: Db, user: ActingUser, input: unknown): Promise<SaveResult> {
  const data = parseInput(input);
  await checkRule(db, user, data);
  await checkGroups(db, user, data.accessGroupIds);
  await assertNameFree(db, data.databaseId, data.name);
  return uniqueName(() => db.transaction(async (tx) => {
    const [row] = await tx
      .insert(dynamicSegments)
      .values({
        name: data.name,
        databaseId: data.databaseId,
        rangeFrom: data.range.from,
        rangeTo: data.range.to,
        conditions: data.conditions,
        limit: data.limit,
        description: data.description,
        tags: data.tags,
        createdBy: user.id,
      })
      .returning({ id: dynamicSegments.id });
    if (data.accessGroupIds.length) await tx.insert(dynamicSegmentAccessGroups).values(data.accessGroupIds.map((groupId) => ({ segmentId: row.id, groupId })));
    await tx.insert(segmentUpdateLog).values({ segmentId: row.id, userId: user.id, kind: "created", details: { version: 1 } });
    const saved = await firstCount(tx, user, row.id);
    await appendSegmentVersion(tx, { segmentId: row.id, n: 1, userId: user.id, definition: data, count: saved.count });
    return saved;
  }));
}

/**
 * Changes a saved segment (never its source) and recalculates it, in one transaction: the update log
 * names only what changed by meaning (with before → after), and a changed range, conditions or limit
 * writes the next version with the count at save. `restoredFrom`: the version being restored.
 */
export async function updateSegment(db: Db, user: ActingUser, segmentId: number, input: unknown, opts: { restoredFrom?: number } = {}): Promise<SaveResult & { version: number | null }> {
  const visible = await requireVisibleDynamicSegment(db, user, segmentId);
  const data = parseInput({ ...(input as object), databaseId: (input as { databaseId?: unknown })?.databaseId ?? visible.databaseId });
  if (data.databaseId !== visible.databaseId) throw invalid([{ path: "databaseId", message: "The source cannot change after the first save." }]);
  await checkRule(db, user, data, segmentId);
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
      .set({
        name: data.name,
        rangeFrom: data.range.from,
        rangeTo: data.range.to,
        conditions: data.conditions,
        limit: data.limit,
        description: data.description,
        tags: data.tags,
        updatedAt: sql`now()`,
      })
      .where(eq(dynamicSegments.id, segmentId));
    await tx.delete(dynamicSegmentAccessGroups).where(and(eq(dynamicSegmentAccessGroups.segmentId, segmentId), existingGroups.length ? inArray(dynamicSegmentAccessGroups.groupId, existingGroups) : undefined));
    if (groups.length) await tx.insert(dynamicSegmentAccessGroups).values(groups.map((groupId) => ({ segmentId, groupId })));
    const definitionChanged = changed.some((k) => k === "range" || k === "conditions" || k === "limit");
    const version = definitionChanged ? (await latestVersionNumber(tx, segmentId)) + 1 : null;
    if (changed.length) {
      const details = await changeDetails(tx, before, after, changed, version, version !== null ? opts.restoredFrom : undefined);
      await tx.insert(segmentUpdateLog).values({ segmentId, userId: user.id, kind: "updated", details: details as Record<string, unknown> });
    }
    const saved = await firstCount(tx, user, segmentId);
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

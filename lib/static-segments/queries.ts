import "server-only";
/**
 * Static segments: stored lists of profiles of one database. Visible to a user who may see both the
 * segment (its access groups, SPEC §3) and its database; anything else answers 404.
 */
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { idSchema, storableText } from "@/lib/validation/input";
import type { Db } from "@/db/client";
import { profileDatabases, staticSegmentAccessGroups, staticSegmentMembers, staticSegments } from "@/db/schema";
import { requireVisibleDatabase } from "@/lib/access/guards";
import { databaseVisible, staticSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { listAssignableAccessGroups } from "@/lib/databases/queries";
import { profileListPage } from "@/lib/profiles/profile-lists";
import { AppError, invalid, notFound } from "@/lib/errors";
import { issuesFromZod } from "@/lib/segments/script";

export type StaticSegmentRow = {
  id: number;
  name: string;
  databaseId: number;
  databaseName: string;
  memberCount: number;
  createdAt: Date;
};

const visible = (user: ActingUser) => and(staticSegmentVisible(user, staticSegments.id), databaseVisible(user, staticSegments.databaseId));
const memberCount = sql<number>`(select count(*) from ${staticSegmentMembers} m where m.segment_id = ${sql.raw(`"static_segments"."id"`)})`.mapWith(Number);

function staticSegmentQuery(db: Db) {
  return db
    .select({
      id: staticSegments.id,
      name: staticSegments.name,
      databaseId: staticSegments.databaseId,
      databaseName: profileDatabases.name,
      memberCount,
      createdAt: staticSegments.createdAt,
    })
    .from(staticSegments)
    .innerJoin(profileDatabases, eq(profileDatabases.id, staticSegments.databaseId))
    .$dynamic();
}

/** Live static segments the user may see, by name, with member counts; optionally of one database. */
export async function listStaticSegments(db: Db, user: ActingUser, opts: { databaseId?: number } = {}): Promise<StaticSegmentRow[]> {
  return staticSegmentQuery(db)
    .where(and(isNull(staticSegments.deletedAt), visible(user), opts.databaseId ? eq(staticSegments.databaseId, opts.databaseId) : undefined))
    .orderBy(asc(staticSegments.name), asc(staticSegments.id));
}

/** One live static segment the user may see, with its database name and member count. */
export async function getStaticSegment(db: Db, user: ActingUser, id: number): Promise<StaticSegmentRow> {
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) throw notFound("The static segment");
  const [row] = await staticSegmentQuery(db).where(and(eq(staticSegments.id, id), isNull(staticSegments.deletedAt), visible(user)));
  if (!row) throw notFound("The static segment");
  return row;
}

/**
 * A static segment an action may write to: visible (else 404), live (a binned one is refused with
 * its name, since the user can see it), and of the source's database.
 */
export async function requireStaticSegmentTarget(db: Db, user: ActingUser, id: number, databaseId: number) {
  const [row] = await db
    .select({ id: staticSegments.id, name: staticSegments.name, databaseId: staticSegments.databaseId, deletedAt: staticSegments.deletedAt })
    .from(staticSegments)
    .where(and(eq(staticSegments.id, id), visible(user)));
  if (!row) throw new AppError("not_found", "The static segment was not found.", [{ path: "target.staticSegmentId", message: "This static segment was not found." }]);
  if (row.deletedAt)
    throw new AppError("conflict", `The static segment “${row.name}” is in the bin. Choose another one or create a new one.`, [
      { path: "target.staticSegmentId", message: "This static segment is in the bin." },
    ]);
  if (row.databaseId !== databaseId)
    throw invalid([{ path: "target.staticSegmentId", message: `“${row.name}” belongs to another profile database.` }], `The static segment “${row.name}” belongs to another profile database.`);
  return row;
}

export const createStaticSegmentSchema = z.strictObject({
  name: storableText({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(200, { error: "Use at most 200 characters." }),
  databaseId: idSchema("Choose a profile database."),
  accessGroupIds: z.array(idSchema()).max(100).default([]),
});
export type CreateStaticSegmentInput = z.input<typeof createStaticSegmentSchema>;

/**
 * Creates an empty static segment in a database the user may see. A live static segment of the same
 * database with the same name (ignoring case) is a conflict, so "new segment named on the spot" never
 * quietly makes a twin. Pass a transaction to create it together with its first members.
 */
export async function createStaticSegment(db: Db, user: ActingUser, input: CreateStaticSegmentInput, opts: { path?: string } = {}) {
  const parsed = createStaticSegmentSchema.safeParse(input);
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error));
  const { name, databaseId, accessGroupIds } = parsed.data;
  await requireVisibleDatabase(db, user, databaseId);
  const groupIds = [...new Set(accessGroupIds)];
  if (groupIds.length) {
    const assignable = new Set((await listAssignableAccessGroups(db, user)).map((g) => g.id));
    if (groupIds.some((g) => !assignable.has(g))) throw invalid([{ path: "accessGroupIds", message: "You can only choose access groups you belong to." }]);
  }
  const [twin] = await db
    .select({ id: staticSegments.id })
    .from(staticSegments)
    .where(and(eq(staticSegments.databaseId, databaseId), isNull(staticSegments.deletedAt), sql`lower(${staticSegments.name}) = lower(${name})`));
  if (twin)
    throw new AppError("conflict", `A static segment named “${name}” already exists in this database.`, [
      { path: opts.path ?? "name", message: "This name is taken; choose another or pick the existing segment." },
    ]);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(staticSegments).values({ name, databaseId, createdBy: user.id }).returning();
    if (groupIds.length) await tx.insert(staticSegmentAccessGroups).values(groupIds.map((groupId) => ({ segmentId: row.id, groupId })));
    return row;
  });
}

/** One page of members in profile id order (keyset on id), with whether more follow. */
export async function listStaticSegmentMembers(db: Db, user: ActingUser, id: number, opts: { afterId?: number; pageSize?: number } = {}) {
  const segment = await getStaticSegment(db, user, id);
  const { profiles: members, hasMore } = await profileListPage(db, "staticSegment", segment.id, opts);
  return { segment, members, hasMore };
}

/** Removes the given profiles from a static segment; answers how many were members. */
export async function removeStaticSegmentMembers(db: Db, user: ActingUser, id: number, profileIds: number[]): Promise<{ removed: number }> {
  const ids = [...new Set(profileIds)].filter((n) => Number.isSafeInteger(n) && n > 0);
  if (!ids.length) throw invalid([{ path: "profileIds", message: "Choose at least one profile to remove." }]);
  if (ids.length > 1000) throw invalid([{ path: "profileIds", message: "Remove at most 1,000 profiles at a time." }]);
  const segment = await getStaticSegment(db, user, id);
  const removed = await db
    .delete(staticSegmentMembers)
    .where(and(eq(staticSegmentMembers.segmentId, segment.id), inArray(staticSegmentMembers.profileId, ids)))
    .returning({ id: staticSegmentMembers.profileId });
  return { removed: removed.length };
}


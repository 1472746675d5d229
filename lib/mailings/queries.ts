import "server-only";
/**
 * Mailings: sends to one database's profiles, optionally to a dynamic segment of it. A mailing has no
 * access groups of its own: it is visible to whoever may see its database.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { idSchema, storableText } from "@/lib/validation/input";
import type { Db } from "@/db/client";
import { dynamicSegments, mailings, profileDatabases } from "@/db/schema";
import { requireVisibleDatabase, requireVisibleDynamicSegment } from "@/lib/access/guards";
import { databaseVisible, dynamicSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { invalid } from "@/lib/errors";
import { latestVersionSql } from "@/lib/dynamic-segments/versions";
import { issuesFromZod } from "@/lib/segments/script";

export type MailingRow = {
  id: number;
  name: string;
  databaseId: number;
  databaseName: string;
  segmentId: number | null;
  segmentName: string | null;
  segmentVersion: number | null;
  createdAt: Date;
};

/**
 * The database and segment a mailing or scenario is created on: the database must be visible, and the
 * segment (when given) visible, live and of that database. Absent or invisible → 404.
 */
export async function requireCampaignSegment(db: Db, user: ActingUser, databaseId: number, segmentId: number | null): Promise<void> {
  await requireVisibleDatabase(db, user, databaseId);
  if (segmentId === null) return;
  const segment = await requireVisibleDynamicSegment(db, user, segmentId);
  if (segment.databaseId !== databaseId)
    throw invalid([{ path: "segmentId", message: `“${segment.name}” reads another profile database.` }], `The segment “${segment.name}” reads another profile database.`);
}

/** Mailings of the databases the user may see, by name. */
export async function listMailings(db: Db, user: ActingUser): Promise<MailingRow[]> {
  return db
    .select({
      id: mailings.id,
      name: mailings.name,
      databaseId: mailings.databaseId,
      databaseName: profileDatabases.name,
      segmentId: mailings.segmentId,
      // A segment the user may not see (or one in the bin) is shown by id only, never by name.
      segmentName: sql<string | null>`(select s.name from ${dynamicSegments} s where s.id = ${mailings.segmentId} and s.deleted_at is null and ${dynamicSegmentVisible(user, sql`s.id`)})`,
      segmentVersion: mailings.segmentVersion,
      createdAt: mailings.createdAt,
    })
    .from(mailings)
    .innerJoin(profileDatabases, eq(profileDatabases.id, mailings.databaseId))
    .where(and(databaseVisible(user, mailings.databaseId)))
    .orderBy(asc(mailings.name), asc(mailings.id));
}

export const createMailingSchema = z.strictObject({
  name: storableText({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(200, { error: "Use at most 200 characters." }),
  databaseId: idSchema("Choose a profile database."),
  segmentId: idSchema("Expected a segment id.").nullish(),
});
export type CreateMailingInput = z.input<typeof createMailingSchema>;

/** Creates a mailing in a database the user may see, optionally for a dynamic segment of it. */
export async function createMailing(db: Db, user: ActingUser, input: CreateMailingInput) {
  const parsed = createMailingSchema.safeParse(input);
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error));
  const { name, databaseId, segmentId } = parsed.data;
  await requireCampaignSegment(db, user, databaseId, segmentId ?? null);
  // The segment's current version, read in the same statement (SPEC §6: a mailing records the version it used).
  const [row] = await db
    .insert(mailings)
    .values({ name, databaseId, segmentId: segmentId ?? null, segmentVersion: latestVersionSql(segmentId ?? null), createdBy: user.id })
    .returning();
  return row;
}

import "server-only";
/**
 * Mailings: sends to one database's profiles, optionally to a dynamic segment of it. A mailing has no
 * access groups of its own: it is visible to whoever may see its database.
 */
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
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

/** A mailing or a scenario in its list: on a database, fed by a segment (named only when visible) or by the whole database. */
export type CampaignRow = {
  id: number;
  name: string;
  databaseId: number;
  databaseName: string;
  segmentId: number | null;
  segmentName: string | null;
  createdAt: Date;
};

/** A mailing records the segment's version it was sent with (SPEC §6). */
export type MailingRow = CampaignRow & { segmentVersion: number | null };

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

/** What creating a mailing or a scenario takes: a name, a database, and optionally a segment of it. */
export function campaignSchema(segmentIdError?: string) {
  return z.strictObject({
    name: storableText({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(200, { error: "Use at most 200 characters." }),
    databaseId: idSchema("Choose a profile database."),
    segmentId: idSchema(segmentIdError).nullish(),
  });
}

/** A mailing's or scenario's input, parsed, with its database and segment checked (`requireCampaignSegment`). */
export async function checkedCampaign<T extends ReturnType<typeof campaignSchema>>(db: Db, user: ActingUser, schema: T, input: unknown): Promise<z.output<T>> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error));
  await requireCampaignSegment(db, user, parsed.data.databaseId, parsed.data.segmentId ?? null);
  return parsed.data;
}

/** The name of a mailing's or scenario's segment: a segment the user may not see (or one in the bin) is shown by id only, never by name. */
export function visibleSegmentName(user: ActingUser, segmentId: AnyPgColumn): SQL<string | null> {
  return sql<string | null>`(select s.name from ${dynamicSegments} s where s.id = ${segmentId} and s.deleted_at is null and ${dynamicSegmentVisible(user, sql`s.id`)})`;
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
      segmentName: visibleSegmentName(user, mailings.segmentId),
      segmentVersion: mailings.segmentVersion,
      createdAt: mailings.createdAt,
    })
    .from(mailings)
    .innerJoin(profileDatabases, eq(profileDatabases.id, mailings.databaseId))
    .where(and(databaseVisible(user, mailings.databaseId)))
    .orderBy(asc(mailings.name), asc(mailings.id));
}

export const createMailingSchema = campaignSchema("Expected a segment id.");
export type CreateMailingInput = z.input<typeof createMailingSchema>;

/** Creates a mailing in a database the user may see, optionally for a dynamic segment of it. */
export async function createMailing(db: Db, user: ActingUser, input: CreateMailingInput) {
  const { name, databaseId, segmentId } = await checkedCampaign(db, user, createMailingSchema, input);
  // The segment's current version, read in the same statement (SPEC §6: a mailing records the version it used).
  const [row] = await db
    .insert(mailings)
    .values({ name, databaseId, segmentId: segmentId ?? null, segmentVersion: latestVersionSql(segmentId ?? null), createdBy: user.id })
    .returning();
  return row;
}

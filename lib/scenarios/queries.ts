import "server-only";
/**
 * Scenarios: automated journeys of one database's profiles, optionally fed by a dynamic segment.
 * A scenario has no access groups of its own: it is visible to whoever may see its database.
 */
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { idSchema, storableText } from "@/lib/validation/input";
import type { Db } from "@/db/client";
import { dynamicSegments, profileDatabases, profiles, scenarioParticipants, scenarios } from "@/db/schema";
import { databaseVisible, dynamicSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { invalid, notFound } from "@/lib/errors";
import { requireCampaignSegment } from "@/lib/mailings/queries";
import { issuesFromZod } from "@/lib/segments/script";

export type ScenarioRow = {
  id: number;
  name: string;
  databaseId: number;
  databaseName: string;
  segmentId: number | null;
  segmentName: string | null;
  participantCount: number;
  createdAt: Date;
};

const participantCount = sql<number>`(select count(*) from ${scenarioParticipants} sp where sp.scenario_id = ${sql.raw(`"scenarios"."id"`)})`.mapWith(Number);

function scenarioQuery(db: Db, user: ActingUser) {
  return db
    .select({
      id: scenarios.id,
      name: scenarios.name,
      databaseId: scenarios.databaseId,
      databaseName: profileDatabases.name,
      segmentId: scenarios.segmentId,
      // A segment the user may not see (or one in the bin) is shown by id only, never by name.
      segmentName: sql<string | null>`(select s.name from ${dynamicSegments} s where s.id = ${scenarios.segmentId} and s.deleted_at is null and ${dynamicSegmentVisible(user, sql`s.id`)})`,
      participantCount,
      createdAt: scenarios.createdAt,
    })
    .from(scenarios)
    .innerJoin(profileDatabases, eq(profileDatabases.id, scenarios.databaseId))
    .where(databaseVisible(user, scenarios.databaseId))
    .$dynamic();
}

/** Scenarios of the databases the user may see, by name, with participant counts. */
export async function listScenarios(db: Db, user: ActingUser, opts: { databaseId?: number } = {}): Promise<ScenarioRow[]> {
  const q = scenarioQuery(db, user);
  if (opts.databaseId) q.where(and(databaseVisible(user, scenarios.databaseId), eq(scenarios.databaseId, opts.databaseId)));
  return q.orderBy(asc(scenarios.name), asc(scenarios.id));
}

export async function getScenario(db: Db, user: ActingUser, id: number): Promise<ScenarioRow> {
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) throw notFound("The scenario");
  const [row] = await scenarioQuery(db, user).where(and(eq(scenarios.id, id), databaseVisible(user, scenarios.databaseId)));
  if (!row) throw notFound("The scenario");
  return row;
}

/** A scenario an action may add profiles to: visible (else 404) and of the source's database. */
export async function requireScenarioTarget(db: Db, user: ActingUser, id: number, databaseId: number) {
  const [row] = await db
    .select({ id: scenarios.id, name: scenarios.name, databaseId: scenarios.databaseId })
    .from(scenarios)
    .where(and(eq(scenarios.id, id), databaseVisible(user, scenarios.databaseId)));
  if (!row) throw notFound("The scenario");
  if (row.databaseId !== databaseId)
    throw invalid([{ path: "scenarioId", message: `“${row.name}” belongs to another profile database.` }], `The scenario “${row.name}” belongs to another profile database.`);
  return row;
}

export const createScenarioSchema = z.strictObject({
  name: storableText({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(200, { error: "Use at most 200 characters." }),
  databaseId: idSchema("Choose a profile database."),
  segmentId: idSchema().nullish(),
});
export type CreateScenarioInput = z.input<typeof createScenarioSchema>;

/** Creates a scenario in a database the user may see, optionally fed by a dynamic segment of it. */
export async function createScenario(db: Db, user: ActingUser, input: CreateScenarioInput) {
  const parsed = createScenarioSchema.safeParse(input);
  if (!parsed.success) throw invalid(issuesFromZod(parsed.error));
  const { name, databaseId, segmentId } = parsed.data;
  await requireCampaignSegment(db, user, databaseId, segmentId ?? null);
  const [row] = await db.insert(scenarios).values({ name, databaseId, segmentId: segmentId ?? null, createdBy: user.id }).returning();
  return row;
}

export type ParticipantRow = { id: number; email: string | null; firstName: string | null; lastName: string | null; addedAt: Date };

/** One page of participants in profile id order (keyset), with whether more follow. */
export async function listParticipants(db: Db, user: ActingUser, id: number, opts: { afterId?: number; pageSize?: number } = {}) {
  const scenario = await getScenario(db, user, id);
  const pageSize = Math.min(Math.max(opts.pageSize ?? 50, 1), 500);
  const rows = await db
    .select({ id: profiles.id, email: profiles.email, firstName: profiles.firstName, lastName: profiles.lastName, addedAt: scenarioParticipants.addedAt })
    .from(scenarioParticipants)
    .innerJoin(profiles, eq(profiles.id, scenarioParticipants.profileId))
    .where(and(eq(scenarioParticipants.scenarioId, scenario.id), opts.afterId ? gt(scenarioParticipants.profileId, opts.afterId) : undefined))
    .orderBy(asc(scenarioParticipants.profileId))
    .limit(pageSize + 1);
  return { scenario, participants: rows.slice(0, pageSize) as ParticipantRow[], hasMore: rows.length > pageSize };
}

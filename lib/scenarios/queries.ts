import "server-only";
/**
 * Scenarios: automated journeys of one database's profiles, optionally fed by a dynamic segment.
 * A scenario has no access groups of its own: it is visible to whoever may see its database.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { profileDatabases, scenarioParticipants, scenarios } from "@/db/schema";
import { databaseVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { invalid, notFound } from "@/lib/errors";
import { campaignSchema, checkedCampaign, visibleSegmentName, type CampaignRow } from "@/lib/mailings/queries";
import { profileListPage } from "@/lib/profiles/profile-lists";

export type ScenarioRow = CampaignRow & { participantCount: number };

const participantCount = sql<number>`(select count(*) from ${scenarioParticipants} sp where sp.scenario_id = ${sql.raw(`"scenarios"."id"`)})`.mapWith(Number);

function scenarioQuery(db: Db, user: ActingUser) {
  return db
    .select({
      id: scenarios.id,
      name: scenarios.name,
      databaseId: scenarios.databaseId,
      databaseName: profileDatabases.name,
      segmentId: scenarios.segmentId,
      segmentName: visibleSegmentName(user, scenarios.segmentId),
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

export const createScenarioSchema = campaignSchema();
export type CreateScenarioInput = z.input<typeof createScenarioSchema>;

/** Creates a scenario in a database the user may see, optionally fed by a dynamic segment of it. */
export async function createScenario(db: Db, user: ActingUser, input: CreateScenarioInput) {
  const { name, databaseId, segmentId } = await checkedCampaign(db, user, createScenarioSchema, input);
  const [row] = await db.insert(scenarios).values({ name, databaseId, segmentId: segmentId ?? null, createdBy: user.id }).returning();
  return row;
}

/** One page of participants in profile id order (keyset), with whether more follow. */
export async function listParticipants(db: Db, user: ActingUser, id: number, opts: { afterId?: number; pageSize?: number } = {}) {
  const scenario = await getScenario(db, user, id);
  const { profiles: participants, hasMore } = await profileListPage(db, "scenario", scenario.id, opts);
  return { scenario, participants, hasMore };
}

/** A small world for the action tests: users, groups, databases, profiles, segments, targets. */
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { expect } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { profiles, scenarios, segmentUpdateLog, staticSegmentAccessGroups, staticSegmentMembers, staticSegments } from "@/db/schema";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import { AppError } from "@/lib/errors";
import { addProfiles } from "@/lib/segments/testing/fixtures";

export const newKey = () => randomUUID();

export const berlinScript = {
  logic: "and",
  groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }],
};

export async function makeWorld() {
  const db = await getDb();
  const team = await makeGroup();
  const admin = await makeUser("admin");
  const marketer = await makeUser("marketer", [{ id: team.id }]);
  const outsider = await makeUser("marketer");
  const source = await makeDatabase({
    fields: [
      { key: "city", type: "string" },
      { key: "age", type: "number" },
      { key: "vip", type: "boolean" },
      { key: "joined", type: "date" },
      { key: "note", type: "string" },
    ],
  });
  // Shares city (string) and vip (boolean) with the source; age has another type, tier is its own.
  const other = await makeDatabase({
    fields: [
      { key: "city", type: "string" },
      { key: "age", type: "string" },
      { key: "vip", type: "boolean" },
      { key: "tier", type: "string" },
    ],
  });
  const hidden = await makeDatabase({ groupIds: [team.id] });
  const ids = await addProfiles(db, source.id, [
    { email: "anna@example.com", firstName: "Anna", fields: { city: "Berlin", age: 31, vip: true, joined: "2024-01-05" }, emailSubscription: "subscribed" },
    { email: "ben@example.com", firstName: "Ben", fields: { city: "Berlin", age: 45, vip: false } },
    { email: "cleo@example.com", fields: { city: "Hamburg", age: 22 } },
    { email: "Dora@Example.com", fields: { city: "Berlin", note: "=SUM(A1:A2)" }, smsSubscription: "unsubscribed" },
    { email: null, fields: { city: "Munich" } },
    { email: "dora@example.com", fields: { city: "Berlin", note: "-5 apples" } },
  ]);
  const berliners = await makeSegment({ databaseId: source.id, name: "Berliners", conditions: berlinScript });
  const rule = { databaseId: source.id, conditions: berlinScript };
  return { db, team, admin, marketer, outsider, source, other, hidden, ids, berliners, rule };
}

export type World = Awaited<ReturnType<typeof makeWorld>>;

export async function makeStaticSegment(databaseId: number, opts: { name?: string; groupIds?: number[]; binned?: boolean } = {}) {
  const db = await getDb();
  const [row] = await db
    .insert(staticSegments)
    .values({ name: opts.name ?? `Static ${randomUUID().slice(0, 8)}`, databaseId, deletedAt: opts.binned ? new Date() : null })
    .returning();
  if (opts.groupIds?.length) await db.insert(staticSegmentAccessGroups).values(opts.groupIds.map((groupId) => ({ segmentId: row.id, groupId })));
  return row;
}

export async function makeScenario(databaseId: number, name = `Scenario ${randomUUID().slice(0, 8)}`) {
  const db = await getDb();
  const [row] = await db.insert(scenarios).values({ name, databaseId }).returning();
  return row;
}

export async function membersOf(segmentId: number): Promise<number[]> {
  const db = await getDb();
  const rows = await db.select({ id: staticSegmentMembers.profileId }).from(staticSegmentMembers).where(eq(staticSegmentMembers.segmentId, segmentId));
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

export async function actionLog(segmentId: number) {
  const db = await getDb();
  return db
    .select({ kind: segmentUpdateLog.kind, count: segmentUpdateLog.count, details: segmentUpdateLog.details, userId: segmentUpdateLog.userId })
    .from(segmentUpdateLog)
    .where(eq(segmentUpdateLog.segmentId, segmentId))
    .orderBy(segmentUpdateLog.id);
}

export async function profileCount(databaseId: number): Promise<number> {
  const db = await getDb();
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${profiles} where database_id = ${databaseId}`);
  return row.n;
}

/** The AppError a promise rejects with (the test fails if it resolves or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

export const isPostgres = () => process.env.TEST_DB_KIND === "postgres";

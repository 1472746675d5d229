/**
 * Explaining one profile of a limited rule counts its rank among the matches. For a rule counted from
 * the events that decide it (compile-count.ts, `eventOnlyRankQuery`) that count reads the events alone:
 * the same number as the rule's matches up to the profile (checked against the reference evaluator), a
 * plan without `profiles` (PostgreSQL), and the same explanation as the profile explained among all
 * the others (which counts through the profiles).
 */
import { sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "@/db/client";
import { PgDialect } from "drizzle-orm/pg-core";
import { compileRuleParts } from "./compile";
import { eventOnlyRankQuery } from "./compile-count";
import { explainPrepared, rankQuery } from "./explain";
import { AliasPool } from "./predicate";
import { dateToMicros } from "./dates";
import { prepareSelection } from "./selection";
import { explainPlan, planNodes } from "./testing/plans";
import { evaluateReference, type Json } from "./testing/reference";
import { admin, createWorld, NOW, type World } from "./testing/world";

const dialect = new PgDialect();
const group = (conditions: Json[], logic: "and" | "or" = "and", not = false) => ({ logic, not, conditions });
const opened = { kind: "interaction", type: "opened" };
const clickedTwice = { kind: "interaction", type: "clicked", count: { op: "gte", value: 2 } };
const purchase = { kind: "event", type: "purchase" };
const purchaseRecent = { kind: "event", type: "purchase", period: { last_days: 30 }, count: { op: "eq", value: 0 } };
const subscribed = { kind: "subscription", channel: "email", status: "subscribed" };

/** Rules and whether their rank comes from the events alone. */
const CASES: { name: string; rule: { range: { from: number; to: number }; conditions: Json; limit: number }; fromEvents: boolean }[] = [
  { name: "opened at least once", rule: { range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([opened])] }, limit: 40 }, fromEvents: true },
  { name: "clicked at least twice, in a range", rule: { range: { from: 10, to: 70 }, conditions: { logic: "and", groups: [group([clickedTwice])] }, limit: 5 }, fromEvents: true },
  {
    name: "bought before, but not in the last 30 days",
    rule: { range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([purchase, purchaseRecent])] }, limit: 5 },
    fromEvents: true,
  },
  // Holds for profiles without events, or needs the profile row: counted through the profiles.
  { name: "did not open", rule: { range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([opened], "and", true)] }, limit: 40 }, fromEvents: false },
  { name: "opened and subscribed", rule: { range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([opened, subscribed])] }, limit: 10 }, fromEvents: false },
];

describe("the rank of one explained profile", () => {
  let db: Db;
  let world: World;
  beforeAll(async () => {
    db = await getDb();
    world = await createWorld(db, 20261215, 300);
  });

  for (const { name, rule, fromEvents } of CASES) {
    it(`${name}: ${fromEvents ? "from the events alone" : "through the profiles"}, the rank the matches give`, async () => {
      const input = { databaseId: world.databaseId, ...rule };
      const prepared = await prepareSelection(db, admin, input, { now: NOW });
      const matches = evaluateReference(world, { ...input, limit: null }, NOW);
      expect(matches.length, "the rule matches profiles past its limit").toBeGreaterThan(rule.limit);
      // A profile deep among the matches, past the limit, and one inside it.
      for (const id of [matches[matches.length - 1], matches[Math.min(rule.limit, matches.length) - 1]]) {
        const rank = eventOnlyRankQuery(prepared.rule, { databaseId: world.databaseId, now: dateToMicros(NOW), aliases: new AliasPool() }, sql`${id}::bigint`);
        expect(rank !== null, "counted from the events").toBe(fromEvents);
        if (rank) {
          const [row] = await queryRows<{ n: number | string }>(db, sql`select ${rank} as n`);
          expect(Number(row.n), `rank of ${id}`).toBe(matches.indexOf(id) + 1);
          if (process.env.TEST_DB_KIND === "postgres") expect(await relationsRead(db, sql`select ${rank} as n`)).not.toContain("profiles");
        }
        // The explain statement's rank for one profile is that count; for many, through the profiles.
        const parts = compileRuleParts(prepared.rule, prepared.ctx, { now: NOW, limitedUpTo: sql`${id}::bigint`, oneProfile: true });
        const rankSql = (one: boolean) => dialect.sqlToQuery(rankQuery(prepared.rule, parts, { one, upTo: String(id), now: dateToMicros(NOW), aliases: new AliasPool(), limit: rule.limit })).sql;
        expect({ name, readsProfiles: /from profiles/.test(rankSql(true)) }).toEqual({ name, readsProfiles: !fromEvents });
        expect(rankSql(false)).toMatch(/from profiles/);
        // Alone (the page), as among every profile of the database (through the profiles).
        const [single] = await explainPrepared(db, prepared, [id]);
        const all = await explainPrepared(db, prepared, world.profiles.filter((p) => p.databaseId === world.databaseId).map((p) => p.id));
        expect(single.limit?.rank, `profile ${id}`).toBe(matches.indexOf(id) + 1);
        expect(single).toEqual(all.find((e) => e.profile_id === id));
      }
    });
  }
});

/** The tables a statement's plan reads (not run). */
async function relationsRead(db: Db, query: SQL): Promise<string[]> {
  return planNodes(await explainPlan(db, query, { analyze: false })).flatMap((n) => (n["Relation Name"] ? [n["Relation Name"]] : []));
}

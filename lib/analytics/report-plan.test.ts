/**
 * The plan of the analytics page's report statement on PostgreSQL, over a generated world of 20,000
 * profiles: the selection's interactions of the period are one read of the events, whatever the
 * planner guesses of the materialized selection. PostgreSQL keeps no statistics for a CTE and counts
 * its ids as 200 distinct values, so with nested loops allowed it probed the events index once per
 * selected profile (144,430 times for "Engaged openers" at 1M, 1.9 s where one hashed read takes 0.6 s).
 */
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { prepareSelection } from "@/lib/segments/selection";
import { explainPlan, planNodes, type PlanNode } from "@/lib/segments/testing/plans";
import { createSqlWorld, type SqlWorld } from "@/lib/segments/testing/sql-world";
import { admin, NOW } from "@/lib/segments/testing/world";
import { analyticsReportQuery } from "./report";
import { figureSettings, PROBED_LIMIT } from "./subject";

/** Every node of the plan that reads the events table. */
const eventReads = (plan: PlanNode): PlanNode[] => planNodes(plan).filter((n) => n["Relation Name"] === "events");

describe.runIf(process.env.TEST_DB_KIND === "postgres")("the analytics report's plan", () => {
  let world: SqlWorld | undefined;
  const subscribed = { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "subscription", channel: "email", status: "subscribed" }] }] };

  it.each([
    ["unlimited", null],
    ["limited above PROBED_LIMIT", PROBED_LIMIT + 1],
  ] as const)("reads the interactions and purchases of a selection %s with one scan of the events each, never once per profile", { timeout: 120_000 }, async (_, limit) => {
    const db = await getDb();
    world ??= await createSqlWorld(db, 20261207, 20_000);
    const prepared = await prepareSelection(db, admin, { databaseId: world.databaseId, range: { from: 0, to: 100 }, conditions: subscribed, limit }, { now: NOW });
    const query = analyticsReportQuery(prepared.selection, { segmentId: 0, now: NOW, days: 90, field: null });
    const reads = eventReads(await explainPlan(db, query, { settings: figureSettings(prepared.selection) }));
    expect(reads.length).toBeGreaterThan(0);
    // A parallel scan counts its workers' loops (at most 1 + max_parallel_workers_per_gather, 2 here).
    const loops = reads.map((n) => n["Actual Loops"] ?? 0);
    expect(Math.max(...loops), JSON.stringify(reads.map((n) => [n["Node Type"], n["Actual Loops"], n["Actual Rows"]]))).toBeLessThanOrEqual(3);
  });

  it("keeps the planner's choice for a selection limited to PROBED_LIMIT or fewer, where probing per profile is cheaper", () => {
    expect(figureSettings({ limit: PROBED_LIMIT })).toEqual([]);
    expect(figureSettings({ limit: 10 })).toEqual([]);
    expect(figureSettings({ limit: PROBED_LIMIT + 1 })).toEqual([{ name: "enable_nestloop", value: "off" }]);
    expect(figureSettings({ limit: null })).toEqual([{ name: "enable_nestloop", value: "off" }]);
  });
});

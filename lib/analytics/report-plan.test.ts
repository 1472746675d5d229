/**
 * The plan of the analytics page's report statement on PostgreSQL, over a generated world of 20,000
 * profiles: the selection's interactions of the period are one read of the events, whatever the
 * planner guesses of the materialized selection. PostgreSQL keeps no statistics for a CTE and counts
 * its ids as 200 distinct values, so with nested loops allowed it probed the events index once per
 * selected profile (144,430 times for "Engaged openers" at 1M, 1.9 s where one hashed read takes 0.6 s).
 */
import { sql, type SQL } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "@/db/client";
import { prepareSelection, selectionWorkMem, type Setting } from "@/lib/segments/selection";
import { createSqlWorld, type SqlWorld } from "@/lib/segments/testing/sql-world";
import { admin, NOW } from "@/lib/segments/testing/world";
import { analyticsReportQuery } from "./report";
import { figureSettings, PROBED_LIMIT } from "./subject";

type PlanNode = { "Node Type": string; "Relation Name"?: string; "Actual Loops"?: number; "Actual Rows"?: number; Plans?: PlanNode[] };

async function explain(db: Db, query: SQL, settings: readonly Setting[]): Promise<PlanNode> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('plan_cache_mode', 'force_custom_plan', true), set_config('work_mem', ${selectionWorkMem()}, true)`);
    for (const { name, value } of settings) await tx.execute(sql`select set_config(${name}, ${value}, true)`);
    const [row] = await queryRows<{ "QUERY PLAN": unknown }>(tx as unknown as Db, sql`explain (analyze, format json) ${query}`);
    const doc = typeof row["QUERY PLAN"] === "string" ? JSON.parse(row["QUERY PLAN"]) : row["QUERY PLAN"];
    return (doc as { Plan: PlanNode }[])[0].Plan;
  });
}

/** Every node of the plan that reads the events table. */
const eventReads = (node: PlanNode): PlanNode[] => [...(node["Relation Name"] === "events" ? [node] : []), ...(node.Plans ?? []).flatMap(eventReads)];

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
    const reads = eventReads(await explain(db, query, figureSettings(prepared.selection)));
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

/**
 * Plans of compiled statements, for the tests that check a plan's shape on PostgreSQL (the plan guard,
 * the streamed Show, the analytics report, the explained rank): `EXPLAIN (FORMAT JSON)`, analyzed
 * unless asked not to, in a transaction with the settings the app runs selections with, and the plan's
 * nodes as one flat list to filter and sum.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { selectionWorkMem, type Setting } from "../selection";

/** The part of an EXPLAIN (FORMAT JSON) node the tests read. */
export type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Join Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
};

/**
 * The plan of `query` as the app plans a selection statement: for the actual values
 * (`force_custom_plan`), in the selection's work_mem (see withStatementTimeout), then `settings` (e.g.
 * Calculate's `countSettings`). `analyze` (the default) runs it; `timeoutMs` bounds that run.
 */
export async function explainPlan(db: Db, query: SQL, opts: { analyze?: boolean; settings?: readonly Setting[]; timeoutMs?: number } = {}): Promise<PlanNode> {
  return db.transaction(async (tx) => {
    const run = tx as unknown as Db;
    await run.execute(sql`select set_config('plan_cache_mode', 'force_custom_plan', true), set_config('work_mem', ${selectionWorkMem()}, true)`);
    if (opts.timeoutMs !== undefined) await run.execute(sql`select set_config('statement_timeout', ${String(opts.timeoutMs)}, true)`);
    for (const { name, value } of opts.settings ?? []) await run.execute(sql`select set_config(${name}, ${value}, true)`);
    const [row] = await queryRows<{ "QUERY PLAN": unknown }>(run, opts.analyze === false ? sql`explain (format json) ${query}` : sql`explain (analyze, format json) ${query}`);
    // postgres.js parses the json; PGlite's raw queries hand it over as text.
    const doc = typeof row["QUERY PLAN"] === "string" ? JSON.parse(row["QUERY PLAN"]) : row["QUERY PLAN"];
    return (doc as { Plan: PlanNode }[])[0].Plan;
  });
}

/** Every node of a plan, the root first, depth first. */
export const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

/** A node's rows over all its loops: what it produced, plus (with `removed`) what its filters threw away. */
export function nodeRows(node: PlanNode, removed = false): number {
  const thrown = removed ? (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Join Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0) : 0;
  return ((node["Actual Rows"] ?? 0) + thrown) * (node["Actual Loops"] ?? 0);
}

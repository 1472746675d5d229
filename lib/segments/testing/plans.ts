/**
 * Plans of compiled statements, for the tests that check a plan's shape on PostgreSQL (the plan guard,
 * the streamed Show, the analytics report, the explained rank): `EXPLAIN (FORMAT JSON)`, analyzed
 * unless asked not to, in a transaction with the settings the app runs selections with, and the plan's
 * nodes as one flat list to filter and sum.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { selectionTimeoutMs, withStatementTimeout, type Setting } from "../selection";

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
 * The plan of `query` as the app plans a selection statement: inside `withStatementTimeout` (plans for
 * the actual values, the selection's work_mem, a statement timeout — `timeoutMs`, else the app's), then
 * `settings` (e.g. Calculate's `countSettings`). `analyze` (the default) runs it.
 */
export async function explainPlan(db: Db, query: SQL, opts: { analyze?: boolean; settings?: readonly Setting[]; timeoutMs?: number } = {}): Promise<PlanNode> {
  const explain = opts.analyze === false ? sql`explain (format json) ${query}` : sql`explain (analyze, format json) ${query}`;
  const [row] = await withStatementTimeout(db, selectionTimeoutMs(opts), (tx) => queryRows<{ "QUERY PLAN": unknown }>(tx, explain), opts.settings);
  // postgres.js parses the json; PGlite's raw queries hand it over as text.
  const doc = typeof row["QUERY PLAN"] === "string" ? JSON.parse(row["QUERY PLAN"]) : row["QUERY PLAN"];
  return (doc as { Plan: PlanNode }[])[0].Plan;
}

/** Every node of a plan, the root first, depth first. */
export const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

/** A node's rows over all its loops: what it produced, plus (with `removed`) what its filters threw away. */
export function nodeRows(node: PlanNode, removed = false): number {
  const thrown = removed ? (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Join Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0) : 0;
  return ((node["Actual Rows"] ?? 0) + thrown) * (node["Actual Loops"] ?? 0);
}

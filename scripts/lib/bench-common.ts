/**
 * The plumbing every benchmark script shares: timing, medians and paired ratios, reading the command
 * line, opening the seeded benchmark database (DATABASE_URL, read through lib/env), the docs file the
 * results go to, and running a script's `main` when it is run alone (not when `npm run bench` imports it).
 * What each script measures stays in the script.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { closeDb, getDb, queryRows, type Db } from "@/db/client";
import { env } from "@/lib/env";

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * The median of engine/hand-written ratios of samples taken back to back: a burst of load from other
 * work on the machine hits both sides of a pair alike, so this is steadier than a ratio of medians.
 */
export function pairedRatio(samples: { engine: number[]; hand: number[] }): number {
  return median(samples.engine.map((e, k) => e / Math.max(samples.hand[k], 0.001)));
}

/** Runs `run` and answers its value with the wall-clock milliseconds it took. */
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/** Milliseconds as the tables show them: whole from 100, one decimal below. */
export const msText = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The command line's flags (`--no-write`) and options (`--runs 5`). */
export function benchArgs(argv: string[] = process.argv.slice(2)) {
  return {
    has: (flag: string) => argv.includes(flag),
    option: (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined),
  };
}

/** The PostgreSQL server or database of DATABASE_URL (validated by lib/env), or undefined when unset. */
export const benchServerUrl = (): string | undefined => env().DATABASE_URL;

/** A problem with the setup, said in one sentence (the script prints it and exits with 1). */
export class BenchSetupError extends Error {}

export type SeededBench = {
  db: Db;
  version: string;
  /** The demo's “Retail customers” profile database. */
  databaseId: number;
  /** Estimated from the table's statistics. */
  events: number;
  profiles: number;
  /** The day the database was seeded (its events are relative to it), or now. */
  now: Date;
};

/** The seeded benchmark database of DATABASE_URL, on one connection, with what the scripts need to know of it. */
export async function openSeededBench(): Promise<SeededBench> {
  if (!benchServerUrl()) throw new BenchSetupError("Set DATABASE_URL to the seeded benchmark database (npm run bench creates segments_bench).");
  process.env.DATABASE_POOL_SIZE = "1";
  const db = await getDb();
  const [info] = await queryRows<{ version: string; databaseId: number | null; events: number; profiles: number; comment: string | null }>(
    db,
    sql`SELECT current_setting('server_version') AS version,
               (SELECT id FROM profile_databases WHERE name = 'Retail customers') AS "databaseId",
               (SELECT reltuples::bigint FROM pg_class WHERE relname = 'events') AS events,
               (SELECT count(*)::int FROM profiles) AS profiles,
               (SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()) AS comment`,
  );
  if (!info.databaseId) throw new BenchSetupError("This database has no “Retail customers” profile database: seed it with the demo data first.");
  // The bench database records when it was seeded; its events are relative to that day.
  const seeded = info.comment?.match(/seeded=(\S+)/)?.[1];
  return {
    db,
    version: info.version,
    databaseId: Number(info.databaseId),
    events: Number(info.events),
    profiles: info.profiles,
    now: seeded ? new Date(seeded) : new Date(),
  };
}

/** The part of an EXPLAIN (FORMAT JSON) plan node the benchmarks read. */
export type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; "Parent Relationship"?: string; Plans?: PlanNode[] };

/** A plan as one line: node types with their index or table, children in parentheses. */
export function planShape(node: PlanNode): string {
  const target = node["Index Name"] ?? node["Relation Name"];
  const label = target ? `${node["Node Type"]} ${target}` : node["Node Type"];
  return node.Plans?.length ? `${label}(${node.Plans.map(planShape).join(", ")})` : label;
}

/** The tables a plan reads by a sequential scan. */
export function seqScans(node: PlanNode): string[] {
  const own = node["Node Type"] === "Seq Scan" ? [node["Relation Name"] ?? "?"] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

/** docs/benchmarks.md, where the scripts write their sections. */
export const benchmarksFile = (): string => path.join(process.cwd(), "docs", "benchmarks.md");

/** "Targets missed: …" or `allMet`, for the console. */
export function verdictText(missed: string[], allMet: string): string {
  return missed.length ? `Targets missed:\n${missed.map((m) => `  - ${m}`).join("\n")}` : allMet;
}

/**
 * Runs `main` when `moduleFile` (the script's `import.meta.filename`) is the script being run, not
 * when another bench imports it; exits with its code after closing the database.
 */
export function runBenchScript(moduleFile: string | undefined, main: () => Promise<number | void>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== path.resolve(moduleFile ?? "")) return;
  main()
    .then(async (code) => {
      await closeDb();
      process.exit(code ?? 0);
    })
    .catch(async (error: unknown) => {
      console.error(error instanceof BenchSetupError || error instanceof Error ? error.message : error);
      await closeDb().catch(() => {});
      process.exit(1);
    });
}

import { performance } from "node:perf_hooks";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { closeDb, getDb, queryRows } from "@/db/client";
import { databaseUrl } from "@/db/testing/pg-admin";
import { calculateQuery } from "@/lib/segments/compile";
import { setFieldIndexed } from "@/lib/segments/field-index";
import { countSettings, PAGE_SETTINGS, prepareSelection, selectionPageQuery, selectionWorkMem, SHOW_LIMIT, type Setting } from "@/lib/segments/selection";
import type { ScriptInput } from "@/lib/segments/script";
import { benchCases, type BenchCase } from "./bench-cases";
import { BENCH_ADMIN, benchRefs } from "./bench-refs";
import { writeMarkedSection } from "./bench-report";
import { MARKER } from "./bench-db";
import { benchArgs, benchmarksFile, benchServerUrl, median, planShape, runBenchScript, seqScans, type PlanNode } from "./lib/bench-common";

/**
 * How the engine's Calculate and Show grow with the size of the database: every benchmark script
 * (scripts/bench-cases.ts) on each of the benchmark databases given (by default 100k, 1M and 10M
 * profiles, seeded by `npm run bench -- --profiles N --database NAME`), plus two rules on custom fields
 * that a database owner marked as indexed. Reads only databases whose seed finished (the bench's
 * database comment says so); never seeds or drops one. Per size: one warm-up pass, then `--runs`
 * measured passes, the median kept. Checks the plans the issue asks for at every size: the range-only
 * count answered by an index without a sequential scan, and the indexed custom fields read by their
 * index.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx --conditions=react-server scripts/bench-growth.ts \
 *     [--databases segments_bench_100k,segments_bench,segments_bench_10m] [--runs 3] [--large-runs 1] [--only TEXT] [--wait] [--write]
 */
const GROWTH_TARGET = 12;

type Statement = { text: string; params: unknown[]; settings?: readonly Setting[] };
type Case = { name: string; rule: BenchCase["rule"] };
type Size = {
  database: string;
  profiles: number;
  events: number;
  rows: { name: string; count: number; calculateMs: number; showMs: number; calculatePlan: string }[];
  rangeOnlyIndexOnly: boolean;
  indexedFieldsUseIndex: { name: string; usesIndex: boolean; plan: string }[];
};

const dialect = new PgDialect();
const render = (query: SQL): Statement => {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { text, params };
};

/** Two rules on custom fields marked as indexed: an equality and a numeric range. */
const INDEXED_FIELDS = ["city", "loyalty_points"];
const indexedRules = (): Case[] => {
  const one = (condition: NonNullable<NonNullable<ScriptInput["groups"]>[number]["conditions"]>[number]): BenchCase["rule"] => ({
    conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [condition] }] },
  });
  return [
    { name: "Indexed custom field: city = Leipzig", rule: one({ kind: "field", field: "city", op: "eq", value: "Leipzig" }) },
    { name: "Indexed custom field: loyalty points between 9,900 and 10,000", rule: one({ kind: "field", field: "loyalty_points", op: "between", value: [9900, 10000] }) },
  ];
};

async function measureSize(serverUrl: string, database: string, runs: number, largeRuns: number, only: string | undefined, wait: boolean, log: (m: string) => void): Promise<Size | null> {
  const admin = postgres(databaseUrl(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  const comment = async () => (await admin<{ comment: string | null }[]>`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = ${database}`)[0];
  let row = await comment();
  // --wait: a seed still running elsewhere (its database marked incomplete) is waited for, never touched.
  while (wait && row && !/ seeded=/.test(row.comment ?? "")) {
    log(`${database}: its seed has not finished; waiting`);
    await new Promise((r) => setTimeout(r, 60_000));
    row = await comment();
  }
  await admin.end();
  const match = row?.comment?.match(/^dynamic-segments bench: profiles=(\d+) seed=\d+ seeded=(\S+)/);
  if (!row?.comment?.startsWith(MARKER) || !match) {
    log(`${database}: ${row ? "not a finished benchmark database" : "absent"}; skipped`);
    return null;
  }
  const now = new Date(match[2]);
  // At 10M profiles a pass over every script takes tens of minutes: one measured pass there.
  const passes = Number(match[1]) >= 5_000_000 ? Math.min(runs, largeRuns) : runs;
  const url = databaseUrl(serverUrl, database);
  await closeDb();
  process.env.DATABASE_URL = url;
  process.env.DATABASE_POOL_SIZE = "1";
  const db = await getDb();
  const [info] = await queryRows<{ databaseId: number; profiles: number; events: number }>(
    db,
    sql`SELECT (SELECT id FROM profile_databases WHERE name = 'Retail customers') AS "databaseId",
               (SELECT count(*)::int FROM profiles) AS profiles,
               (SELECT reltuples::bigint FROM pg_class WHERE relname = 'events') AS events`,
  );
  const refs = await benchRefs(db, info.databaseId, now);
  const cases: Case[] = benchCases(refs).filter((c) => !only || c.name.toLowerCase().includes(only.toLowerCase()));
  const client = postgres(url, { max: 1, prepare: false, onnotice: () => {} });
  // In the app's session settings (withStatementTimeout): the selection's work_mem, and Calculate's or a page's planner settings.
  const run = async (q: Statement) =>
    client.begin(async (tx) => {
      for (const { name, value } of [{ name: "work_mem", value: selectionWorkMem() }, ...(q.settings ?? [])]) await tx.unsafe("select set_config($1, $2, true)", [name, value]);
      const started = performance.now();
      const rows = (await tx.unsafe(q.text, q.params as postgres.ParameterOrJSON<never>[])) as unknown as Record<string, unknown>[];
      return { ms: performance.now() - started, rows };
    });
  const planOf = async (q: Statement): Promise<PlanNode> => {
    const { rows } = await run({ ...q, text: `EXPLAIN (FORMAT JSON) ${q.text}` });
    const plan = rows[0]["QUERY PLAN"] as [{ Plan: PlanNode }] | string;
    return (typeof plan === "string" ? (JSON.parse(plan) as [{ Plan: PlanNode }]) : plan)[0].Plan;
  };
  const prepare = async (c: Case) => {
    const { selection } = await prepareSelection(db, BENCH_ADMIN, { databaseId: info.databaseId, ...c.rule }, { now });
    return {
      name: c.name,
      count: { ...render(calculateQuery(selection)), settings: countSettings(selection) },
      show: { ...render(selectionPageQuery(selection, { pageSize: SHOW_LIMIT })), settings: [...PAGE_SETTINGS] },
    };
  };
  const timeCases = async (list: Case[], label: string) => {
    const prepared = [];
    for (const c of list) prepared.push(await prepare(c));
    const samples = prepared.map(() => ({ calc: [] as number[], show: [] as number[], count: 0 }));
    for (let pass = 0; pass <= passes; pass++) {
      for (const [i, p] of prepared.entries()) {
        const calc = await run(p.count);
        const show = await run(p.show);
        samples[i].count = Number(calc.rows[0]?.count ?? 0);
        if (pass > 0) {
          samples[i].calc.push(calc.ms);
          samples[i].show.push(show.ms);
        }
        log(`  ${database} ${label} ${pass === 0 ? "warm-up" : `run ${pass}/${passes}`} ${i + 1}/${prepared.length} ${p.name}: ${calc.ms.toFixed(0)} / ${show.ms.toFixed(0)} ms`);
      }
    }
    const out = [];
    for (const [i, p] of prepared.entries()) {
      const countPlan = await planOf(p.count);
      out.push({ name: p.name, count: samples[i].count, calculateMs: median(samples[i].calc), showMs: median(samples[i].show), calculatePlan: planShape(countPlan), countPlan });
    }
    return out;
  };

  log(`${database}: ${info.profiles.toLocaleString("en")} profiles, ~${Number(info.events).toLocaleString("en")} events; ${cases.length} scripts, 1 warm-up + ${passes} runs`);
  const rows = await timeCases(cases, "scripts");
  const rangeOnly = rows.find((r) => r.name.startsWith("Range slice"));
  const rangeOnlyIndexOnly = rangeOnly ? !seqScans(rangeOnly.countPlan).includes("profiles") && /Index Only Scan/.test(rangeOnly.calculatePlan) : false;

  // Custom fields marked as indexed (the owner's switch, PUT /api/v1/databases/{id}/fields/{key}/index),
  // measured, then unmarked so that the database stays as the seed left it.
  const indexedFieldsUseIndex: Size["indexedFieldsUseIndex"] = [];
  const indexedRows: Size["rows"] = [];
  if (!only) {
    for (const key of INDEXED_FIELDS) await setFieldIndexed(db, BENCH_ADMIN, { databaseId: info.databaseId, key, indexed: true });
    await db.execute(sql`ANALYZE profiles`);
    try {
      for (const r of await timeCases(indexedRules(), "indexed fields")) {
        indexedRows.push(r);
        indexedFieldsUseIndex.push({ name: r.name, usesIndex: !seqScans(r.countPlan).includes("profiles") && /idx|Index|Bitmap/.test(r.calculatePlan), plan: r.calculatePlan });
      }
    } finally {
      for (const key of INDEXED_FIELDS) await setFieldIndexed(db, BENCH_ADMIN, { databaseId: info.databaseId, key, indexed: false });
    }
  }
  await client.end();
  await closeDb();
  return {
    database,
    profiles: info.profiles,
    events: Number(info.events),
    rows: [...rows, ...indexedRows].map(({ name, count, calculateMs, showMs, calculatePlan }) => ({ name, count, calculateMs, showMs, calculatePlan })),
    rangeOnlyIndexOnly,
    indexedFieldsUseIndex,
  };
}

const ms = (v: number | undefined) => (v === undefined ? "—" : v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1));
const factor = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "—" : `${(b / Math.max(a, 0.1)).toFixed(1)}×`);
const sizeLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

export function growthMarkdown(sizes: Size[], meta: { runs: number; largeRuns: number; at: Date; load: string }): string {
  const names = [...new Set(sizes.flatMap((s) => s.rows.map((r) => r.name)))];
  const head = sizes.map((s) => sizeLabel(s.profiles));
  const steps = sizes.slice(1).map((s, i) => `${head[i]} → ${sizeLabel(s.profiles)}`);
  const cell = (s: Size, name: string) => s.rows.find((r) => r.name === name);
  const table = (what: "calculateMs" | "showMs") =>
    [
      `| script | ${head.map((h) => `${h} ms`).join(" | ")} | ${steps.map((s) => `growth ${s}`).join(" | ")} |`,
      `| --- | ${head.map(() => "---:").join(" | ")} | ${steps.map(() => "---:").join(" | ")} |`,
      ...names.map(
        (n) =>
          `| ${n} | ${sizes.map((s) => ms(cell(s, n)?.[what])).join(" | ")} | ${sizes
            .slice(1)
            .map((s, i) => factor(cell(sizes[i], n)?.[what], cell(s, n)?.[what]))
            .join(" | ")} |`,
      ),
    ].join("\n");
  const over = names.flatMap((n) =>
    sizes.slice(1).flatMap((s, i) =>
      (["calculateMs", "showMs"] as const).flatMap((what) => {
        const a = cell(sizes[i], n)?.[what];
        const b = cell(s, n)?.[what];
        return a !== undefined && b !== undefined && b / Math.max(a, 0.1) > GROWTH_TARGET && b > 100
          ? [`${what === "calculateMs" ? "Calculate" : "Show"} of "${n}" grew ${(b / Math.max(a, 0.1)).toFixed(1)}× from ${sizeLabel(sizes[i].profiles)} to ${sizeLabel(s.profiles)} (${ms(a)} → ${ms(b)} ms)`]
          : [];
      }),
    ),
  );
  return [
    "## Growth with the size of the database (100k → 1M → 10M profiles)",
    "",
    `Measured ${meta.at.toISOString().slice(0, 16).replace("T", " ")} UTC by \`scripts/bench-growth.ts\` (the engine only: its Calculate and Show statements, as the app runs them — in the selection's work_mem, Calculate without a limit without nested loops, pages without JIT — one-off planned), on the benchmark databases ${sizes
      .map((s) => `\`${s.database}\` (${s.profiles.toLocaleString("en")} profiles, ~${s.events.toLocaleString("en")} events)`)
      .join(", ")}. One warm-up pass, then the median of ${meta.runs} measured passes per size (${meta.largeRuns} at 5M profiles and more). Load average during the run: ${meta.load}. Growth is the ratio of the medians; a size is 10× the one before (the events ~10× too). Target: no statement over 100 ms grows more than ~${GROWTH_TARGET}× per step.`,
    "",
    "### Calculate",
    "",
    table("calculateMs"),
    "",
    "### Show (first 100 by id)",
    "",
    table("showMs"),
    "",
    `Range-only count answered by an index without a sequential scan: ${sizes.map((s) => `${sizeLabel(s.profiles)} ${s.rangeOnlyIndexOnly ? "yes" : "**no**"}`).join(", ")}.`,
    "",
    "Custom fields marked as indexed (`city`, `loyalty_points`; the index is built for the run and dropped after it) read by their index, without a sequential scan of `profiles`: " +
      sizes.map((s) => `${sizeLabel(s.profiles)} ${s.indexedFieldsUseIndex.map((f) => `${f.usesIndex ? "yes" : "**no**"} (${f.name.replace("Indexed custom field: ", "")}: \`${f.plan}\`)`).join("; ")}`).join(" · ") +
      ".",
    "",
    over.length ? `**Grew more than ${GROWTH_TARGET}× in one step:**\n\n${over.map((o) => `- ${o}`).join("\n")}` : `No statement over 100 ms grew more than ${GROWTH_TARGET}× in one step.`,
    "",
  ].join("\n");
}

async function main(): Promise<number> {
  const { has, option } = benchArgs();
  const serverUrl = benchServerUrl();
  if (!serverUrl) {
    console.error("bench-growth needs DATABASE_URL pointing at the PostgreSQL server of the benchmark databases.");
    return 1;
  }
  const databases = (option("--databases") ?? "segments_bench_100k,segments_bench,segments_bench_10m").split(",").filter(Boolean);
  const runs = Math.max(1, Number(option("--runs") ?? 3) || 3);
  const largeRuns = Math.max(1, Number(option("--large-runs") ?? 1) || 1);
  const only = option("--only");
  const loads: number[] = [];
  const sampleLoad = async () => loads.push(Number((await import("node:os")).loadavg()[0].toFixed(1)));
  const timer = setInterval(() => void sampleLoad(), 30_000);
  await sampleLoad();
  const sizes: Size[] = [];
  try {
    for (const database of databases) {
      const size = await measureSize(serverUrl, database, runs, largeRuns, only, has("--wait"), (m) => console.log(m));
      if (size) sizes.push(size);
    }
  } finally {
    clearInterval(timer);
  }
  sizes.sort((a, b) => a.profiles - b.profiles);
  const load = loads.length ? `${Math.min(...loads)}–${Math.max(...loads)} (1-minute, 2 cores)` : "not sampled";
  const section = growthMarkdown(sizes, { runs, largeRuns, at: new Date(), load });
  console.log(`\n${section}`);
  if (has("--write") && !only && sizes.length > 1) writeMarkedSection(benchmarksFile(), "bench-growth", section);
  return 0;
}

runBenchScript(import.meta.filename, main);

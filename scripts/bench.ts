import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { closeDb, getDb, queryRows } from "@/db/client";
import { calculateQuery, type CompiledSelection } from "@/lib/segments/compile";
import { countSettings, PAGE_SETTINGS, prepareSelection, selectionPageQuery, selectionWorkMem, SHOW_LIMIT } from "@/lib/segments/selection";
import { benchCases, type BenchCase, type HandSql } from "./bench-cases";
import { benchExplain, explainMarkdownSection, explainTable, explainVerdicts, writeExplainSection } from "./bench-explain";
import { benchImpact, impactMarkdownSection, impactTable, impactVerdicts, writeImpactSection } from "./bench-impact";
import { BENCH_ADMIN, benchRefs } from "./bench-refs";
import { analyticsMarkdownSection, analyticsTable, analyticsVerdicts, benchAnalytics, loadAverage, pageSummary, writeAnalyticsSection } from "./bench-analytics";
import { actionsMarkdown, benchActions } from "./bench-actions";
import { ensureBenchDatabase } from "./bench-db";
import { benchServerUrl, median, pairedRatio, runBenchScript, timed } from "./lib/bench-common";
import { consoleTable, markdownSection, verdicts, writeBenchSection, writeMarkedSection, type BenchResult } from "./bench-report";
import { planShape, seqScans, type PlanNode } from "./lib/bench-common";

/**
 * `npm run bench`: the selection engine's Calculate and Show against hand-written SQL on 1,000,000
 * profiles and ~10,000,000 events, in a database of its own on the server of DATABASE_URL (seeded
 * once, then reused). Prints a table and the plans, and writes docs/benchmarks.md.
 */
type Args = {
  profiles: number;
  runs: number;
  database: string;
  seed: number;
  reseed: boolean;
  write: boolean;
  analytics: boolean;
  actions: boolean;
  explain: boolean;
  impact: boolean;
  sql: boolean;
  only?: string;
};

const usage = `Usage: DATABASE_URL=postgres://user@host:5432/any npm run bench -- [options]

  --profiles N     size of the benchmark database (default 1,000,000)
  --runs N         measured runs per query, after a warm-up (default 9)
  --database NAME  the benchmark's own database on that server (default segments_bench)
  --reseed         drop and seed the benchmark database again
  --only TEXT      run only the scripts whose name contains TEXT
  --analytics      also time the analytics figures (scripts/bench-analytics.ts)
  --no-actions     skip the actions on a selection (copy, bulk edit, export: scripts/bench-actions.ts)
  --no-explain     skip explain one profile and the condition funnel (scripts/bench-explain.ts)
  --no-impact      skip "Preview changes" against hand-written set differences (scripts/bench-impact.ts)
  --no-write       print only; leave docs/benchmarks.md alone
  --sql            print the engine's Calculate and Show statements of the scripts and stop`;

function parseArgs(argv: string[]): Args | string {
  const args: Args = { profiles: 1_000_000, runs: 9, database: "segments_bench", seed: 1, reseed: false, write: true, analytics: false, actions: true, explain: true, impact: true, sql: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i] ?? "";
    const whole = (text: string, min: number) => {
      const n = Number(text.replace(/[_,]/g, ""));
      return Number.isInteger(n) && n >= min ? n : null;
    };
    if (flag === "--reseed") args.reseed = true;
    else if (flag === "--no-write") args.write = false;
    else if (flag === "--sql") args.sql = true;
    else if (flag === "--analytics") args.analytics = true;
    else if (flag === "--no-actions") args.actions = false;
    else if (flag === "--no-explain") args.explain = false;
    else if (flag === "--no-impact") args.impact = false;
    else if (flag === "--database") args.database = next();
    else if (flag === "--only") args.only = next();
    else if (flag === "--profiles" || flag === "--runs" || flag === "--seed") {
      const n = whole(next(), flag === "--seed" ? 0 : flag === "--runs" ? 1 : 10);
      if (n === null) return `${flag} needs a whole number`;
      if (flag === "--profiles") args.profiles = n;
      else if (flag === "--runs") args.runs = n;
      else args.seed = n;
    } else if (flag === "--help" || flag === "-h") return usage;
    else return `Unknown option ${flag}\n\n${usage}`;
  }
  return args;
}


/**
 * Runs a statement as a one-off: parsed and planned at every execution (postgres.js `prepare: false`),
 * as the first Calculate of a new rule is in the app. With cached prepared statements a literal-only
 * hand-written query would keep its plan while the engine's parameterized one is re-planned each time.
 */
type Run = <T = Record<string, unknown>>(query: Statement) => Promise<T[]>;

/** A statement rendered to text and parameters once, so that timing covers the database only. */
/** A statement and the settings of the session it runs in (`work_mem`, and for the engine its planner settings). */
type Statement = { text: string; params: unknown[]; workMem?: string; settings?: Record<string, string> };

const dialect = new PgDialect();
function render(query: SQL): Statement {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { text, params };
}

function oneOffRunner(url: string): { run: Run; close: () => Promise<void> } {
  const clients = new Map<string, postgres.Sql>();
  // A statement with its own work_mem runs on a connection opened with that setting.
  const clientFor = (query: Statement) => {
    const connection = { ...(query.workMem ? { work_mem: query.workMem } : {}), ...query.settings };
    const key = JSON.stringify(connection);
    let client = clients.get(key);
    if (!client) {
      client = postgres(url, { max: 1, prepare: false, onnotice: () => {}, connection });
      clients.set(key, client);
    }
    return client;
  };
  const run: Run = async <T,>(query: Statement) => (await clientFor(query).unsafe(query.text, query.params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
  return { run, close: async () => void (await Promise.all([...clients.values()].map((c) => c.end()))) };
}



async function explainJson(run: Run, query: Statement): Promise<PlanNode> {
  const [row] = await run<{ "QUERY PLAN": [{ Plan: PlanNode }] | string }>({ ...query, text: `EXPLAIN (FORMAT JSON) ${query.text}` });
  const plan = row["QUERY PLAN"];
  return (typeof plan === "string" ? (JSON.parse(plan) as [{ Plan: PlanNode }]) : plan)[0].Plan;
}

/** Planning + execution time inside the server (no client, protocol or result transfer). */
async function serverMs(run: Run, query: Statement): Promise<number> {
  const rows = await run<{ "QUERY PLAN": string }>({ ...query, text: `EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) ${query.text}` });
  const total = (label: string) => Number(rows.map((r) => r["QUERY PLAN"]).find((l) => l.startsWith(label))?.match(/([\d.]+) ms/)?.[1] ?? 0);
  return total("Planning Time") + total("Execution Time");
}

async function explainAnalyze(run: Run, query: Statement): Promise<string> {
  const rows = await run<{ "QUERY PLAN": string }>({ ...query, text: `EXPLAIN (ANALYZE, COSTS OFF) ${query.text}` });
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

type Hand = Statement & { label: string; workMem?: string };

/** The statements of one case: the engine's (as the app runs them) and every hand-written form. */
function statements(selection: CompiledSelection, c: BenchCase) {
  const pageSettings = Object.fromEntries(PAGE_SETTINGS.map((x) => [x.name, x.value]));
  // Every hand-written form runs in the server's work_mem and in the app's (the engine's), and the faster counts.
  const hand = (h: HandSql): Hand[] => [
    { label: h.label, workMem: h.workMem, text: h.sql, params: [selection.databaseId] },
    ...(h.workMem ? [] : [{ label: `${h.label}, work_mem ${selectionWorkMem()}`, workMem: selectionWorkMem(), text: h.sql, params: [selection.databaseId] }]),
  ];
  // A page may also run in the app's page settings (no JIT), as the engine's does.
  const handPage = (h: HandSql): Hand[] => [
    ...hand(h),
    { label: `${h.label}, work_mem ${h.workMem ?? selectionWorkMem()}, no JIT`, workMem: h.workMem ?? selectionWorkMem(), settings: pageSettings, text: h.sql, params: [selection.databaseId] },
  ];
  return {
    // With the app's session settings: the selection's work_mem (withStatementTimeout) and Calculate's
    // planner settings (countSettings).
    engineCount: { ...render(calculateQuery(selection)), workMem: selectionWorkMem(), settings: Object.fromEntries(countSettings(selection).map((x) => [x.name, x.value])) },
    // Run through the same client path as the hand-written SQL, so that the comparison is SQL against
    // SQL (drizzle's row mapping in the app costs the same whatever the statement).
    engineShow: { ...render(selectionPageQuery(selection, { pageSize: SHOW_LIMIT })), workMem: selectionWorkMem(), settings: pageSettings },
    handCounts: c.handCount.flatMap(hand),
    handShows: c.handShow.flatMap(handPage),
  };
}

/** Warm-up: every hand-written form must give the same answer; the fastest (median of 3) is kept. */
async function fastest(run: Run, forms: Hand[], answer: (rows: Record<string, unknown>[]) => string, expected: string, mismatches: string[]) {
  const tried: { label: string; ms: number }[] = [];
  let best: Hand | null = null;
  let bestMs = Number.POSITIVE_INFINITY;
  for (const form of forms) {
    const first = await timed(() => run<Record<string, unknown>>(form));
    if (answer(first.value) !== expected) {
      mismatches.push(`hand-written "${form.label}" answers ${answer(first.value).slice(0, 40)}, the engine ${expected.slice(0, 40)}`);
      continue;
    }
    const times = [first.ms, (await timed(() => run(form))).ms, (await timed(() => run(form))).ms];
    const m = median(times);
    tried.push({ label: form.label, ms: m });
    if (m < bestMs) [best, bestMs] = [form, m];
  }
  return { best: best ?? forms[0], tried };
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === "string") {
    console.error(parsed);
    return parsed === usage ? 0 : 2;
  }
  const args = parsed;
  const serverUrl = benchServerUrl();
  if (!serverUrl) {
    console.error(
      "npm run bench needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres). " +
        `It creates and reuses its own database (${args.database}) on that server; the embedded database is too small for it.`,
    );
    return 1;
  }
  const startedAt = new Date();
  const bench = await ensureBenchDatabase({
    serverUrl,
    name: args.database,
    profiles: args.profiles,
    seed: args.seed,
    reseed: args.reseed,
    log: (m) => console.log(m),
  });
  const db = await getDb();
  const [info] = await queryRows<{ version: string; databaseId: number; events: number; profiles: number }>(
    db,
    sql`SELECT current_setting('server_version') AS version,
               (SELECT id FROM profile_databases WHERE name = 'Retail customers') AS "databaseId",
               (SELECT reltuples::bigint FROM pg_class WHERE relname = 'events') AS events,
               (SELECT count(*)::int FROM profiles) AS profiles`,
  );
  const now = bench.seededAt;
  const cases = benchCases(await benchRefs(db, info.databaseId, now)).filter((c) => !args.only || c.name.toLowerCase().includes(args.only.toLowerCase()));

  const prepared = [];
  for (const c of cases) {
    // Exactly as the app prepares a rule (access, validation with the saved segments it refers to).
    const rule = await prepareSelection(db, BENCH_ADMIN, { databaseId: info.databaseId, ...c.rule }, { now }).catch((error: unknown) => {
      const issues = (error as { issues?: unknown }).issues;
      throw new Error(`${c.name}: ${(error as Error).message}${issues ? ` ${JSON.stringify(issues)}` : ""}`);
    });
    prepared.push({ c, statements: statements(rule.selection, c) });
  }

  if (args.sql) {
    for (const { c, statements: s } of prepared) {
      for (const [label, q] of [["Calculate", s.engineCount], ["Show", s.engineShow]] as const) {
        console.log(`-- ${c.name}: ${label}\n${q.text};\n-- parameters: ${JSON.stringify(q.params)}\n`);
      }
    }
    await closeDb();
    return 0;
  }

  const runner = oneOffRunner(bench.url);
  const run = runner.run;
  const results: BenchResult[] = [];
  type Samples = { engine: number[]; hand: number[] };
  const samples = prepared.map(() => ({ calc: { engine: [], hand: [] } as Samples, show: { engine: [], hand: [] } as Samples }));
  // Fast statements are timed several times per run (engine and hand-written alternating), so that a
  // few milliseconds of scheduling noise on a shared machine do not decide their ratio.
  const repeats = prepared.map(() => ({ calc: 1, show: 1 }));
  const repeatsFor = (warmupMs: number) => Math.min(15, Math.max(1, Math.ceil(150 / Math.max(warmupMs, 1))));
  const best: { count: Hand; show: Hand }[] = [];

  console.log(`Running ${prepared.length} scripts: a warm-up that picks the fastest hand-written form, then ${args.runs} measured runs each, interleaved`);
  for (const [i, { c, statements: s }] of prepared.entries()) {
    const engineCalc = await timed(() => run<{ count: number }>(s.engineCount));
    const engineShow = await timed(async () => (await run<{ id: number }>(s.engineShow)).map((r) => Number(r.id)));
    const mismatches: string[] = [];
    const ec = Number(engineCalc.value[0].count);
    const counts = await fastest(run, s.handCounts, (rows) => String(Number(rows[0]?.count)), String(ec), mismatches);
    const shows = await fastest(run, s.handShows, (rows) => rows.map((r) => Number(r.id)).join(","), engineShow.value.join(","), mismatches);
    best.push({ count: counts.best, show: shows.best });
    const handCalcMs = counts.tried.find((t) => t.label === counts.best.label)?.ms ?? engineCalc.ms;
    const handShowMs = shows.tried.find((t) => t.label === shows.best.label)?.ms ?? engineShow.ms;
    results.push({
      name: c.name,
      count: ec,
      calculateRatio: 0,
      showRatio: 0,
      engine: { calculateMs: 0, showMs: 0, showServerMs: 0, plan: "", showPlan: "", seqScans: [], explain: "" },
      hand: { calculateMs: 0, showMs: 0, showServerMs: 0, plan: "", showPlan: "", explain: "", countForm: counts.best.label, showForm: shows.best.label, tried: { count: counts.tried, show: shows.tried } },
      mismatches,
    });
    repeats[i] = { calc: repeatsFor(Math.max(engineCalc.ms, handCalcMs)), show: repeatsFor(Math.max(engineShow.ms, handShowMs)) };
    console.log(`  warm-up ${i + 1}/${prepared.length}: ${c.name}: ${ec.toLocaleString("en")}${mismatches.length ? ` — ${mismatches.join("; ")}` : ""}`);
  }

  let flip = false;
  const pair = async (into: Samples, engine: Statement, hand: Statement) => {
    flip = !flip;
    for (const side of flip ? (["engine", "hand"] as const) : (["hand", "engine"] as const)) {
      into[side].push((await timed(() => run(side === "engine" ? engine : hand))).ms);
    }
  };
  for (let run = 1; run <= args.runs; run++) {
    for (const [i, { statements: s }] of prepared.entries()) {
      for (let k = 0; k < repeats[i].calc; k++) await pair(samples[i].calc, s.engineCount, best[i].count);
      for (let k = 0; k < repeats[i].show; k++) await pair(samples[i].show, s.engineShow, best[i].show);
    }
    console.log(`  run ${run}/${args.runs} done`);
  }

  for (const [i, { statements: s }] of prepared.entries()) {
    const r = results[i];
    r.engine.calculateMs = median(samples[i].calc.engine);
    r.hand.calculateMs = median(samples[i].calc.hand);
    r.engine.showMs = median(samples[i].show.engine);
    r.hand.showMs = median(samples[i].show.hand);
    r.calculateRatio = pairedRatio(samples[i].calc);
    r.showRatio = pairedRatio(samples[i].show);
    const enginePlan = await explainJson(run, s.engineCount);
    r.engine.plan = planShape(enginePlan);
    r.engine.seqScans = seqScans(enginePlan);
    r.engine.showPlan = planShape(await explainJson(run, s.engineShow));
    r.hand.plan = planShape(await explainJson(run, best[i].count));
    r.hand.showPlan = planShape(await explainJson(run, best[i].show));
    // Show inside the server too, to tell a slower statement from the extra protocol round trip that
    // any statement with bind parameters costs a first time (postgres.js describes it before binding).
    const server: Samples = { engine: [], hand: [] };
    for (let k = 0; k < Math.max(5, repeats[i].show * 2); k++) {
      for (const side of k % 2 ? (["hand", "engine"] as const) : (["engine", "hand"] as const)) {
        server[side].push(await serverMs(run, side === "engine" ? s.engineShow : best[i].show));
      }
    }
    r.engine.showServerMs = median(server.engine);
    r.hand.showServerMs = median(server.hand);
    r.engine.explain = await explainAnalyze(run, s.engineCount);
    r.hand.explain = await explainAnalyze(run, best[i].count);
  }

  await runner.close();
  const rangeOnly = results.find((r) => r.name.startsWith("Range slice"));
  const summary = {
    database: bench.name,
    profiles: info.profiles,
    events: Number(info.events),
    seededAt: bench.seededAt,
    seedSeconds: bench.seedSeconds,
    runs: args.runs,
    postgres: `PostgreSQL ${info.version}`,
    startedAt,
    results,
    rangeOnlyFromIndex: rangeOnly ? rangeOnly.engine.seqScans.length === 0 && /Index/.test(rangeOnly.engine.plan) : null,
  };
  console.log(`\n${consoleTable(summary)}\n`);
  const { met, lines } = verdicts(summary);
  console.log(met ? "All targets met." : `Targets missed:\n${lines.map((l) => `  - ${l}`).join("\n")}`);
  const out = path.join(process.cwd(), "docs", "benchmarks.md");
  if (args.write && !args.only) {
    writeBenchSection(out, markdownSection(summary));
    console.log(`Wrote ${path.relative(process.cwd(), out)}`);
  }

  let analyticsMissed: string[] = [];
  if (args.analytics && !args.only) {
    const loadBefore = loadAverage();
    const rows = await benchAnalytics(db, { databaseId: info.databaseId, now, runs: 5, log: (m) => console.log(m) });
    console.log(`\n${analyticsTable(rows)}\n\n${pageSummary(rows)}\n`);
    analyticsMissed = analyticsVerdicts(rows);
    console.log(analyticsMissed.length ? `Analytics targets missed:\n${analyticsMissed.map((m) => `  - ${m}`).join("\n")}` : "All analytics targets met.");
    if (args.write) {
      writeAnalyticsSection(
        out,
        analyticsMarkdownSection(rows, {
          profiles: info.profiles,
          events: Number(info.events),
          postgres: summary.postgres,
          runs: 5,
          at: new Date(),
          load: [loadBefore, loadAverage()],
        }),
      );
    }
  }
  const others: string[] = [];
  if (args.explain && !args.only) {
    const rows = await benchExplain(db, { databaseId: info.databaseId, now, cases, runs: 5, log: (m) => console.log(m) });
    console.log(`\n${explainTable(rows)}\n`);
    others.push(...explainVerdicts(rows));
    if (args.write) writeExplainSection(out, explainMarkdownSection(rows, { profiles: info.profiles, events: Number(info.events), postgres: summary.postgres, runs: 5, at: new Date() }));
  }
  if (args.impact && !args.only) {
    const rows = await benchImpact(db, { refs: await benchRefs(db, info.databaseId, now), runs: 5, log: (m) => console.log(m) });
    console.log(`\n${impactTable(rows)}\n`);
    others.push(...impactVerdicts(rows));
    if (args.write) writeImpactSection(out, impactMarkdownSection(rows, { profiles: info.profiles, postgres: summary.postgres, runs: 5, at: new Date() }));
  }
  if (others.length) console.log(`Explain, funnel and impact targets missed:\n${others.map((m) => `  - ${m}`).join("\n")}`);
  let actionsMissed: string[] = [];
  if (args.actions && !args.only) {
    const result = await benchActions({ runs: 5, log: (m) => console.log(m) });
    const section = actionsMarkdown(result);
    console.log(`\n${section}`);
    actionsMissed = result.rows.filter((r) => !r.met).map((r) => r.name);
    console.log(actionsMissed.length ? `Action targets missed: ${actionsMissed.join(", ")}` : "All action targets met.");
    if (args.write) writeMarkedSection(out, "bench-actions", section);
  }
  return met && analyticsMissed.length === 0 && actionsMissed.length === 0 && others.length === 0 ? 0 : 3;
}

runBenchScript(import.meta.filename, main);

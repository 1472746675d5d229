import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { explainSelection } from "@/lib/segments/explain";
import { funnelQuery } from "@/lib/segments/funnel";
import { ruleLabelOptions } from "@/lib/segments/labels";
import { countOf, prepareSelection, withStatementTimeout } from "@/lib/segments/selection";
import { benchCases, type BenchCase } from "./bench-cases";
import { benchRefs } from "./bench-refs";
import { writeMarkedSection } from "./bench-report";
import { benchArgs, benchmarksFile, median, msText, openSeededBench, runBenchScript, timed, verdictText } from "./lib/bench-common";

/**
 * Explain and the condition funnel on the benchmark database, for each benchmark script
 * (scripts/bench-cases.ts):
 * - explain one profile, end to end as the page and the API run it (access, validation, the explain
 *   statements), for a member of the selection and for the profile in the middle of the id range;
 *   target: under 50 ms each, since it is one profile;
 * - the funnel's one statement against Calculate's statement of the same rule, interleaved, median of
 *   the paired ratios; target: ≤ 1.5 × Calculate. The funnel's last step must equal Calculate.
 *
 * `benchExplain()` is what the main bench calls with its database and cases; run alone it expects
 * DATABASE_URL to point at an already seeded database:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/segments_bench npx tsx --conditions=react-server scripts/bench-explain.ts [--runs 5] [--only text] [--no-write]
 */
export const EXPLAIN_TARGET_MS = 50;
export const FUNNEL_TARGET = 1.5;

export type ExplainBenchRow = {
  script: string;
  count: number;
  /** Median milliseconds to explain a member of the selection / the profile in the middle of the ids. */
  explainMemberMs: number | null;
  explainMiddleMs: number;
  funnelMs: number;
  calculateMs: number;
  /** Median of funnel / Calculate ratios of back-to-back pairs. */
  ratio: number;
  steps: number;
  mismatch: string | null;
};

/** The acting user of the benchmark: an admin, for whom access checks pass without groups. */
const benchUser: ActingUser = { id: 0, email: "bench@example.invalid", name: "Benchmark", role: "admin", groupIds: [], leadGroupIds: [] };


export async function benchExplain(
  db: Db,
  opts: { databaseId: number; now: Date; cases: Pick<BenchCase, "name" | "rule">[]; runs?: number; log?: (message: string) => void },
): Promise<ExplainBenchRow[]> {
  const runs = opts.runs ?? 5;
  const log = opts.log ?? (() => {});
  const [middle] = await queryRows<{ id: string | number }>(
    db,
    sql`select id from profiles where database_id = ${opts.databaseId}::int and id >= (select (min(id) + max(id)) / 2 from profiles where database_id = ${opts.databaseId}::int) order by id limit 1`,
  );
  const middleId = String(middle.id);
  const rows: ExplainBenchRow[] = [];
  log(`Explain and funnel: ${opts.cases.length} scripts, 1 warm-up + ${runs} measured runs each`);
  for (const c of opts.cases) {
    const input = { databaseId: opts.databaseId, ...c.rule };
    const prepared = await prepareSelection(db, benchUser, input, { now: opts.now });
    const funnel = funnelQuery(prepared.rule, prepared.ctx, prepared.now, await ruleLabelOptions(db, prepared.rule, prepared.ctx));
    const inTx = <T>(work: (tx: Db) => Promise<T>) => withStatementTimeout(db, 600_000, work);
    // A member: the last profile of Show's first page (for a limited rule, well inside the limit).
    const shown = await inTx((tx) => queryRows<{ id: string | number }>(tx, sql`select id from (${prepared.idsQuery}) s limit 100`));
    const memberId = shown.length ? String(shown[shown.length - 1].id) : null;

    const samples = { member: [] as number[], middle: [] as number[], funnel: [] as number[], calculate: [] as number[], ratios: [] as number[] };
    let mismatch: string | null = null;
    let calculated = 0;
    for (let run = 0; run <= runs; run++) {
      const member = memberId ? await timed(() => explainSelection(db, benchUser, input, memberId, { now: opts.now })) : null;
      const mid = await timed(() => explainSelection(db, benchUser, input, middleId, { now: opts.now }));
      const f = await timed(() => withStatementTimeout(db, 600_000, (tx) => queryRows<Record<string, number | string>>(tx, funnel.statement), funnel.settings));
      // Calculate as the app runs it: `countOf` (the joined count where there is one, under `countSettings`).
      const k = await timed(() => inTx((tx) => countOf(tx, prepared.selection)));
      if (run === 0) {
        calculated = k.value;
        const last = Number(f.value[0][`s${funnel.steps.length - 1}`]);
        if (last !== calculated) mismatch = `funnel ends at ${last}, Calculate says ${calculated}`;
        if (member && !member.value.member) mismatch = `explain says member ${memberId} is out: ${member.value.summary}`;
        log(`  warm-up: ${c.name}: explain ${member ? member.ms.toFixed(0) : "—"} / ${mid.ms.toFixed(0)} ms, funnel ${f.ms.toFixed(0)} ms, Calculate ${k.ms.toFixed(0)} ms${mismatch ? ` — ${mismatch}` : ""}`);
        continue;
      }
      if (member) samples.member.push(member.ms);
      samples.middle.push(mid.ms);
      samples.funnel.push(f.ms);
      samples.calculate.push(k.ms);
      samples.ratios.push(f.ms / Math.max(k.ms, 0.001));
    }
    rows.push({
      script: c.name,
      count: calculated,
      explainMemberMs: memberId ? median(samples.member) : null,
      explainMiddleMs: median(samples.middle),
      funnelMs: median(samples.funnel),
      calculateMs: median(samples.calculate),
      ratio: median(samples.ratios),
      steps: funnel.steps.length,
      mismatch,
    });
  }
  return rows;
}

const ms = (v: number | null) => (v === null ? "—" : msText(v));

export function explainVerdicts(rows: ExplainBenchRow[]): string[] {
  return rows.flatMap((r) => [
    ...(Math.max(r.explainMemberMs ?? 0, r.explainMiddleMs) >= EXPLAIN_TARGET_MS
      ? [`Explaining one profile of "${r.script}" takes ${ms(Math.max(r.explainMemberMs ?? 0, r.explainMiddleMs))} ms (target < ${EXPLAIN_TARGET_MS} ms).`]
      : []),
    ...(r.ratio > FUNNEL_TARGET ? [`The funnel of "${r.script}" is ${r.ratio.toFixed(2)}× Calculate (target ≤ ${FUNNEL_TARGET}).`] : []),
    ...(r.mismatch ? [`"${r.script}": ${r.mismatch}.`] : []),
  ]);
}

export function explainTable(rows: ExplainBenchRow[]): string {
  const header =
    "| script | count | explain a member ms | explain the middle profile ms | funnel ms (steps) | Calculate ms | funnel / Calculate | funnel ends at Calculate |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |";
  return [
    header,
    ...rows.map(
      (r) =>
        `| ${r.script} | ${r.count.toLocaleString("en")} | ${ms(r.explainMemberMs)} | ${ms(r.explainMiddleMs)} | ${ms(r.funnelMs)} (${r.steps}) | ${ms(r.calculateMs)} | ${r.ratio.toFixed(2)} | ${r.mismatch ? "no" : "yes"} |`,
    ),
  ].join("\n");
}

export function explainMarkdownSection(
  rows: ExplainBenchRow[],
  meta: { profiles: number; events: number; postgres: string; runs: number; at: Date; load?: string; loadEnd?: string },
): string {
  const missed = explainVerdicts(rows);
  return `## Explain and the condition funnel

"Why is this profile in or out?" evaluates a rule for one profile (lib/segments/explain.ts): it is timed
end to end as the page and the API run it — access and validation queries, then the explain statement
(nested segments have their own) — for a member of the selection (the last profile of Show's first page)
and for the profile in the middle of the id range. A limited nested segment is tested on the profile
itself: its rule, then — only if the profile matches it — a count of its matches below the profile's id,
which stops at the limit. Target: under ${EXPLAIN_TARGET_MS} ms. The condition funnel is one statement
(lib/segments/funnel.ts): the database's size from \`profile_database_sizes\` (kept by triggers), the
range's from its index, and \`count(*) FILTER (…)\` per step over the profiles of the range that some
condition's selective side lists; it is timed against Calculate's statement of the same rule, back to
back; target: ≤ ${FUNNEL_TARGET}× Calculate, and its last step equals Calculate. ${meta.profiles.toLocaleString("en")} profiles,
~${Math.round(meta.events / 1e6)} million events, ${meta.postgres}, median of ${meta.runs} runs after a warm-up. Measured
${meta.at.toISOString().slice(0, 16).replace("T", " ")} UTC with \`scripts/bench-explain.ts\` on a 2-core machine shared with other work${meta.load ? ` (load average ${meta.load} at the start, ${meta.loadEnd ?? "?"} at the end)` : ""}.

${explainTable(rows)}

${missed.length ? `**Targets missed:**\n\n${missed.map((m) => `- ${m}`).join("\n")}` : "**All explain and funnel targets met.**"}

What cannot meet them, by construction: a profile that matches a limited nested segment far into the id
range needs its matches below it counted (up to the limit: 100,000 in the benchmark), which no index
answers in 50 ms; a Calculate with a limit stops at the limit's first matches, while the funnel counts
every step in full; and a funnel step that Calculate never computes (e.g. every profile with a status,
before the event condition narrows it) costs a scan that Calculate skips.
`;
}

/** The 1-minute load average (os.loadavg), for the report. */
function loadAverage(): string {
  return os.loadavg()[0].toFixed(1);
}

async function main(): Promise<number> {
  const { has, option } = benchArgs();
  const { db, databaseId, now, ...info } = await openSeededBench();
  const cases = benchCases(await benchRefs(db, databaseId, now)).filter((c) => !option("--only") || c.name.toLowerCase().includes(option("--only")!.toLowerCase()));
  const runs = Number(option("--runs") ?? 5);
  const load = loadAverage();
  const rows = await benchExplain(db, { databaseId, now, cases, runs, log: (m) => console.log(m) });
  console.log(`\n${explainTable(rows)}\n`);
  const missed = explainVerdicts(rows);
  console.log(verdictText(missed, "All explain and funnel targets met."));
  if (!has("--no-write") && !option("--only")) {
    const file = benchmarksFile();
    writeExplainSection(file, explainMarkdownSection(rows, { profiles: info.profiles, events: info.events, postgres: `PostgreSQL ${info.version}`, runs, at: new Date(), load, loadEnd: loadAverage() }));
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  }
  return missed.length ? 3 : 0;
}

/** Replaces (or appends) the explain section of docs/benchmarks.md, leaving every other section alone. */
export function writeExplainSection(file: string, section: string): void {
  writeMarkedSection(file, "bench-explain", section);
}

// Run as a script (not when the main bench imports it).
runBenchScript(import.meta.filename, main);

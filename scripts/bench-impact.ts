import path from "node:path";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { impactFromRow, impactStatement, IMPACT_SAMPLE_SIZE, type Impact, type ImpactRow } from "@/lib/segments/impact";
import type { ScriptInput } from "@/lib/segments/script";
import { prepareSelection } from "@/lib/segments/selection";
import { benchCases, rangeKeyBounds, type BenchCase, type BenchRefs } from "./bench-cases";
import { BENCH_ADMIN, benchRefs } from "./bench-refs";
import { writeMarkedSection } from "./bench-report";
import { benchArgs, benchmarksFile, median, msText, openSeededBench, pairedRatio, runBenchScript, timed, verdictText } from "./lib/bench-common";

/**
 * "Preview changes" (SPEC §6 impact) against the SQL a DBA would write by hand for the same set
 * differences, on the benchmark database. Each benchmark script (scripts/bench-cases.ts) is the saved
 * rule, paired with a small edit (a narrower range, one more condition, or another limit); the engine
 * runs its one statement (lib/segments/impact.ts: the two id sets, or one scan of both ranges for an edit of the range alone) as the app does, inside
 * its statement-timeout transaction; the hand-written twin selects both id sets as CTEs and takes the
 * differences with anti-joins. Interleaved, median of `runs` after a warm-up; the answers must be equal.
 * Target: engine ≤ 1.2 × hand-written.
 *
 * `benchImpact()` is what the main bench calls with its database; run alone it expects DATABASE_URL
 * to point at an already seeded benchmark database:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/segments_bench npx tsx --conditions=react-server scripts/bench-impact.ts
 */
export const IMPACT_TARGET = 1.2;

export type ImpactBenchRow = { script: string; edit: string; engineMs: number; handMs: number; ratio: number; changed: number; mismatch: string | null };

type Edit = { label: string; rule: BenchCase["rule"]; handWhere: string; limit: number | undefined };

type ConditionInput = NonNullable<NonNullable<ScriptInput["groups"]>[number]["conditions"]>[number];

/** A small edit of a benchmark script, as the engine's rule and as hand-written SQL. */
function editOf(c: BenchCase & { handWhere: string }, i: number): Edit {
  const range = c.rule.range ?? { from: 0, to: 100 };
  const orScript = c.rule.conditions?.logic === "or";
  const kind = (["range", "condition", "limit"] as const)[i % 3];
  if (kind === "limit") {
    const limit = c.limit ? Math.max(1, Math.ceil(c.limit / 2)) : 10_000;
    return { label: c.limit ? `limit ${c.limit.toLocaleString("en")} → ${limit.toLocaleString("en")}` : `limit ${limit.toLocaleString("en")} added`, rule: { ...c.rule, limit }, handWhere: c.handWhere, limit };
  }
  if (kind === "condition" && !orScript) {
    const subscribed: ConditionInput = { kind: "subscription", channel: "email", status: "subscribed" };
    const groups = [...(c.rule.conditions?.groups ?? []), { logic: "and" as const, not: false, conditions: [subscribed] }];
    return {
      label: "group added: email subscribed",
      rule: { ...c.rule, conditions: { logic: "and", groups } },
      handWhere: `(${c.handWhere}) AND p.email_subscription = 'subscribed'`,
      limit: c.limit,
    };
  }
  const to = Math.round(((range.from + range.to) / 2) * 100) / 100;
  const { hi } = rangeKeyBounds(range.from, to);
  return { label: `range ${range.from}–${range.to} % → ${range.from}–${to} %`, rule: { ...c.rule, range: { from: range.from, to } }, handWhere: `(${c.handWhere}) AND p.range_key < ${hi}`, limit: c.limit };
}

/** The same answer written by hand: both id sets as CTEs, differences by anti-join. */
function handImpact(databaseId: number, saved: { where: string; limit?: number }, draft: { where: string; limit?: number }): string {
  const ids = (s: { where: string; limit?: number }) =>
    `SELECT p.id FROM profiles p WHERE ${s.where.replaceAll("$1::int", `${databaseId}::int`)} ${s.limit ? ` ORDER BY p.id LIMIT ${s.limit}` : ""}`;
  return `WITH o AS MATERIALIZED (${ids(saved)}), n AS MATERIALIZED (${ids(draft)})
    SELECT (SELECT count(*) FROM n WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.id = n.id)) AS entering,
           (SELECT count(*) FROM o WHERE NOT EXISTS (SELECT 1 FROM n WHERE n.id = o.id)) AS leaving,
           (SELECT count(*) FROM o JOIN n USING (id)) AS staying,
           (SELECT coalesce(json_agg(id ORDER BY id), '[]'::json) FROM (SELECT id FROM n WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.id = n.id) ORDER BY id LIMIT ${IMPACT_SAMPLE_SIZE}) e) AS entering_ids,
           (SELECT coalesce(json_agg(id ORDER BY id), '[]'::json) FROM (SELECT id FROM o WHERE NOT EXISTS (SELECT 1 FROM n WHERE n.id = o.id) ORDER BY id LIMIT ${IMPACT_SAMPLE_SIZE}) l) AS leaving_ids`;
}


/** Times the impact of each benchmark script's edit on `databaseId` (the demo's retail database). */
export async function benchImpact(
  db: Db,
  opts: { refs: BenchRefs; runs?: number; only?: string; log?: (message: string) => void },
): Promise<ImpactBenchRow[]> {
  const runs = opts.runs ?? 5;
  const log = opts.log ?? (() => {});
  const { databaseId, now } = opts.refs;
  // As the app prepares a rule: access, validation with the saved segments it refers to, compilation.
  const compile = async (name: string, rule: BenchCase["rule"]) =>
    prepareSelection(db, BENCH_ADMIN, { databaseId, ...rule }, { now }).catch((error: unknown) => {
      throw new Error(`${name}: ${(error as Error).message} ${JSON.stringify((error as { issues?: unknown }).issues ?? [])}`);
    });
  // The questions that can be written as one WHERE over profiles (the hand-written side builds on it).
  // Each script keeps its edit whatever --only selects (the edit is chosen by its place in the full list).
  const cases = benchCases(opts.refs)
    .filter((c): c is BenchCase & { handWhere: string } => c.handWhere !== undefined)
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => !opts.only || c.name.toLowerCase().includes(opts.only.toLowerCase()));
  const pairs = [];
  for (const { c, i } of cases) {
    const edit = editOf(c, i);
    pairs.push({
      script: c.name,
      edit: edit.label,
      engine: impactStatement(await compile(c.name, c.rule), await compile(`${c.name} (${edit.label})`, edit.rule)),
      hand: sql.raw(handImpact(databaseId, { where: c.handWhere, limit: c.limit }, { where: edit.handWhere, limit: edit.limit })),
    });
  }

  const samples = pairs.map(() => ({ engine: [] as number[], hand: [] as number[] }));
  const mismatches: (string | null)[] = pairs.map(() => null);
  const changed: number[] = pairs.map(() => 0);
  log(`Impact: ${pairs.length} script × edit pairs, 1 warm-up + ${runs} measured runs each, interleaved`);
  for (let run = 0; run <= runs; run++) {
    for (const [i, p] of pairs.entries()) {
      // SQL against SQL, through the same client path (the app adds its statement-timeout transaction,
      // a few round trips that cost the same whatever the statement).
      const engine = () => timed(async () => impactFromRow((await queryRows<ImpactRow>(db, p.engine))[0]));
      const hand = () => timed(async () => impactFromRow((await queryRows<ImpactRow>(db, p.hand))[0]));
      const [e, h] = run % 2 === 0 ? [await engine(), await hand()] : await hand().then(async (hh) => [await engine(), hh] as const);
      if (run === 0) {
        if (JSON.stringify(e.value) !== JSON.stringify(h.value)) mismatches[i] = `answers differ: ${summary(e.value)} vs ${summary(h.value)}`;
        changed[i] = e.value.entering + e.value.leaving;
        log(`  warm-up ${i + 1}/${pairs.length}: ${p.script} · ${p.edit}: ${e.ms.toFixed(0)} / ${h.ms.toFixed(0)} ms (${summary(e.value)})${mismatches[i] ? " — ANSWERS DIFFER" : ""}`);
        continue;
      }
      samples[i].engine.push(e.ms);
      samples[i].hand.push(h.ms);
    }
    if (run > 0) log(`  run ${run}/${runs} done`);
  }
  return pairs.map((p, i) => {
    const engineMs = median(samples[i].engine);
    const handMs = median(samples[i].hand);
    // The median of the pairs' ratios, as the main bench takes it.
    const ratio = pairedRatio(samples[i]);
    return { script: p.script, edit: p.edit, engineMs, handMs, ratio, changed: changed[i], mismatch: mismatches[i] };
  });
}

const summary = (i: Impact) => `+${i.entering} −${i.leaving} =${i.staying}`;
const ms = msText;

export function impactVerdicts(rows: ImpactBenchRow[]): string[] {
  return rows.flatMap((r) => [
    ...(r.ratio > IMPACT_TARGET ? [`Impact of "${r.edit}" on "${r.script}" is ${r.ratio.toFixed(2)}× its hand-written SQL (target ≤ ${IMPACT_TARGET}).`] : []),
    ...(r.mismatch ? [`Impact of "${r.edit}" on "${r.script}": ${r.mismatch}.`] : []),
  ]);
}

export function impactTable(rows: ImpactBenchRow[]): string {
  const header = "| script | edit | profiles entering + leaving | engine ms | hand-written ms | ratio | same answer |\n| --- | --- | ---: | ---: | ---: | ---: | --- |";
  return [header, ...rows.map((r) => `| ${r.script} | ${r.edit} | ${r.changed.toLocaleString("en")} | ${ms(r.engineMs)} | ${ms(r.handMs)} | ${r.ratio.toFixed(2)} | ${r.mismatch ? "no" : "yes"} |`)].join("\n");
}

/** Replaces (or appends) the impact section of docs/benchmarks.md, leaving every other section alone. */
export function writeImpactSection(file: string, section: string): void {
  writeMarkedSection(file, "bench-impact", section);
}

export function impactMarkdownSection(rows: ImpactBenchRow[], meta: { profiles: number; postgres: string; runs: number; at: Date }): string {
  const missed = impactVerdicts(rows);
  return `## Impact before saving ("Preview changes")

\`POST /api/v1/segments/{id}/impact\` and the builder's \`Preview changes\` answer who would enter, leave
and stay in one statement, so on one snapshot (lib/segments/impact.ts): the saved and the draft
selections, each compiled as Calculate compiles it (a limited side as its first n matches by \`id\`), are
materialized CTEs; one full join of the two id sets counts entering, leaving and staying, and two
anti-joins give the first ${IMPACT_SAMPLE_SIZE} ids of each change. An edit of the range alone (the same conditions, no
limit) selects the profiles of both ranges once and sorts them by range key instead
(docs/selection-sql.md, "Impact of an edit"). Here each benchmark script is the saved rule,
paired with a small edit, against the SQL a DBA would write by hand for the same set differences (both
id sets as materialized CTEs, anti-joins), on ${meta.profiles.toLocaleString("en")} profiles (${meta.postgres}, one connection, median of
${meta.runs} interleaved runs after a warm-up; the ratio is the median of the pairs' ratios). Target: engine ≤ ${IMPACT_TARGET}× hand-written. Measured
${meta.at.toISOString().slice(0, 16).replace("T", " ")} UTC with \`scripts/bench-impact.ts\`.

${impactTable(rows)}

${missed.length ? `**Targets missed:**\n\n${missed.map((m) => `- ${m}`).join("\n")}` : "**All pairs within the target, with the same answers.**"}
`;
}

async function main(): Promise<number> {
  const { has, option } = benchArgs();
  const { db, databaseId, now, ...info } = await openSeededBench();
  const runs = Number(option("--runs") ?? 5);
  const rows = await benchImpact(db, { refs: await benchRefs(db, databaseId, now), runs, only: option("--only"), log: (m) => console.log(m) });
  console.log(`\n${impactTable(rows)}\n`);
  const missed = impactVerdicts(rows);
  console.log(verdictText(missed, "All impact targets met."));
  if (has("--write") && !option("--only")) {
    const file = benchmarksFile();
    writeImpactSection(file, impactMarkdownSection(rows, { profiles: info.profiles, postgres: `PostgreSQL ${info.version}`, runs, at: new Date() }));
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  }
  return missed.length ? 3 : 0;
}

// Run as a script (not when the main bench imports it).
runBenchScript(import.meta.filename, main);

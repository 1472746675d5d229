import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** One benchmark question's outcome. */
export type BenchResult = {
  name: string;
  count: number;
  /** Median of the per-pair ratios engine / hand-written (each pair timed back to back). */
  calculateRatio: number;
  showRatio: number;
  engine: { calculateMs: number; showMs: number; showServerMs: number; plan: string; showPlan: string; seqScans: string[]; explain: string };
  hand: {
    calculateMs: number;
    showMs: number;
    showServerMs: number;
    plan: string;
    showPlan: string;
    explain: string;
    /** The fastest hand-written forms (the baseline), and every form tried with its warm-up median. */
    countForm: string;
    showForm: string;
    tried: { count: { label: string; ms: number }[]; show: { label: string; ms: number }[] };
  };
  /** Differences between the engine's and the hand-written answers (should be none). */
  mismatches: string[];
};

export const TARGETS = { calculate: 1.1, show: 1.2 };

export type BenchSummary = {
  database: string;
  profiles: number;
  events: number;
  seededAt: Date;
  seedSeconds: number | null;
  runs: number;
  postgres: string;
  startedAt: Date;
  results: BenchResult[];
  /** Null when the range-only script was not run (`--only`). */
  rangeOnlyFromIndex: boolean | null;
};

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

export function verdicts(summary: BenchSummary): { met: boolean; lines: string[] } {
  const lines: string[] = [];
  for (const r of summary.results) {
    const calc = r.calculateRatio;
    const show = r.showRatio;
    if (calc > TARGETS.calculate)
      lines.push(`Calculate of "${r.name}" is ${calc.toFixed(2)}× the hand-written SQL (target ≤ ${TARGETS.calculate}).`);
    if (show > TARGETS.show) lines.push(`Show of "${r.name}" is ${show.toFixed(2)}× the hand-written SQL (target ≤ ${TARGETS.show}).`);
    for (const m of r.mismatches) lines.push(`"${r.name}": ${m}`);
  }
  if (summary.rangeOnlyFromIndex === false) lines.push("The range-only count is not answered from an index without a sequential scan.");
  return { met: lines.length === 0, lines };
}

export function consoleTable(summary: BenchSummary): string {
  const header = ["script", "count", "calc engine ms", "calc hand ms", "ratio", "show engine ms", "show hand ms", "ratio", "show in server ms"];
  const rows = summary.results.map((r) => [
    r.name.length > 60 ? `${r.name.slice(0, 57)}…` : r.name,
    r.count.toLocaleString("en"),
    ms(r.engine.calculateMs),
    ms(r.hand.calculateMs),
    r.calculateRatio.toFixed(2),
    ms(r.engine.showMs),
    ms(r.hand.showMs),
    r.showRatio.toFixed(2),
    `${ms(r.engine.showServerMs)} / ${ms(r.hand.showServerMs)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const plans = summary.results.map((r, i) => `  ${i + 1}. ${r.name}\n     engine: ${r.engine.plan}\n     hand:   ${r.hand.plan}`);
  return [line(header), ...rows.map(line), "", "Plan shapes (Calculate):", ...plans].join("\n");
}

const escapeCell = (s: string) => s.replace(/\|/g, "\\|");

export function markdownSection(summary: BenchSummary): string {
  const { met, lines } = verdicts(summary);
  const rows = summary.results.map(
    (r, i) =>
      `| ${i + 1}. ${escapeCell(r.name)} | ${r.count.toLocaleString("en")} | ${ms(r.engine.calculateMs)} | ${ms(r.hand.calculateMs)} | ` +
      `${r.calculateRatio.toFixed(2)} | ${ms(r.engine.showMs)} | ${ms(r.hand.showMs)} | ` +
      `${r.showRatio.toFixed(2)} | ${ms(r.engine.showServerMs)} / ${ms(r.hand.showServerMs)} |`,
  );
  const tried = (list: { label: string; ms: number }[], best: string) =>
    list.map((t) => `${t.label === best ? "**" : ""}${t.label} ${ms(t.ms)} ms${t.label === best ? "**" : ""}`).join(" · ");
  const alternatives = summary.results.map(
    (r, i) => `| ${i + 1}. ${escapeCell(r.name)} | ${escapeCell(tried(r.hand.tried.count, r.hand.countForm))} | ${escapeCell(tried(r.hand.tried.show, r.hand.showForm))} |`,
  );
  const plans = summary.results.map(
    (r, i) =>
      `${i + 1}. **${r.name}**\n   - engine Calculate: \`${r.engine.plan}\`\n   - hand-written Calculate: \`${r.hand.plan}\`\n` +
      `   - engine Show: \`${r.engine.showPlan}\`\n   - hand-written Show: \`${r.hand.showPlan}\``,
  );
  const explains = summary.results.map(
    (r, i) =>
      `<details><summary>${i + 1}. ${r.name}</summary>\n\nEngine (Calculate):\n\n\`\`\`\n${r.engine.explain}\n\`\`\`\n\n` +
      `Hand-written (Calculate):\n\n\`\`\`\n${r.hand.explain}\n\`\`\`\n\n</details>`,
  );
  return [
    "## Selection engine against hand-written SQL",
    "",
    `Measured ${summary.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run bench\` on ${summary.postgres}, ` +
      `database \`${summary.database}\`: ${summary.profiles.toLocaleString("en")} profiles, ${summary.events.toLocaleString("en")} events ` +
      `(demo seed, anchored ${summary.seededAt.toISOString().slice(0, 10)}; relative periods are measured from that day). ` +
      `Median of ${summary.runs} runs per query (statements under ~150 ms are repeated within each run), engine and ` +
      "hand-written timed back to back as pairs, alternating which goes first, after a warm-up that checks that every " +
      "hand-written form returns the engine's count and first 100 ids and keeps the fastest form as the baseline. The ratio is the median of the pairs' ratios. Times are wall-clock milliseconds at the client over one connection, on a 2-core " +
      "machine shared with other work, so single-digit-millisecond differences are within noise.",
    "",
    "The engine side runs exactly the SQL the app runs, in the app's session settings: `compileSelection` → `calculateQuery` for Calculate (`selectionCountQuery`, or the joined count of a rule without a limit that refers to limited segments; " +
      "the selection's work_mem, and without a limit no nested loops: `countSettings`), and Show's first page, " +
      "`selectionPageQuery` (the selection's work_mem, and no JIT: `PAGE_SETTINGS`), with the engine's bind parameters. Each hand-written form runs both in the server's " +
      "default work_mem and in the app's (unless it names its own), a page also in the app's page settings, and the fastest counts. Both sides go " +
      "through the same client call as one-off statements (parsed and planned at every execution, as the first Calculate of a " +
      "new rule is), so the comparison is SQL against SQL, planning included. The hand-written side is in `scripts/bench-cases.ts`, " +
      "written for each question independently of the engine's shape (aggregates over events without the profiles join, total minus " +
      "distinct, UNIONs, materialized CTEs, per-statement work_mem — every form listed below was tried); it binds the database id as `$1` (as application code would), so both sides make postgres.js's describe round trip " +
      "for a statement with parameters.",
    "",
    "| script | count | Calculate engine ms | hand ms | ratio | Show engine ms | hand ms | ratio | Show in the server: engine / hand ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    `Targets: every Calculate ratio ≤ ${TARGETS.calculate}, every Show ratio ≤ ${TARGETS.show}, the range-only count from an index ` +
      `without a sequential scan. **${met ? "All targets met." : "Targets missed:"}**`,
    ...(met ? [] : ["", ...lines.map((l) => `- ${l}`)]),
    "",
    `Range-only count from an index: ${summary.rangeOnlyFromIndex === null ? "not measured" : summary.rangeOnlyFromIndex ? "yes" : "no"}. Sequential scans in the engine's plans: ` +
      (summary.results.some((r) => r.engine.seqScans.length)
        ? summary.results
            .filter((r) => r.engine.seqScans.length)
            .map((r) => `${r.name} (${r.engine.seqScans.join(", ")})`)
            .join("; ")
        : "none") +
      ".",
    "",
    "### Hand-written forms tried (warm-up medians; the baseline in bold)",
    "",
    "| script | Calculate | Show |",
    "| --- | --- | --- |",
    ...alternatives,
    "",
    "### Plan shapes",
    "",
    ...plans,
    "",
    "### EXPLAIN ANALYZE",
    "",
    ...explains,
    "",
  ].join("\n");
}

/** Replaces the file's section between `<!-- name:start -->` and `<!-- name:end -->`, keeping everything else (appends it when absent). */
export function writeMarkedSection(path: string, name: string, section: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${section.trim()}\n${end}`;
  const current = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const next =
    current.includes(start) && current.includes(end)
      ? current.slice(0, current.indexOf(start)) + block + current.slice(current.indexOf(end) + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}

/** Replaces the selection benchmark's section of the file (between its markers), keeping everything else. */
export function writeBenchSection(path: string, section: string): void {
  writeMarkedSection(path, "bench", section);
}

import "server-only";
/**
 * The condition funnel (SPEC §6): how many profiles each part of a rule keeps — the database, the
 * range, each group (inside an `and` group after each condition in order, inside an `or` group each
 * condition alone), the groups combined, the limit. One statement: `count(*) FILTER (WHERE …)` per step
 * over one scan of the database's profiles, with the compiler's own predicates; the combined step is
 * the selection's WHERE itself and the last step is `least(combined, limit)`, so it equals Calculate.
 */
import { sql, type SQL } from "drizzle-orm";
import { describeCondition } from "@/components/segments/builder/describe";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { formatCount, formatRange } from "@/lib/format";
import { rangePredicate, rulePartsCompiler, type CompiledSelection } from "./compile";
import { allOf, column, toSql, type Predicate } from "./predicate";
import type { SelectionRule, SelectionRuleInput } from "./script";
import { prepareSelection, withStatementTimeout, type SelectionOptions } from "./selection";
import type { ValidationContext } from "./validate";

/**
 * One bar of the funnel. `parent` is the step it narrows (its share is of that step's count);
 * `depth` 1 marks the steps inside a group.
 */
export type FunnelStep = { label: string; count: number; parent: number | null; depth: 0 | 1 };
export type Funnel = { steps: FunnelStep[]; count: number };

type PlannedStep = Omit<FunnelStep, "count"> & { filter: SQL | null; limit?: number; groupPass?: boolean; combines?: boolean };

const P = "p";

function timeoutMs(opts: SelectionOptions): number {
  return opts.timeoutMs ?? (Number(process.env.SELECTION_TIMEOUT_MS) || 30_000);
}

/** The funnel of a rule (saved or draft). */
export async function funnelOfSelection(db: Db, user: ActingUser, input: SelectionRuleInput | unknown, opts: SelectionOptions = {}): Promise<Funnel> {
  const prepared = await prepareSelection(db, user, input, opts);
  const { statement, steps } = funnelQuery(prepared.rule, prepared.ctx, prepared.selection, prepared.now);
  const [row] = await withStatementTimeout(db, timeoutMs(opts), (tx) => queryRows<Record<string, number | string>>(tx, statement));
  const counted: FunnelStep[] = steps.map(({ label, parent, depth }, i) => ({ label, parent, depth, count: Number(row[`s${i}`]) }));
  // The combined step narrows the narrowest group under `and`; under `or` it widens the widest one.
  const combined = steps.findIndex((s) => s.combines);
  if (combined >= 0) {
    const groups = steps.flatMap((s, i) => (s.groupPass ? [i] : []));
    const pick = (prepared.rule.conditions?.logic ?? "and") === "and" ? Math.min : Math.max;
    const best = pick(...groups.map((i) => counted[i].count));
    counted[combined].parent = groups.find((i) => counted[i].count === best) ?? groups[0];
  }
  return { steps: counted, count: counted[counted.length - 1].count };
}

/** The funnel of a saved segment, as it is saved. */
export async function funnelOfSavedSegment(db: Db, user: ActingUser, segmentId: number, opts: Omit<SelectionOptions, "segmentId"> = {}): Promise<Funnel> {
  const segment = await requireVisibleDynamicSegment(db, user, segmentId);
  const rule = { databaseId: segment.databaseId, range: { from: Number(segment.rangeFrom), to: Number(segment.rangeTo) }, conditions: segment.conditions, limit: segment.limit };
  return funnelOfSelection(db, user, rule, { ...opts, segmentId });
}

function labelOptions(rule: SelectionRule, ctx: ValidationContext): BuilderOptions {
  return {
    databases: [{ id: rule.databaseId, name: "", profileCount: 0, fields: [...ctx.fields] }],
    mailings: [],
    dynamicSegments: [...ctx.dynamicSegments.values()].map((s) => ({ id: s.id, name: s.name, databaseId: s.databaseId })),
    staticSegments: [...ctx.staticSegments.values()].map((s) => ({ id: s.id, name: s.name, databaseId: s.databaseId })),
    accessGroups: [],
    tags: [],
    eventTypes: {},
  };
}

/** The funnel's steps and its one statement: `s0, s1, …` are the counts of the steps in order. */
export function funnelQuery(rule: SelectionRule, ctx: ValidationContext, selection: CompiledSelection, now: Date): { statement: SQL; steps: PlannedStep[] } {
  const parts = rulePartsCompiler(ctx, rule.databaseId, { now });
  const labels = labelOptions(rule, ctx);
  const range = rangePredicate(rule.range, P, false);
  const filter = (p: Predicate): SQL => toSql(p);
  const steps: PlannedStep[] = [
    { label: "Profiles in the database", parent: null, depth: 0, filter: null },
    { label: `Inside the range ${formatRange(rule.range.from, rule.range.to)}`, parent: 0, depth: 0, filter: filter(range) },
  ];
  const rangeStep = 1;
  const groupSteps: number[] = [];
  (rule.conditions?.groups ?? []).forEach((group, g) => {
    if (group.conditions.length === 0) return; // ignored by the selection too
    const name = `Group ${g + 1}`;
    let previous = rangeStep;
    group.conditions.forEach((c, i) => {
      const text = describeCondition(c, labels, rule.databaseId);
      if (group.logic === "and") {
        const cumulative = allOf([range, ...group.conditions.slice(0, i + 1).map((x) => parts.condition(x, P))]);
        steps.push({ label: `${name}: ${i === 0 ? "" : "… and "}${text}`, parent: previous, depth: 1, filter: filter(cumulative) });
        previous = steps.length - 1;
      } else {
        steps.push({ label: `${name}: ${text} (alone)`, parent: rangeStep, depth: 1, filter: filter(allOf([range, parts.condition(c, P)])) });
      }
    });
    const parent = group.logic === "and" && !group.not ? previous : rangeStep;
    steps.push({ label: `${name} passes${group.not ? " (not)" : ""}`, parent, depth: 0, filter: filter(allOf([range, parts.group(group, P)])), groupPass: true });
    groupSteps.push(steps.length - 1);
  });
  let last = rangeStep;
  if (groupSteps.length > 0) {
    const logic = rule.conditions?.logic ?? "and";
    steps.push({ label: `All groups combined (${logic})`, parent: groupSteps[0], depth: 0, filter: selection.where, combines: true });
    last = steps.length - 1;
  }
  if (rule.limit !== null) {
    steps.push({ label: `After the limit of ${formatCount(rule.limit)}`, parent: last, depth: 0, filter: steps[last].filter, limit: rule.limit });
  }
  const columns = steps.map((step, i) => {
    const counted = step.filter === null ? sql`count(*)` : sql`count(*) filter (where ${step.filter})`;
    const value = step.limit === undefined ? counted : sql`least(${counted}, ${step.limit}::bigint)`;
    return sql`${value}::int as ${sql.raw(`s${i}`)}`;
  });
  const statement = sql`select ${sql.join(columns, sql`, `)} from profiles ${sql.raw(P)} where ${column(P, "database_id")} = ${rule.databaseId}::int`;
  return { statement, steps };
}

/** The funnel as the API answers it (SPEC §6): labels and counts. */
export function publicFunnel(funnel: Funnel): { steps: { label: string; count: number }[]; count: number } {
  return { steps: funnel.steps.map(({ label, count }) => ({ label, count })), count: funnel.count };
}

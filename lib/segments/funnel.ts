import "server-only";
/**
 * The condition funnel (SPEC §6): how many profiles each part of a rule keeps — the database, the
 * range, each group (inside an `and` group after each condition in order, inside an `or` group each
 * condition alone), the groups combined, the limit. One statement: `count(*) FILTER (WHERE …)` per step
 * over one scan of the range's profiles (see `leafCompiler` for how each condition is evaluated); the
 * last step is `least(combined, limit)`, which the property test checks against Calculate.
 */
import { sql, type SQL } from "drizzle-orm";
import { describeCondition } from "@/components/segments/builder/describe";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { formatCount, formatRange } from "@/lib/format";
import { compileRuleParts, compileSelection, rangePredicate, selectionStatement } from "./compile";
import { eventCountsQuery } from "./compile-events";
import { dateToMicros } from "./dates";
import { AliasPool, allOf, column, toSql } from "./predicate";
import { ruleLabelOptions } from "./labels";
import { parseScript, type Condition, type SelectionRule, type SelectionRuleInput } from "./script";
import { withReadDb } from "@/db/replica";
import { prepareSelection, withStatementTimeout, type SelectionOptions } from "./selection";
import type { ValidationContext } from "./validate";

/**
 * One bar of the funnel. `parent` is the step it narrows (its share is of that step's count);
 * `depth` 1 marks the steps inside a group.
 */
export type FunnelStep = { label: string; count: number; parent: number | null; depth: 0 | 1 };
export type Funnel = { steps: FunnelStep[]; count: number };

type PlannedStep = Omit<FunnelStep, "count"> & { filter: SQL | null; limit?: number; total?: boolean; groupPass?: boolean; combines?: boolean };

const P = "p";

function timeoutMs(opts: SelectionOptions): number {
  return opts.timeoutMs ?? (Number(process.env.SELECTION_TIMEOUT_MS) || 30_000);
}

/** The funnel of a rule (saved or draft). */
export async function funnelOfSelection(db: Db, user: ActingUser, input: SelectionRuleInput | unknown, opts: SelectionOptions = {}): Promise<Funnel> {
  const prepared = await prepareSelection(db, user, input, opts);
  const labels = await ruleLabelOptions(db, prepared.rule, prepared.ctx);
  const { statement, steps } = funnelQuery(prepared.rule, prepared.ctx, prepared.now, labels);
  const [row] = await withReadDb(db, (reader) => withStatementTimeout(reader, timeoutMs(opts), (tx) => queryRows<Record<string, number | string>>(tx, statement)));
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

const COUNT_OPS = { eq: sql`=`, gte: sql`>=`, gt: sql`>`, lte: sql`<=`, lt: sql`<` } as const;

/**
 * Each condition as a boolean over the joined row (never NULL). Field and subscription conditions are
 * the compiler's own predicates on the profile. Event conditions and segment memberships are joined
 * once rather than probed per profile inside each FILTER: the events a condition counts, grouped by
 * profile with the compiler's own filters; the nested selection's ids (its own range, conditions and
 * limit); the static segment's members.
 */
function leafCompiler(rule: SelectionRule, ctx: ValidationContext, now: Date, joins: SQL[]) {
  // Only field and subscription conditions are compiled here, and they need no CTE or join.
  const parts = compileRuleParts(rule, ctx, { now });
  const env = { databaseId: rule.databaseId, now: dateToMicros(now), aliases: new AliasPool() };
  let n = 0;
  const joined = (subquery: SQL, key: string) => {
    const alias = `f${++n}`;
    joins.push(sql`left join (${subquery}) ${sql.raw(alias)} on ${column(alias, key)} = ${column(P, "id")}`);
    return alias;
  };
  return (c: Condition): SQL => {
    switch (c.kind) {
      case "interaction":
      case "event": {
        const alias = joined(eventCountsQuery(c, env), "profile_id");
        const { op, value } = c.count ?? { op: "gte" as const, value: 1 };
        return sql`coalesce(${column(alias, "n")}, 0) ${COUNT_OPS[op]} ${value}::bigint`;
      }
      case "segment": {
        const alias =
          c.segment_type === "static"
            ? joined(sql`select m.profile_id from static_segment_members m where m.segment_id = ${c.segment_id}::int`, "profile_id")
            : joined(nestedIds(c.segment_id, ctx, now), "id");
        return sql`${column(alias, c.segment_type === "static" ? "profile_id" : "id")} is ${c.member ? sql`not null` : sql`null`}`;
      }
      default:
        return sql`coalesce(${toSql(parts.condition(c))}, false)`;
    }
  };
}

/** The ids of a nested dynamic segment's selection (its own range, conditions and limit). */
function nestedIds(segmentId: number, ctx: ValidationContext, now: Date): SQL {
  const info = ctx.dynamicSegments.get(segmentId);
  const parsed = info ? parseScript(info.conditions) : null;
  if (!info || !parsed?.ok) throw new Error(`Segment ${segmentId} cannot be counted: validate before the funnel`);
  const nested = compileSelection({ databaseId: info.databaseId, range: info.range, conditions: parsed.value, limit: info.limit }, ctx, { now });
  // Its own CTEs and joins come along (a limited segment inside it), so it stands alone as a subquery.
  return selectionStatement(nested, column(P, "id"), { unordered: nested.limit === null });
}

const and = (parts: SQL[]) => (parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` and `)})`);
const or = (parts: SQL[]) => (parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` or `)})`);

/**
 * The funnel's steps and its one statement: `s0, s1, …` are the counts of the steps in order. The scan
 * reads the profiles inside the range (by the range index when the range is narrow); the database's
 * size is a count of its own.
 */
export function funnelQuery(rule: SelectionRule, ctx: ValidationContext, now: Date, labels: BuilderOptions): { statement: SQL; steps: PlannedStep[] } {
  const joins: SQL[] = [];
  const leaf = leafCompiler(rule, ctx, now, joins);
  const steps: PlannedStep[] = [
    { label: "Profiles in the database", parent: null, depth: 0, filter: null, total: true },
    { label: `Inside the range ${formatRange(rule.range.from, rule.range.to)}`, parent: 0, depth: 0, filter: null },
  ];
  const rangeStep = 1;
  const groupSteps: number[] = [];
  const groupPredicates: SQL[] = [];
  (rule.conditions?.groups ?? []).forEach((group, g) => {
    if (group.conditions.length === 0) return; // ignored by the selection too
    const name = `Group ${g + 1}`;
    const leaves = group.conditions.map(leaf);
    let previous = rangeStep;
    group.conditions.forEach((c, i) => {
      const text = describeCondition(c, labels, rule.databaseId);
      if (group.logic === "and") {
        steps.push({ label: `${name}: ${i === 0 ? "" : "… and "}${text}`, parent: previous, depth: 1, filter: and(leaves.slice(0, i + 1)) });
        previous = steps.length - 1;
      } else {
        steps.push({ label: `${name}: ${text} (alone)`, parent: rangeStep, depth: 1, filter: leaves[i] });
      }
    });
    const joined = group.logic === "and" ? and(leaves) : or(leaves);
    const passes = group.not ? sql`not ${joined}` : joined;
    groupPredicates.push(passes);
    const parent = group.logic === "and" && !group.not ? previous : rangeStep;
    steps.push({ label: `${name} passes${group.not ? " (not)" : ""}`, parent, depth: 0, filter: passes, groupPass: true });
    groupSteps.push(steps.length - 1);
  });
  let last = rangeStep;
  if (groupSteps.length > 0) {
    const logic = rule.conditions?.logic ?? "and";
    steps.push({ label: `All groups combined (${logic})`, parent: groupSteps[0], depth: 0, filter: logic === "and" ? and(groupPredicates) : or(groupPredicates), combines: true });
    last = steps.length - 1;
  }
  if (rule.limit !== null) {
    steps.push({ label: `After the limit of ${formatCount(rule.limit)}`, parent: last, depth: 0, filter: steps[last].filter, limit: rule.limit });
  }
  const columns = steps.map((step, i) => {
    const counted = step.total
      ? sql`(select count(*) from profiles where database_id = ${rule.databaseId}::int)`
      : step.filter === null
        ? sql`count(*)`
        : sql`count(*) filter (where ${step.filter})`;
    const value = step.limit === undefined ? counted : sql`least(${counted}, ${step.limit}::bigint)`;
    return sql`${value}::int as ${sql.raw(`s${i}`)}`;
  });
  const where = toSql(allOf([sql`${column(P, "database_id")} = ${rule.databaseId}::int`, rangePredicate(rule.range, P, false)]));
  const statement = sql`select ${sql.join(columns, sql`, `)} from profiles ${sql.raw(P)} ${sql.join(joins, sql` `)} where ${where}`;
  return { statement, steps };
}

/** The funnel as the API answers it (SPEC §6): labels and counts. */
export function publicFunnel(funnel: Funnel): { steps: { label: string; count: number }[]; count: number } {
  return { steps: funnel.steps.map(({ label, count }) => ({ label, count })), count: funnel.count };
}

/**
 * The impact of an edit (SPEC §6 "Impact before saving"): which profiles would enter, leave or stay if
 * the saved selection were replaced by the draft. One statement, so one snapshot and one clock: the
 * saved and the draft selections are each the engine's compiled WHERE (range, conditions; a limit
 * as "the first n matches by id"), taken as materialized CTEs; one full join of the two id sets counts
 * entering (draft ∖ saved), leaving (saved ∖ draft) and staying, and two anti-joins give the first 20
 * ids of each change. An edit of the range alone is cheaper still (`impactStatement`).
 *
 * Why not both predicates over one scan of the profiles: measured on the benchmark scripts, a
 * `WHERE (saved) OR (draft)` scan keeps the planner from using either side's index range or from
 * turning EXISTS conditions into semi-joins, and evaluates every condition twice per row: 3–40×
 * slower than the two selections it replaces (docs/benchmarks.md, docs/selection-sql.md). Each side
 * here runs exactly as Calculate runs it. Pure: builds SQL, runs nothing.
 */
import { isDeepStrictEqual } from "node:util";
import { sql, type SQL } from "drizzle-orm";
import { compileEventKeys, compileSelection, PROFILE_ALIAS, selectionStatement, type CompiledSelection } from "./compile";
import { FULL_RANGE, RANGE_KEY_SPACE, rangeBounds, type Range } from "./range";
import type { SelectionRule } from "./script";
import type { ValidationContext } from "./validate";

export const IMPACT_SAMPLE_SIZE = 20;

export type ImpactRow = { entering: number | string; leaving: number | string; staying: number | string; entering_ids: unknown; leaving_ids: unknown };

/** A selection's ids: in `id` order only where a limit needs it (the first n matches by id). */
function idsOf(selection: CompiledSelection): SQL {
  // With its own CTEs (limited nested segments) inside, so that the two sides never share a name.
  return selectionStatement(selection, sql`${sql.raw(PROFILE_ALIAS)}.id`, { unordered: selection.limit === null });
}

/** The impact statement of replacing `saved` by `draft` (two compiled selections of one database). */
export function impactQuery(saved: CompiledSelection, draft: CompiledSelection, sampleSize = IMPACT_SAMPLE_SIZE): SQL {
  if (saved.databaseId !== draft.databaseId) throw new Error("Impact compares two selections of one database");
  const first = (from: string, other: string) =>
    sql`(select coalesce(json_agg(x.id order by x.id), '[]'::json) from (
          select ${sql.raw(from)}.id from ${sql.raw(from)} where not exists (select 1 from ${sql.raw(other)} where ${sql.raw(other)}.id = ${sql.raw(from)}.id)
          order by ${sql.raw(from)}.id limit ${sampleSize}::int) x)`;
  return sql`with saved as materialized (${idsOf(saved)}),
      draft as materialized (${idsOf(draft)}),
      counts as (
        select count(*) filter (where saved.id is null) as entering,
               count(*) filter (where draft.id is null) as leaving,
               count(*) filter (where saved.id is not null and draft.id is not null) as staying
        from saved full join draft on draft.id = saved.id)
    select counts.entering, counts.leaving, counts.staying, ${first("draft", "saved")} as entering_ids, ${first("saved", "draft")} as leaving_ids
    from counts`;
}

/** A side of the comparison as `prepareSelection` gives it: the rule, its compilation and what it was compiled against. */
export type ImpactSide = { rule: SelectionRule; selection: CompiledSelection; ctx: ValidationContext; now: Date };

/**
 * The impact statement for two prepared sides. An edit of the range alone (same conditions, no limit on
 * either side — "0–100 % → 0–20 %", the commonest edit before a test send) needs no id sets at all:
 * who enters, leaves or stays is decided by the range key of each profile that meets the conditions, so
 * one scan of the two ranges counts all three and each sample reads only its own slice of keys
 * (`rangeEditImpactQuery`). Any other edit compares the two id sets (`impactQuery`).
 */
export function impactStatement(saved: ImpactSide, draft: ImpactSide, sampleSize = IMPACT_SAMPLE_SIZE): SQL {
  const rangeOnly = saved.rule.limit === null && draft.rule.limit === null && isDeepStrictEqual(saved.rule.conditions, draft.rule.conditions);
  if (!rangeOnly) return impactQuery(saved.selection, draft.selection, sampleSize);
  // The shared conditions over every range key; the ranges are added as key intervals below.
  const whole = { ...draft.rule, range: FULL_RANGE };
  const conditions = compileSelection(whole, draft.ctx, { now: draft.now });
  return rangeEditImpactQuery(conditions, saved.rule.range, draft.rule.range, sampleSize, compileEventKeys(whole, draft.ctx, { now: draft.now }));
}

/** A half-open interval of range keys. */
type KeyInterval = { lo: bigint; hi: bigint };

const intervalOf = (range: Range): KeyInterval[] => {
  const { lo, hi } = rangeBounds(range);
  return lo < hi ? [{ lo, hi }] : [];
};

/** `a ∖ b`: what is left of each interval of `a` once every interval of `b` is cut out of it. */
function minus(a: KeyInterval[], b: KeyInterval[]): KeyInterval[] {
  const cut = (part: KeyInterval, y: KeyInterval): KeyInterval[] =>
    [
      { lo: part.lo, hi: y.lo < part.hi ? y.lo : part.hi },
      { lo: y.hi > part.lo ? y.hi : part.lo, hi: part.hi },
    ].filter((r) => r.lo < r.hi);
  return b.reduce((parts, y) => parts.flatMap((part) => cut(part, y)), a);
}

/** `a ∪ b`, merged where they touch or overlap (so that an index range scan reads each key once). */
function union(a: KeyInterval[], b: KeyInterval[]): KeyInterval[] {
  const sorted = [...a, ...b].sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0));
  const out: KeyInterval[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.lo <= last.hi) last.hi = r.hi > last.hi ? r.hi : last.hi;
    else out.push({ ...r });
  }
  return out;
}

/** `key` inside any of the intervals (`false` for none), bounds omitted at the ends of the key space. */
function inIntervals(intervals: KeyInterval[], key: SQL): SQL {
  if (intervals.length === 0) return sql`false`;
  const one = ({ lo, hi }: KeyInterval) => {
    const parts = [lo > 0n ? sql`${key} >= ${lo.toString()}::bigint` : null, hi < RANGE_KEY_SPACE ? sql`${key} < ${hi.toString()}::bigint` : null].filter((x): x is SQL => x !== null);
    return parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`true`;
  };
  return sql`(${sql.join(intervals.map(one), sql` or `)})`;
}

/**
 * The impact of moving an unlimited selection's range from `saved` to `draft`, its conditions compiled
 * once over the whole key space (`conditions`). The profiles that meet the conditions inside either
 * range are selected once, as Calculate would select them (a materialized CTE, so the selection keeps
 * its own plan, parallel where it is worth it); their range keys then say who stays (both ranges),
 * enters (the draft's only) or leaves (the saved one's only), and the first ids of a change come from
 * that set, or from nothing where the change is empty. `eventKeys` (`compileEventKeys`), when the rule
 * is one event condition that needs events, selects the same profiles from the events alone.
 */
export function rangeEditImpactQuery(conditions: CompiledSelection, saved: Range, draft: Range, sampleSize = IMPACT_SAMPLE_SIZE, eventKeys: SQL | null = null): SQL {
  if (conditions.limit !== null) throw new Error("A range edit's impact needs selections without a limit");
  const p = PROFILE_ALIAS;
  const o = intervalOf(saved);
  const n = intervalOf(draft);
  const key = sql.raw("sel.range_key");
  const inO = inIntervals(o, key);
  const inN = inIntervals(n, key);
  const first = (intervals: KeyInterval[]) =>
    intervals.length === 0
      ? sql`'[]'::json`
      : sql`(select coalesce(json_agg(x.id order by x.id), '[]'::json) from (
          select sel.id from sel where ${inIntervals(intervals, key)} order by sel.id limit ${sampleSize}::int) x)`;
  // A rule of one event condition reads its profiles from events alone, as its Calculate does
  // (compile-count.ts), each range key computed from the id: no join to profiles.
  const selected = eventKeys
    ? sql`select k.id, k.range_key from (${eventKeys}) k where ${inIntervals(union(o, n), sql.raw("k.range_key"))}`
    : sql`${conditions.with}select ${sql.raw(p)}.id, ${sql.raw(p)}.range_key from ${conditions.from}
      where (${conditions.where}) and ${inIntervals(union(o, n), sql.raw(`${p}.range_key`))}`;
  return sql`with sel as materialized (${selected})
    select count(*) filter (where ${inN} and not ${inO}) as entering,
      count(*) filter (where ${inO} and not ${inN}) as leaving,
      count(*) filter (where ${inO} and ${inN}) as staying,
      ${first(minus(n, o))} as entering_ids, ${first(minus(o, n))} as leaving_ids
    from sel`;
}

export type Impact = { entering: number; leaving: number; staying: number; samples: { entering: number[]; leaving: number[] } };

const ids = (v: unknown): number[] => (typeof v === "string" ? (JSON.parse(v) as unknown[]) : Array.isArray(v) ? v : []).map(Number);

/** The statement's one row as the API answers it. */
export function impactFromRow(row: ImpactRow): Impact {
  return {
    entering: Number(row.entering),
    leaving: Number(row.leaving),
    staying: Number(row.staying),
    samples: { entering: ids(row.entering_ids), leaving: ids(row.leaving_ids) },
  };
}

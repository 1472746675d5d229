/**
 * The impact of an edit (SPEC §6 "Impact before saving"): which profiles would enter, leave or stay if
 * the saved selection were replaced by the draft. One statement, so one snapshot and one clock: the
 * saved and the draft selections are each the engine's compiled WHERE (range, conditions; a limit
 * as "the first n matches by id"), taken as materialized CTEs; one full join of the two id sets counts
 * entering (draft ∖ saved), leaving (saved ∖ draft) and staying, and two anti-joins give the first 20
 * ids of each change.
 *
 * Why not both predicates over one scan of the profiles: measured on the benchmark scripts, a
 * `WHERE (saved) OR (draft)` scan keeps the planner from using either side's index range or from
 * turning EXISTS conditions into semi-joins, and evaluates every condition twice per row: 3–40×
 * slower than the two selections it replaces (docs/benchmarks.md, docs/selection-sql.md). Each side
 * here runs exactly as Calculate runs it. Pure: builds SQL, runs nothing.
 */
import { sql, type SQL } from "drizzle-orm";
import { PROFILE_ALIAS, selectionStatement, type CompiledSelection } from "./compile";

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

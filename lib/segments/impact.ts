/**
 * The impact of an edit (SPEC §6 "Impact before saving"): which profiles would enter, leave or stay if
 * the saved selection were replaced by the draft. One statement, so one snapshot: the saved and the
 * draft predicates are evaluated side by side over ONE scan of the database's profiles that match
 * either of them; entering = draft ∖ saved, leaving = saved ∖ draft.
 *
 * A limit makes a selection "the first `limit` matches by id", so a limited side is a running count
 * of its matches in `id` order (a window over the same scan) compared with the limit, never a second
 * scan. The samples (the first 20 ids of entering and of leaving) come from a running count per kind
 * in the same ordered pass. Pure: builds SQL, runs nothing. See docs/selection-sql.md.
 */
import { sql, type SQL } from "drizzle-orm";
import { PROFILE_ALIAS, type CompiledSelection } from "./compile";

export const IMPACT_SAMPLE_SIZE = 20;

export type ImpactRow = { entering: number | string; leaving: number | string; staying: number | string; entering_ids: unknown; leaving_ids: unknown };

const windowAll = sql.raw("window w as (order by id rows between unbounded preceding and current row)");

/** Membership of one side: its matches, or with a limit the first `limit` of them by id. */
function side(match: "mo" | "mn", limit: number | null): SQL {
  if (limit === null) return sql.raw(match);
  return sql`(${sql.raw(match)} and count(*) filter (where ${sql.raw(match)}) over w <= ${limit}::bigint)`;
}

/** The impact statement of replacing `saved` by `draft` (both compiled over alias `p`, same database). */
export function impactQuery(saved: CompiledSelection, draft: CompiledSelection, sampleSize = IMPACT_SAMPLE_SIZE): SQL {
  if (saved.databaseId !== draft.databaseId) throw new Error("Impact compares two selections of one database");
  const p = sql.raw(PROFILE_ALIAS);
  const limited = saved.limit !== null || draft.limit !== null;
  const matches = sql`select ${p}.id, (${saved.where}) is true as mo, (${draft.where}) is true as mn
    from profiles ${p} where ${p}.database_id = ${saved.databaseId}::int and ((${saved.where}) or (${draft.where}))`;
  const members = sql`select id, ${side("mo", saved.limit)} as o, ${side("mn", draft.limit)} as n from (${matches}) m ${limited ? windowAll : sql``}`;
  const ranked = sql`select id, o, n,
      count(*) filter (where n and not o) over w as re,
      count(*) filter (where o and not n) over w as rl
    from (${members}) r ${windowAll}`;
  return sql`select
      count(*) filter (where n and not o) as entering,
      count(*) filter (where o and not n) as leaving,
      count(*) filter (where o and n) as staying,
      coalesce(json_agg(id order by id) filter (where n and not o and re <= ${sampleSize}::int), '[]'::json) as entering_ids,
      coalesce(json_agg(id order by id) filter (where o and not n and rl <= ${sampleSize}::int), '[]'::json) as leaving_ids
    from (${ranked}) ranked`;
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

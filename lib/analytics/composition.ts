import "server-only";
/**
 * Composition: how one custom field is distributed over the selection. Strings: the most frequent
 * values; numbers and dates: a histogram; booleans: true / false. Every figure also counts the
 * empty values (missing, null or "", as SPEC §2 defines empty) and, for typed fields, the values of
 * the wrong kind (e.g. "n/a" in a number field), so that the bars always add up to the selection.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import type { FieldType } from "@/lib/segments/fields";
import { jsonKey } from "@/lib/segments/predicate";
import { TOP_VALUES } from "./labels";
import { fillDateBuckets, numberBuckets, type DateUnit } from "./buckets";
import { loadAnalyticsSubject, num, runFigure, selectionSource, type AnalyticsOptions, type FigureSource } from "./subject";

export type CompositionField = { key: string; label: string; type: FieldType };

type Common = { field: CompositionField; total: number; empty: number };

export type Composition =
  | (Common & { kind: "string"; values: { value: string; count: number }[]; other: number; otherValues: number })
  | (Common & { kind: "number"; invalid: number; buckets: { from: number; to: number; count: number }[] })
  | (Common & { kind: "date"; invalid: number; unit: DateUnit; buckets: { start: string; count: number }[] })
  | (Common & { kind: "boolean"; invalid: number; yes: number; no: number });

const isEmpty = (text: SQL) => sql`coalesce(${text}, '') = ''`;

/** Top values: one grouped pass; the window sums see every group before the limit cuts them. */
export function stringCompositionQuery(source: FigureSource, key: string, top = TOP_VALUES): SQL {
  const text = sql`("p"."fields" ->> ${jsonKey(key)})`;
  return sql`select g.value, g.n::bigint as n, (sum(g.n) over ())::bigint as total, (count(*) over ())::int as groups
    from (select nullif(${text}, '') as value, count(*) as n from ${source.profiles} group by 1) g
    order by (g.value is null) desc, g.n desc, g.value collate "C"
    limit ${top + 1}::int`;
}

/**
 * A histogram with "nice" equal-width buckets (1, 2 or 5 × a power of ten, at least 1 for whole
 * numbers) over [min, max], about ten of them; the last bucket includes the maximum.
 */
export function numberCompositionQuery(source: FigureSource, key: string): SQL {
  const k = jsonKey(key);
  // `grid` is one row computed from all of `v`; MATERIALIZED keeps the planner from recomputing it
  // for every profile row it is joined with.
  return sql`with v as (
      select segment_number("p"."fields" -> ${k}) as x, ${isEmpty(sql`("p"."fields" ->> ${k})`)} as empty
      from ${source.profiles}
    ),
    grid as materialized (
      select step, floor(lo / step) * step as start, greatest(ceil((hi - floor(lo / step) * step) / step), 1) as nb
      from (
        select lo, hi, case
          when lo is null then null
          when r = 0 then 1::numeric
          when integral then greatest(nice, 1)
          else nice
        end as step
        from (
          select lo, hi, integral, r,
            m * case when r / m <= 1 then 1 when r / m <= 2 then 2 when r / m <= 5 then 5 else 10 end as nice
          from (
            select lo, hi, integral, r, case when r > 0 then power(10::numeric, floor(log(r))) end as m
            from (select min(x) as lo, max(x) as hi, coalesce(bool_and(x = trunc(x)), true) as integral, (max(x) - min(x)) / 10 as r from v) b
          ) magnitude
        ) nice
      ) stepped
    )
    select case when v.x is not null then 'value' when v.empty then 'empty' else 'invalid' end as kind,
           case when v.x is not null then least(floor((v.x - g.start) / g.step), g.nb - 1)::int end as bucket,
           count(*)::bigint as n, g.start::float8 as start, g.step::float8 as step, g.nb::int as nb
    from v cross join grid g
    group by 1, 2, g.start, g.step, g.nb`;
}

/** A histogram by calendar unit (UTC), the unit chosen from the span: day, month, year or decade. */
export function dateCompositionQuery(source: FigureSource, key: string): SQL {
  const k = jsonKey(key);
  return sql`with v as (
      select segment_instant("p"."fields" ->> ${k}) as t, ${isEmpty(sql`("p"."fields" ->> ${k})`)} as empty
      from ${source.profiles}
    ),
    s as materialized (
      select case when span is null or span <= 92 then 'day' when span <= 2922 then 'month' when span <= 36525 then 'year' else 'decade' end as unit
      from (select extract(epoch from max(t) - min(t)) / 86400 as span from v) b
    )
    select case when v.t is not null then 'value' when v.empty then 'empty' else 'invalid' end as kind,
           to_char(date_trunc(s.unit, v.t at time zone 'UTC'), 'YYYY-MM-DD') as bucket,
           count(*)::bigint as n, s.unit as unit
    from v cross join s
    group by 1, 2, s.unit`;
}

export function booleanCompositionQuery(source: FigureSource, key: string): SQL {
  const k = jsonKey(key);
  return sql`select count(*)::bigint as total,
      count(*) filter (where ("p"."fields" -> ${k}) = 'true'::jsonb)::bigint as yes,
      count(*) filter (where ("p"."fields" -> ${k}) = 'false'::jsonb)::bigint as no,
      count(*) filter (where ${isEmpty(sql`("p"."fields" ->> ${k})`)})::bigint as empty
    from ${source.profiles}`;
}

export function compositionQuery(source: FigureSource, field: CompositionField): SQL {
  switch (field.type) {
    case "string":
      return stringCompositionQuery(source, field.key);
    case "number":
      return numberCompositionQuery(source, field.key);
    case "date":
      return dateCompositionQuery(source, field.key);
    case "boolean":
      return booleanCompositionQuery(source, field.key);
  }
}

export type Row = Record<string, unknown>;

export function toComposition(field: CompositionField, rows: Row[]): Composition {
  if (field.type === "string") {
    const total = num(rows[0]?.total);
    const groups = num(rows[0]?.groups);
    const emptyRow = rows.find((r) => r.value === null);
    const values = rows.filter((r) => r.value !== null).slice(0, TOP_VALUES).map((r) => ({ value: String(r.value), count: num(r.n) }));
    const empty = num(emptyRow?.n);
    const shown = values.reduce((sum, v) => sum + v.count, 0);
    return { kind: "string", field, total, empty, values, other: total - empty - shown, otherValues: groups - (emptyRow ? 1 : 0) - values.length };
  }
  if (field.type === "boolean") {
    const r = rows[0] ?? {};
    const total = num(r.total);
    const [yes, no, empty] = [num(r.yes), num(r.no), num(r.empty)];
    return { kind: "boolean", field, total, yes, no, empty, invalid: total - yes - no - empty };
  }
  const count = (kind: string) => rows.filter((r) => r.kind === kind).reduce((sum, r) => sum + num(r.n), 0);
  const values = rows.filter((r) => r.kind === "value");
  const common = { field, total: rows.reduce((sum, r) => sum + num(r.n), 0), empty: count("empty"), invalid: count("invalid") };
  if (field.type === "number") {
    const first = values[0];
    const buckets = first
      ? numberBuckets(
          { start: num(first.start), step: num(first.step), count: num(first.nb) },
          values.map((r) => ({ index: num(r.bucket), count: num(r.n) })),
        )
      : [];
    return { kind: "number", ...common, buckets };
  }
  const unit = (rows[0]?.unit ?? "day") as DateUnit;
  const buckets = fillDateBuckets(
    unit,
    values.map((r) => ({ start: String(r.bucket), count: num(r.n) })),
  );
  return { kind: "date", ...common, unit, buckets };
}

/** The field `fieldKey` names, or the database's first field; null when it declares none. */
export function compositionField(fields: readonly { key: string; label: string; type: string }[], fieldKey: string | undefined): CompositionField | null {
  const field = fields.find((f) => f.key === fieldKey) ?? fields[0];
  return field ? { key: field.key, label: field.label, type: field.type as FieldType } : null;
}

/**
 * The composition of one custom field of the segment's database over its selection. `fieldKey`
 * names the field; an unknown or absent key falls back to the first field. `null` when the
 * database declares no custom fields.
 */
export async function composition(
  db: Db,
  user: ActingUser,
  segmentId: number,
  fieldKey: string | undefined,
  opts: AnalyticsOptions = {},
): Promise<Composition | null> {
  const { selection } = await loadAnalyticsSubject(db, user, segmentId, opts);
  const picked = compositionField(await databaseFields(db, selection.databaseId), fieldKey);
  if (!picked) return null;
  const rows = await runFigure(db, opts, (tx) => queryRows<Row>(tx, compositionQuery(selectionSource(selection), picked)));
  return toComposition(picked, rows);
}

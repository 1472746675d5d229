/**
 * Field conditions (system columns and custom fields) and event property filters as SQL. Values are
 * always bound parameters with an explicit type; field keys come from the database's declared list.
 */
import { sql, type SQL } from "drizzle-orm";
import { formatInstant, MICROS_PER_DAY, parseConditionDate, type ParsedDate } from "./dates";
import type { FieldOperator, FieldType, SystemField } from "./fields";
import { allOf, column, complement, jsonKey, type Predicate } from "./predicate";

/** Where a compared value comes from, in each of the forms the operators need. */
export type ValueSource = {
  /** The value as text; NULL when missing or JSON null. Decides emptiness and string operators. */
  text: SQL;
  /** The value as numeric; NULL unless it is a number. */
  number: SQL;
  /** The value as timestamptz; NULL unless it is a date (see `segment_instant`). */
  date: SQL;
  /**
   * The stored text's first ten characters, when `date` reads text (`segment_instant`): the value's
   * own calendar day, which lies within two days of the instant it reads as (see `dayWindow`).
   */
  day?: SQL;
  /** The value as jsonb, for `true`/`false`. */
  json: SQL;
  /** A NOT NULL column, which is never empty. */
  alwaysPresent?: boolean;
  /** The bigint `id` column, compared with integers so that its index serves. */
  integer?: boolean;
  /**
   * Compare numbers as jsonb (`jsonb_typeof(v) = 'number' and v > '50'::jsonb`) instead of through
   * `segment_number`: the same answers, but the planner costs it like the plain cast a DBA writes, so
   * an aggregate over events gets its parallel sequential scan (docs/selection-sql.md). Event
   * properties only: custom fields keep `segment_number`, which their expression indexes match.
   */
  numberAsJsonb?: boolean;
};

/** A key of a jsonb object column (`p.fields` or `e.properties`). */
export function jsonValueSource(object: SQL, key: string, opts: { numberAsJsonb?: boolean } = {}): ValueSource {
  const k = jsonKey(key);
  return {
    text: sql`(${object} ->> ${k})`,
    number: sql`segment_number(${object} -> ${k})`,
    date: sql`segment_instant(${object} ->> ${k})`,
    day: sql`left(${object} ->> ${k}, 10)`,
    json: sql`(${object} -> ${k})`,
    numberAsJsonb: opts.numberAsJsonb,
  };
}

export function systemValueSource(profileAlias: string, field: SystemField): ValueSource {
  const c = column(profileAlias, field);
  const unused = sql`null`;
  switch (field) {
    case "id":
      return { text: unused, number: c, date: unused, json: unused, alwaysPresent: true, integer: true };
    case "created_at":
    case "updated_at":
      return { text: unused, number: unused, date: c, json: unused, alwaysPresent: true };
    default:
      return { text: c, number: unused, date: unused, json: unused };
  }
}

/** Each negative operator is the exact complement of its positive partner (SPEC §2). */
const PARTNERS: Partial<Record<FieldOperator, FieldOperator>> = {
  neq: "eq",
  not_contains: "contains",
  not_in: "in",
  not_empty: "empty",
};

/**
 * `value op …` for a validated operator and value of the given type; `negate` asks for the exact
 * complement (a negated group).
 */
export function fieldPredicate(
  type: FieldType,
  op: FieldOperator,
  value: unknown,
  source: ValueSource,
  now: bigint,
  negate: boolean,
): Predicate {
  const partner = PARTNERS[op];
  const positiveOp = partner ?? op;
  const flip = partner ? !negate : negate;
  if (positiveOp === "empty") {
    if (source.alwaysPresent) return flip;
    return flip ? sql`${source.text} <> ''` : sql`coalesce(${source.text}, '') = ''`;
  }
  const positive = positivePredicate(type, positiveOp, value, source, now);
  return flip ? complement(positive) : positive;
}

function positivePredicate(type: FieldType, op: FieldOperator, value: unknown, source: ValueSource, now: bigint): Predicate {
  switch (type) {
    case "string":
      return stringPredicate(op, value, source.text);
    case "number":
      if (source.integer) return integerPredicate(op, value, source.number);
      if (source.numberAsJsonb) {
        // JSON numbers compare numerically with each other; the type test keeps every other kind out.
        const compared = numberPredicate(op, value, source.json, (v) => sql`${JSON.stringify(v)}::text::jsonb`);
        return allOf([sql`jsonb_typeof(${source.json}) = 'number'`, compared]);
      }
      return numberPredicate(op, value, source.number);
    case "date":
      return datePredicate(op, value, source, now);
    case "boolean":
      if (op === "is_true") return sql`${source.json} = 'true'::jsonb`;
      if (op === "is_false") return sql`${source.json} = 'false'::jsonb`;
  }
  throw new Error(`Operator ${op} is not valid for ${type} values`);
}

/** `%`, `_` and `\` in a LIKE pattern stand for themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

function list(values: SQL[]): SQL {
  return sql.join(values, sql`, `);
}

function stringPredicate(op: FieldOperator, value: unknown, t: SQL): Predicate {
  const like = (pattern: string) => sql`${t} ilike ${pattern}::text`;
  switch (op) {
    case "eq":
      // A positive operator never matches an empty value.
      return value === "" ? false : sql`${t} = ${value as string}::text`;
    case "in": {
      const items = [...new Set((value as string[]).filter((v) => v !== ""))];
      if (items.length === 0) return false;
      if (items.length === 1) return sql`${t} = ${items[0]}::text`;
      return sql`${t} in (${list(items.map((v) => sql`${v}::text`))})`;
    }
    case "contains":
      return value === "" ? sql`${t} <> ''` : like(`%${escapeLike(value as string)}%`);
    case "starts_with":
      return value === "" ? sql`${t} <> ''` : like(`${escapeLike(value as string)}%`);
    case "ends_with":
      return value === "" ? sql`${t} <> ''` : like(`%${escapeLike(value as string)}`);
  }
  throw new Error(`Operator ${op} is not valid for text`);
}

const numeric = (v: number) => sql`${String(v)}::numeric`;

function numberPredicate(op: FieldOperator, value: unknown, n: SQL, num: (v: number) => SQL = numeric): Predicate {
  switch (op) {
    case "eq":
      return sql`${n} = ${num(value as number)}`;
    case "gt":
      return sql`${n} > ${num(value as number)}`;
    case "gte":
      return sql`${n} >= ${num(value as number)}`;
    case "lt":
      return sql`${n} < ${num(value as number)}`;
    case "lte":
      return sql`${n} <= ${num(value as number)}`;
    case "between": {
      const [a, b] = value as [number, number];
      return sql`${n} between ${num(a)} and ${num(b)}`;
    }
    case "in": {
      const items = [...new Set(value as number[])];
      return items.length === 1 ? sql`${n} = ${num(items[0])}` : sql`${n} in (${list(items.map(num))})`;
    }
  }
  throw new Error(`Operator ${op} is not valid for numbers`);
}

/** Integer comparisons for the bigint `id` column (`id > 2.5` is `id > 2`), so that its index serves. */
function integerPredicate(op: FieldOperator, value: unknown, id: SQL): Predicate {
  const LIMIT = 9e18; // inside bigint; every real id is far below
  const int = (v: number) => sql`${BigInt(Math.max(-LIMIT, Math.min(LIMIT, v))).toString()}::bigint`;
  const v = value as number;
  switch (op) {
    case "eq":
      return Number.isInteger(v) && Math.abs(v) < LIMIT ? sql`${id} = ${int(v)}` : false;
    case "gt":
      return sql`${id} > ${int(Math.floor(v))}`;
    case "gte":
      return sql`${id} >= ${int(Math.ceil(v))}`;
    case "lt":
      return sql`${id} < ${int(Math.ceil(v))}`;
    case "lte":
      return sql`${id} <= ${int(Math.floor(v))}`;
    case "between": {
      const [a, b] = value as [number, number];
      return Math.ceil(a) > Math.floor(b) ? false : sql`${id} between ${int(Math.ceil(a))} and ${int(Math.floor(b))}`;
    }
    case "in": {
      const items = [...new Set((value as number[]).filter((x) => Number.isInteger(x) && Math.abs(x) < LIMIT))];
      if (items.length === 0) return false;
      return items.length === 1 ? sql`${id} = ${int(items[0])}` : sql`${id} in (${list(items.map(int))})`;
    }
  }
  throw new Error(`Operator ${op} is not valid for ids`);
}

const instant = (micros: bigint) => sql`${formatInstant(micros)}::timestamptz`;

/** One end of the instants a date condition accepts. */
export type DateBound = { micros: bigint; inclusive: boolean };

/**
 * The instants a date operator accepts, `[from, to]` with open or closed ends (null = unbounded). A
 * date-only value stands for its whole UTC day; a date-time value is an instant (SPEC §2). Explain
 * shows these bounds as the resolved UTC dates of a condition.
 */
export function dateConditionBounds(op: FieldOperator, value: unknown, now: bigint): { from: DateBound | null; to: DateBound | null } {
  const parse = (v: unknown): ParsedDate => {
    const parsed = parseConditionDate(v as string);
    if (!parsed) throw new Error("datePredicate needs a validated date");
    return parsed;
  };
  const end = (p: ParsedDate) => p.micros + MICROS_PER_DAY; // first instant after a whole day
  const days = (v: unknown) => BigInt(v as number) * MICROS_PER_DAY;
  const at = (micros: bigint, inclusive = true): DateBound => ({ micros, inclusive });
  switch (op) {
    case "eq": {
      const p = parse(value);
      return p.dateOnly ? { from: at(p.micros), to: at(end(p), false) } : { from: at(p.micros), to: at(p.micros) };
    }
    case "before":
      return { from: null, to: at(parse(value).micros, false) };
    case "after": {
      const p = parse(value);
      return { from: p.dateOnly ? at(end(p)) : at(p.micros, false), to: null };
    }
    case "between": {
      const [a, b] = (value as [string, string]).map(parse);
      return { from: at(a.micros), to: b.dateOnly ? at(end(b), false) : at(b.micros) };
    }
    case "within_last_days":
      return { from: at(now - days(value)), to: at(now) };
    case "within_next_days":
      return { from: at(now), to: at(now + days(value)) };
    case "more_than_days_ago":
      return { from: null, to: at(now - days(value), false) };
  }
  throw new Error(`Operator ${op} is not valid for dates`);
}

function datePredicate(op: FieldOperator, value: unknown, source: ValueSource, now: bigint): Predicate {
  const { from, to } = dateConditionBounds(op, value, now);
  const d = source.date;
  const window = source.day ? dayWindow(source.day, from, to) : true;
  if (op === "eq" && from && to && from.micros === to.micros) return allOf([window, sql`${d} = ${instant(from.micros)}`]);
  return allOf([
    window,
    from ? (from.inclusive ? sql`${d} >= ${instant(from.micros)}` : sql`${d} > ${instant(from.micros)}`) : true,
    to ? (to.inclusive ? sql`${d} <= ${instant(to.micros)}` : sql`${d} < ${instant(to.micros)}`) : true,
  ]);
}

/** Two days in microseconds: a stored value's day is at most one day from its instant's UTC day (offsets are under 24 h); the second is a margin. */
const TWO_DAYS = 2n * MICROS_PER_DAY;

/**
 * A cheap test that every stored text a date condition accepts passes, so that PostgreSQL (which runs
 * the cheaper of AND's operands first) parses with `segment_instant` only the values near the bounds.
 * A value `segment_instant` reads starts with its calendar day `YYYY-MM-DD` (4-digit year, so the text
 * sorts as the days do), and its UTC offset is under 24 hours, so that day is at most one day from the
 * UTC day of the instant it reads as: the window reaches two days past each bound. A bound whose day would leave the years 0001–9999 is
 * not tested. Text that is no date fails or passes it; either way `segment_instant` reads NULL for it.
 * (The bounds are bound parameters, never part of the SQL text.)
 */
function dayWindow(day: SQL, from: DateBound | null, to: DateBound | null): Predicate {
  const dayOf = (micros: bigint) => {
    const text = formatInstant(micros).slice(0, 10);
    return /^\d{4}-\d{2}-\d{2}$/.test(text) && text >= "0001-01-01" ? text : null;
  };
  const lo = from ? dayOf(from.micros - TWO_DAYS) : null;
  const hi = to ? dayOf(to.micros + TWO_DAYS) : null;
  // Compared byte by byte (C collation): the order of the days, and cheaper than a locale's rules.
  const inside = allOf([lo ? sql`${day} collate "C" >= ${lo}::text` : true, hi ? sql`${day} collate "C" <= ${hi}::text` : true]);
  // One opaque boolean, which PostgreSQL estimates to keep half the rows (a missing value passes it and
  // fails the condition itself). As two comparisons it would be estimated as a second narrow range, and
  // Show (`order by id limit 100`) would sort the whole table instead of walking the id index: 1.5 s.
  return inside === true ? true : sql`coalesce(${inside}, true)`;
}

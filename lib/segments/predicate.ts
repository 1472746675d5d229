/**
 * Building blocks of compiled conditions. A predicate is SQL or a constant; constants fold away so
 * that, for example, `eq ""` (which can never match) leaves no trace in the statement.
 *
 * Negation is pushed down to the leaves (De Morgan) rather than written as `NOT (…)` over a whole
 * group: every leaf is compiled in the polarity it is needed in, and a leaf's negation is its exact
 * complement even where SQL would say NULL (`(P) IS NOT TRUE`), so empty values land on the right
 * side. Positive leaves may be NULL where they do not match; under AND/OR that acts as false.
 */
import { sql, type SQL } from "drizzle-orm";

export type Predicate = SQL | boolean;

export function allOf(parts: Predicate[]): Predicate {
  const kept: SQL[] = [];
  for (const part of parts) {
    if (part === false) return false;
    if (part !== true) kept.push(part);
  }
  if (kept.length === 0) return true;
  return kept.length === 1 ? kept[0] : sql`(${sql.join(kept, sql` and `)})`;
}

export function anyOf(parts: Predicate[]): Predicate {
  const kept: SQL[] = [];
  for (const part of parts) {
    if (part === true) return true;
    if (part !== false) kept.push(part);
  }
  if (kept.length === 0) return false;
  return kept.length === 1 ? kept[0] : sql`(${sql.join(kept, sql` or `)})`;
}

/** The exact complement of a predicate that may be NULL where it does not match. */
export function complement(p: Predicate): Predicate {
  if (typeof p === "boolean") return !p;
  return sql`(${p}) is not true`;
}

export function toSql(p: Predicate): SQL {
  return p === true ? sql`true` : p === false ? sql`false` : p;
}

/**
 * A column of a profile or event alias. Aliases are the compiler's own (`p`, `p1`, `e1`, …) and
 * column names are constants of this module's callers, never user input.
 */
export function column(alias: string, name: string): SQL {
  if (!/^[a-z][a-z0-9_]*$/.test(alias) || !/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`Bad identifier ${alias}.${name}`);
  return sql.raw(`"${alias}"."${name}"`);
}

/**
 * A JSON object key as SQL text: a plain identifier-like key becomes a string literal (so that
 * expression indexes such as `(fields ->> 'city')` match), anything else a bound parameter.
 * Callers pass only keys resolved against the database's declared fields, or event property names.
 */
export function jsonKey(key: string): SQL {
  return /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(key) ? sql.raw(`'${key}'`) : sql`${key}::text`;
}

/** Hands out fresh aliases (`e1`, `e2`, `p1`, …) within one compilation. */
export class AliasPool {
  private counters = new Map<string, number>();

  next(prefix: "e" | "p" | "m" | "c"): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }
}

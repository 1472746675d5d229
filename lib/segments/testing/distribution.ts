/**
 * The invariant that lets the engine's statements run distributed (Citus, docs/scaling.md): every
 * profile-keyed table in a compiled selection is tied to the selection's profile by the profile id,
 * and every profiles/events reference is filtered on the selection's database id — as a top-level
 * conjunct of its own query level, so that it really restricts the rows (a predicate under OR does
 * not count).
 *
 * The check reads the SQL text the compiler produced (aliases are the compiler's own: `p`, `p1`,
 * `e1`, `m1`, `c1`, `limited_7`) and requires, per FROM item:
 * - `profiles "p"` at the statement's own level: `"p"."database_id" = <database id>`;
 * - `profiles "pN"` only as the body of a limited segment's CTE (`"limited_N" as materialized (select
 *   "pN"."id" from profiles "pN" …)`), with its database filter; every use of such a CTE is
 *   `"<profiles alias>"."id" in (select "cK"."id" from "limited_N" "cK")` (for a member also
 *   `"<profiles alias>"."id" >= (select min("cK"."id") from "limited_N" "cK")` and `<= … max …`) or
 *   `left join "limited_N" "cK" on "cK"."id" = "<profiles alias>"."id"`;
 * - `events "eN"`: `"eN"."database_id" = <database id>` and `"eN"."profile_id" = "<profiles alias>"."id"`,
 *   or, in a derived table grouped by `"eN"."profile_id"` that selects only it, the derived table's
 *   alias correlated as `"cK"."profile_id" = "<profiles alias>"."id"` — or that grouped query is a
 *   limited segment's CTE (`"limited_N"(id) as materialized (<grouped> order by 1 limit n)`, or `select
 *   distinct on ("eN"."profile_id") "eN"."profile_id" … order by "eN"."profile_id" limit n`: ids grouped
 *   by the distribution column);
 * - `static_segment_members "mN"`: `"mN"."profile_id" = "<profiles alias>"."id"`;
 * - no other table, and no comma joins.
 * A level whose WHERE the compiler folded to `false` reads nothing and needs nothing.
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

export type RenderedQuery = { sql: string; params: unknown[] };

const dialect = new PgDialect();

export function renderQuery(query: SQL): RenderedQuery {
  const { sql, params } = dialect.sqlToQuery(query);
  return { sql, params };
}

/** Same length, with the insides of string literals blanked, so that parentheses in them do not count. */
function blankStrings(text: string): string {
  return text.replace(/'(?:[^']|'')*'/g, (s) => `'${"x".repeat(s.length - 2)}'`);
}

/** The index of the parenthesis matching the one at `open`. */
function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/** The innermost parenthesized span around `pos`: [start after "(", end at ")"], or the whole text. */
function levelAround(text: string, pos: number): [number, number] {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    if (text[i] === ")") depth++;
    else if (text[i] === "(") {
      if (depth === 0) return [i + 1, matching(text, i)];
      depth--;
    }
  }
  return [0, text.length];
}

/** Positions in `text[from, to)` at paren depth 0 (relative to `from`) where `re` matches. */
function atDepthZero(text: string, from: number, to: number, re: RegExp): number[] {
  const found: number[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m && m.index === i) found.push(i);
    }
  }
  return found;
}

/** Splits a boolean expression into its top-level AND conjuncts, flattening nested parenthesized ANDs. */
function conjuncts(expr: string): string[] {
  let e = expr.trim();
  while (e.startsWith("(") && matching(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  const ors = atDepthZero(e, 0, e.length, / or /iy);
  if (ors.length) return [e];
  const ands = atDepthZero(e, 0, e.length, / and /iy);
  if (!ands.length) return [e];
  const parts: string[] = [];
  let start = 0;
  for (const at of ands) {
    parts.push(e.slice(start, at));
    start = at + 5;
  }
  parts.push(e.slice(start));
  return parts.flatMap((p) => conjuncts(p));
}

/** The WHERE conjuncts of the query level around `pos` (the FROM item there). */
function whereConjuncts(text: string, pos: number): string[] {
  const end = levelAround(text, pos)[1];
  const where = atDepthZero(text, pos, end, / where /iy)[0];
  if (where === undefined) return [];
  const stop = atDepthZero(text, where + 7, end, / (group by|order by|limit|offset|having|union) /iy)[0] ?? end;
  return conjuncts(text.slice(where + 7, stop));
}

const KEYWORDS = new Set(["where", "left", "right", "inner", "full", "cross", "join", "on", "group", "order", "limit", "offset", "union", "having"]);

const q = (alias: string, column: string) => `"${alias}"."${column}"`;

/** Every violation of the invariant in a rendered statement of the selection of `databaseId`. */
export function distributionViolations(query: RenderedQuery, databaseId: number): string[] {
  const text = blankStrings(query.sql);
  const violations: string[] = [];
  const isDatabaseFilter = (conjunct: string, alias: string) => {
    const m = new RegExp(`^${escape(q(alias, "database_id"))} = \\$(\\d+)(::int)?$`).exec(conjunct.trim());
    return m !== null && Number(query.params[Number(m[1]) - 1]) === databaseId;
  };

  type Item = { table: string; alias: string; pos: number };
  const items: Item[] = [];
  const derived: { alias: string; open: number; close: number }[] = [];
  const fromRe = /\b(from|join)\s+(\(|"?([a-z_][a-z0-9_]*)"?(?:\s+"?([a-z][a-z0-9_]*)"?)?)/gi;
  for (let m = fromRe.exec(text); m; m = fromRe.exec(text)) {
    if (m[2] === "(") {
      const open = m.index + m[0].length - 1;
      const close = matching(text, open);
      const alias = /^\s*"?([a-z][a-z0-9_]*)"?/i.exec(text.slice(close + 1))?.[1] ?? "";
      derived.push({ alias, open, close });
      continue;
    }
    const table = m[3];
    const alias = m[4] && !KEYWORDS.has(m[4].toLowerCase()) ? m[4] : table;
    items.push({ table, alias, pos: m.index });
    const after = text.slice(m.index + m[0].length).trimStart();
    if (after.startsWith(",")) violations.push(`${table} "${alias}": a comma join (join profile-keyed tables explicitly on the profile id)`);
  }

  const profileAliases = new Set(items.filter((i) => i.table === "profiles").map((i) => i.alias));
  const correlated = (conjunctList: string[], alias: string, column: string) =>
    conjunctList.some((c) => {
      const m = new RegExp(`^${escape(q(alias, column))} = "([a-z][a-z0-9_]*)"\\."id"$`).exec(c.trim());
      return m !== null && profileAliases.has(m[1]);
    });

  for (const item of items) {
    const here = whereConjuncts(text, item.pos);
    // A level whose WHERE folded to the constant false (e.g. "count < 0") reads no row anywhere.
    if (here.length === 1 && here[0].trim() === "false") continue;
    const name = `${item.table} "${item.alias}"`;
    switch (item.table) {
      case "profiles": {
        if (!here.some((c) => isDatabaseFilter(c, item.alias))) violations.push(`${name}: no filter on database_id = ${databaseId}`);
        const [start] = levelAround(text, item.pos);
        const cte = /"(limited_\d+)"(\(id\))? as materialized \($/.exec(text.slice(0, start));
        const topLevel = start === 0 || /\bfrom \($/.test(text.slice(0, start).trimEnd()) || /^\s*$/.test(text.slice(0, start));
        if (cte) {
          if (!new RegExp(`^\\s*select ${escape(q(item.alias, "id"))} from profiles`).test(text.slice(start))) {
            violations.push(`${name}: a limited segment's CTE must select only the profile id`);
          }
        } else if (!topLevel || item.alias !== "p") {
          violations.push(`${name}: profiles may only be the selection's own (p) or a limited segment's CTE`);
        }
        break;
      }
      case "events": {
        if (!here.some((c) => isDatabaseFilter(c, item.alias))) violations.push(`${name}: no filter on database_id = ${databaseId}`);
        if (correlated(here, item.alias, "profile_id")) break;
        const [start, end] = levelAround(text, item.pos);
        const table = derived.find((d) => d.open + 1 === start);
        const body = text.slice(start, end);
        // A limited segment's first ids taken from its events alone: the CTE is the grouped profile ids.
        const limitedIds = /"limited_\d+"\(id\) as materialized \($/.test(text.slice(0, start));
        const pid = escape(q(item.alias, "profile_id"));
        const grouped =
          (table !== undefined || limitedIds) &&
          new RegExp(`^\\s*select ${pid}( as profile_id)? from events`).test(body) &&
          new RegExp(` group by ${pid}( having | order by 1 limit \\$\\d+::bigint$|$)`).test(body);
        // A limited segment's first ids with an event: one row per profile id by DISTINCT ON, in its order.
        const distinct =
          limitedIds && new RegExp(`^\\s*select distinct on \\(${pid}\\) ${pid} as profile_id from events .* order by ${pid} limit \\$\\d+::bigint$`).test(body);
        if (distinct) break;
        if (!grouped) {
          violations.push(`${name}: not joined to a profile on profile_id = <profiles>.id`);
          break;
        }
        if (limitedIds) break;
        const outer = whereConjuncts(text, table!.close + 1);
        if (!correlated(outer, table!.alias, "profile_id")) violations.push(`${name}: its counted profiles "${table!.alias}" are not joined on profile_id = <profiles>.id`);
        break;
      }
      case "static_segment_members":
        if (!correlated(here, item.alias, "profile_id")) violations.push(`${name}: not joined to a profile on profile_id = <profiles>.id`);
        break;
      default:
        if (/^limited_\d+$/.test(item.table)) {
          const on = new RegExp(`^"?${item.table}"? "?${item.alias}"? on "${item.alias}"\\."id" = "([a-z][a-z0-9_]*)"\\."id"( |$)`).exec(text.slice(item.pos + 5));
          const inSet = new RegExp(`"([a-z][a-z0-9_]*)"\\."id" in \\(select "${item.alias}"\\."id" $`).exec(text.slice(0, item.pos));
          // A member's id bounded by the set's least / greatest id (scalar, so it reads no profile row).
          const bound = new RegExp(`"([a-z][a-z0-9_]*)"\\."id" [<>]= \\(select (min|max)\\("${item.alias}"\\."id"\\) $`).exec(text.slice(0, item.pos));
          const tied = [on, inSet, bound].some((m) => m !== null && profileAliases.has(m[1]));
          if (!tied) violations.push(`"${item.table}" "${item.alias}": neither left-joined on id = <profiles>.id nor tested as <profiles>.id in (its ids)`);
        } else {
          violations.push(`${item.table}: a table the distribution plan does not know`);
        }
    }
  }
  return violations;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

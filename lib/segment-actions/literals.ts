/**
 * Statements with their parameters written in as SQL literals — for COPY, which takes no bind
 * parameters, and for the big set-based statements, which should be planned for their actual values.
 * Only strings, numbers, booleans and null are accepted, strings as E'' literals with quotes and
 * backslashes escaped; anything else is refused (the caller keeps the parametrized statement).
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

const dialect = new PgDialect();

export function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  // Negative numbers in parentheses: `-5::text` would cast 5 and then negate text, and `-$1` would become a `--` comment.
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("A non-finite number cannot be a literal");
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === "bigint") return value < 0n ? `(${value})` : value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw new Error("NUL cannot be a literal");
    return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  }
  throw new Error(`A ${typeof value} parameter cannot be written as a literal`);
}

/**
 * `$1 … $n` of a statement replaced by literals of its parameters. Placeholders are only recognised
 * outside quoted literals, quoted identifiers, dollar-quoted strings and comments
 * (`literals.test.ts` fuzzes this against the parametrized statement on both databases).
 */
export function inlineParameters(text: string, params: readonly unknown[]): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // A quoted literal or identifier, doubled quotes included; E'' literals also escape with \.
      const escapes = c === "'" && /[eE]$/.test(text.slice(Math.max(0, i - 1), i)) && !/\w/.test(text[i - 2] ?? "");
      let j = i + 1;
      for (; j < text.length; j++) {
        if (escapes && text[j] === "\\") {
          j++;
          continue;
        }
        if (text[j] === c) {
          if (text[j + 1] === c) {
            j++;
            continue;
          }
          break;
        }
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      // Block comments nest in PostgreSQL.
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        const pair = text.slice(j, j + 2);
        if (pair === "/*") {
          depth++;
          j++;
        } else if (pair === "*/") {
          j++;
          if (--depth === 0) break;
        }
      }
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === "$") {
      const placeholder = /^\$(\d+)/.exec(text.slice(i));
      if (placeholder) {
        const index = Number(placeholder[1]) - 1;
        if (index < 0 || index >= params.length) throw new Error(`No parameter for ${placeholder[0]}`);
        out += literal(params[index]);
        i += placeholder[0].length;
        continue;
      }
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i));
      if (tag) {
        const end = text.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? text.length : end + tag[0].length;
        out += text.slice(i, stop);
        i = stop;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** A Drizzle statement as SQL text with its parameters written in as literals (throws where `literal` refuses one). */
export function inlineSql(query: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return inlineParameters(text, params);
}

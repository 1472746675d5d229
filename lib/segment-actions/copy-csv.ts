import "server-only";
/**
 * CSV exports at the speed of `COPY … TO STDOUT` (PostgreSQL only): the database formats every row
 * — the same cells `lib/export` writes (formula defusing, numbers as numbers, ISO times, empty for
 * none) — and streams them over the COPY protocol; Node only turns PostgreSQL's LF row ends into
 * RFC 4180's CRLF and checks the end. No row is parsed in Node, so the throughput is close to psql's.
 *
 * COPY takes no bind parameters, so the selection's parameters are written into the statement as
 * literals (`inlineParameters`): only strings, numbers, booleans and null, strings as E'' literals with
 * quotes and backslashes escaped — anything else is refused, and the caller falls back to the cursor.
 */
import { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import type { ProfileColumn } from "@/lib/export";
import type { CompiledSelection } from "@/lib/segments/compile";

const dialect = new PgDialect();

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("A non-finite number cannot be a literal");
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw new Error("NUL cannot be a literal");
    return `E'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  }
  throw new Error(`A ${typeof value} parameter cannot be written as a literal`);
}

/**
 * `$1 … $n` of a statement replaced by literals of its parameters. Placeholders are only recognised
 * outside quoted literals, quoted identifiers and dollar-quoted strings.
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
    if (c === "$") {
      const placeholder = /^\$(\d+)/.exec(text.slice(i));
      if (placeholder) {
        const index = Number(placeholder[1]) - 1;
        if (index < 0 || index >= params.length) throw new Error(`No parameter for ${placeholder[0]}`);
        out += literal(params[index]);
        i += placeholder[0].length;
        continue;
      }
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i));
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

/** A text cell as `lib/export` writes it: a leading `'` before = + - @ tab CR, and "" as no value. */
const textCell = (value: string) =>
  `(case when ${value} ~ '^[-=+@\\t\\r]' then '''' || ${value} else nullif(${value}, '') end)`;

const isoCell = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A custom field's cell: text defused, numbers without trailing zeros (as JavaScript prints them), booleans as true/false. */
function fieldCell(key: string): string {
  const v = `(p.fields -> ${literal(key)})`;
  return `(case jsonb_typeof(${v}) when 'string' then ${textCell(`(${v} #>> '{}')`)} when 'number' then trim_scale((${v})::numeric)::text when 'boolean' then (${v})::text end)`;
}

function cellSql(column: ProfileColumn): string {
  if (column.kind === "field") return fieldCell(column.key);
  if (column.kind === "subscription") return `p.${column.key}::text`;
  if (column.key === "id") return "p.id::text";
  if (column.key === "created_at" || column.key === "updated_at") return isoCell(`p.${column.key}`);
  return textCell(`p.${column.key}`);
}

/**
 * The COPY statement of a selection's CSV rows (no header), ending with one all-empty row — a row no
 * profile can produce (its id is never empty) — that proves the stream complete.
 */
export function copyCsvStatement(selection: CompiledSelection, columns: readonly ProfileColumn[]): string {
  const limit = selection.limit === null ? sql`` : sql` limit ${selection.limit}::bigint`;
  const { sql: text, params } = dialect.sqlToQuery(sql`select ${sql.raw(columns.map(cellSql).join(", "))} from profiles p where ${selection.where} order by p.id${limit}`);
  const rows = inlineParameters(text, params);
  const blanks = columns.map(() => "null::text").join(", ");
  return `COPY ((${rows}) union all (select ${blanks})) TO STDOUT WITH (FORMAT csv)`;
}

function connectionLost(): Error {
  return Object.assign(new Error("The database connection was lost while the export was being read."), { code: "CONNECTION_CLOSED" });
}

/**
 * The rows of a COPY … CSV stream with CRLF row ends, without the final all-empty row; throws when the
 * stream ends without it (a connection that died is never a finished export). `onRows` counts rows.
 */
export async function* crlfRows(source: AsyncIterable<Buffer>, columnCount: number, onRows?: (rows: number) => void): AsyncGenerator<Buffer> {
  const sentinel = Buffer.from(",".repeat(columnCount - 1) + "\r\n");
  const keep = sentinel.length;
  let held = Buffer.alloc(0);
  let inQuotes = false; // inside a quoted cell, where LF is data
  let offset = 0; // bytes of output so far
  let lastBoundary = 0; // output offset right after the last row end
  let previousBoundary = 0;
  let rows = 0;
  for await (const chunk of source) {
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 34) inQuotes = !inQuotes;
      else if (b === 10 && !inQuotes) {
        out[o++] = 13;
        out[o++] = 10;
        previousBoundary = lastBoundary;
        lastBoundary = offset + o;
        rows++;
        continue;
      }
      out[o++] = b;
    }
    offset += o;
    const combined = held.length ? Buffer.concat([held, out.subarray(0, o)]) : out.subarray(0, o);
    if (combined.length > keep) {
      yield combined.subarray(0, combined.length - keep);
      held = Buffer.from(combined.subarray(combined.length - keep));
    } else held = Buffer.from(combined);
    onRows?.(Math.max(0, rows - 1));
  }
  const complete = held.equals(sentinel) && lastBoundary === offset && previousBoundary === offset - keep;
  if (!complete) throw connectionLost();
}

/** Streams a selection's CSV rows from PostgreSQL via COPY (see the module comment). */
export async function* copySelectionCsv(client: Sql, selection: CompiledSelection, columns: readonly ProfileColumn[], onRows?: (rows: number) => void): AsyncGenerator<Buffer> {
  const statement = copyCsvStatement(selection, columns);
  const stream = (await client.unsafe(statement).readable()) as Readable;
  try {
    yield* crlfRows(stream, columns.length, onRows);
  } finally {
    if (!stream.destroyed) stream.destroy();
  }
}


import "server-only";
/**
 * CSV exports at the speed of `COPY … TO STDOUT` (PostgreSQL only): the database formats every row
 * — the same cells `lib/export` writes (formula defusing, numbers as numbers, ISO times, empty for
 * none) — and streams them over the COPY protocol; Node only turns PostgreSQL's LF row ends into
 * RFC 4180's CRLF and checks the end. No row is parsed in Node, so the throughput is close to psql's.
 *
 * COPY takes no bind parameters, so the selection's parameters are written into the statement as
 * literals (`literals.ts`).
 */
import { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import type { ProfileColumn } from "@/lib/export";
import type { CompiledSelection } from "@/lib/segments/compile";
import { inlineParameters, literal } from "./literals";

const dialect = new PgDialect();

/**
 * A text cell as `lib/export` writes it: a leading `'` before = + - @ tab CR, and "" as no value.
 * (`ascii()` of the first character rather than a regular expression: a third of the cost per cell.)
 */
const textCell = (value: string) =>
  `(case when ascii(${value}) in (61, 43, 45, 64, 9, 13) then '''' || ${value} else nullif(${value}, '') end)`;

const isoCell = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A custom field's cell: text defused, numbers without trailing zeros (as JavaScript prints them),
 * booleans as true/false, anything else empty. Strings and booleans are read with `->>` (one lookup
 * that already answers text) rather than `-> … #>> '{}'`.
 */
function fieldCell(key: string): string {
  const json = `(p.fields -> ${literal(key)})`;
  const text = `(p.fields ->> ${literal(key)})`;
  return `(case jsonb_typeof(${json}) when 'string' then ${textCell(text)} when 'number' then trim_scale(${json}::numeric)::text when 'boolean' then ${text} end)`;
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
  let held = Buffer.alloc(0); // the last `keep` bytes of output, held back until more follows
  let inQuotes = false; // inside a quoted cell, where LF is data
  let total = 0; // bytes of output so far
  let lastBoundary = 0; // output offset right after the last row end
  let previousBoundary = 0;
  let rows = 0;
  for await (const chunk of source) {
    // Row ends and quotes are found with indexOf (memchr), and the bytes between copied in one go.
    const out = Buffer.allocUnsafe(held.length + chunk.length * 2);
    let o = held.copy(out, 0);
    const base = total - held.length; // output offset of out[0]
    let start = 0;
    let nextQuote = chunk.indexOf(34);
    let nextLf = chunk.indexOf(10);
    for (;;) {
      if (inQuotes) {
        if (nextQuote < 0) break;
        inQuotes = false;
        const from = nextQuote + 1;
        nextQuote = chunk.indexOf(34, from);
        if (nextLf >= 0 && nextLf < from) nextLf = chunk.indexOf(10, from);
        continue;
      }
      if (nextQuote >= 0 && (nextLf < 0 || nextQuote < nextLf)) {
        inQuotes = true;
        nextQuote = chunk.indexOf(34, nextQuote + 1);
        continue;
      }
      if (nextLf < 0) break;
      o += chunk.copy(out, o, start, nextLf);
      out[o++] = 13;
      out[o++] = 10;
      previousBoundary = lastBoundary;
      lastBoundary = base + o;
      rows++;
      start = nextLf + 1;
      nextLf = chunk.indexOf(10, start);
    }
    o += chunk.copy(out, o, start);
    total = base + o;
    if (o > keep) {
      yield out.subarray(0, o - keep);
      held = Buffer.from(out.subarray(o - keep, o));
    } else held = Buffer.from(out.subarray(0, o));
    onRows?.(Math.max(0, rows - 1));
  }
  const complete = held.equals(sentinel) && lastBoundary === total && previousBoundary === total - keep;
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
    // postgres.js 3.4.9 pauses the connection's socket when the stream is full and only resumes it
    // from the stream's read(); if the COPY ended while paused, the connection would never read
    // again and its next query would hang (porsager/postgres#499, #1016). Nudge it once more.
    try {
      (stream as unknown as { _read: (size: number) => void })._read(0);
    } catch {
      // the connection is gone already: nothing to resume
    }
  }
}


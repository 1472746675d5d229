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


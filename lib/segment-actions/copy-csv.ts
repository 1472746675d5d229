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
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { ProfileColumn } from "@/lib/export";
import { selectionStatement, type CompiledSelection } from "@/lib/segments/compile";
import { inlineSql, literal } from "./literals";


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

/** Subscriptions and the id are written by COPY itself (enum and bigint output), with no cast per row. */
function cellType(column: ProfileColumn): string {
  if (column.kind === "subscription") return "subscription_status";
  return column.kind !== "field" && column.key === "id" ? "bigint" : "text";
}

function cellSql(column: ProfileColumn): string {
  if (column.kind === "field") return fieldCell(column.key);
  if (column.kind === "subscription") return `p.${column.key}`;
  if (column.key === "id") return "p.id";
  if (column.key === "created_at" || column.key === "updated_at") return isoCell(`p.${column.key}`);
  return textCell(`p.${column.key}`);
}

/** An id range of the selection's rows: `from` inclusive, `to` exclusive; null bounds are open. */
export type IdSpan = { from: number | null; to: number | null };

/**
 * The COPY statement of a selection's CSV rows (no header), ending with one all-empty row — a row no
 * profile can produce (its id is never empty) — that proves the stream complete. With `span`, only the
 * rows whose id falls inside it.
 */
export function copyCsvStatement(selection: CompiledSelection, columns: readonly ProfileColumn[], span: IdSpan = { from: null, to: null }): string {
  const bounds = [
    ...(span.from === null ? [] : [sql`p.id >= ${span.from}::bigint`]),
    ...(span.to === null ? [] : [sql`p.id < ${span.to}::bigint`]),
  ];
  const rows = inlineSql(
    selectionStatement(selection, sql.raw(columns.map(cellSql).join(", ")), { and: bounds.length ? sql.join(bounds, sql` and `) : undefined }),
  );
  const blanks = columns.map((c) => `null::${cellType(c)}`).join(", ");
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

/** Below this many ids between the database's first and last profile, one COPY is quick enough. */
const SPLIT_MIN_IDS = 50_000;

/**
 * Where to cut a selection into two COPY statements that the database can format at the same time:
 * the middle of the database's id range (two index probes). No cut for a selection with a limit (the
 * limit applies to the whole ordered selection) or a small database.
 */
async function splitPoint(client: Sql, selection: CompiledSelection, minIds: number): Promise<number | null> {
  if (selection.limit !== null) return null;
  const [row] = await client`select min(id)::text as lo, max(id)::text as hi from profiles where database_id = ${selection.databaseId}`;
  if (!row?.lo || !row.hi) return null;
  const lo = Number(row.lo);
  const hi = Number(row.hi);
  return hi - lo < minIds ? null : Math.floor(lo + (hi - lo) / 2) + 1;
}

/**
 * One COPY's rows with CRLF row ends (see `crlfRows`). However it ends, the connection goes back to the
 * pool usable: a COPY stopped early (the reader went away, the other half failed) is cancelled on the
 * server and drained — never destroyed, because postgres.js pauses the connection's socket when a push
 * into a destroyed stream fails, and nothing would ever resume it (the connection would hang forever).
 */
async function* copyRows(client: Sql, statement: string, columnCount: number, onRows?: (rows: number) => void): AsyncGenerator<Buffer> {
  const query = client.unsafe(statement);
  const stream = (await query.readable()) as Readable;
  try {
    yield* crlfRows(stream.iterator({ destroyOnReturn: false }), columnCount, onRows);
  } finally {
    if (!stream.readableEnded && !stream.destroyed) {
      try {
        await query.cancel();
      } catch {
        // the cancel request could not be sent: draining still ends the COPY, only later
      }
      stream.resume();
      await Promise.race([once(stream, "end"), once(stream, "close"), new Promise((resolve) => setTimeout(resolve, 30_000).unref())]).catch(() => {});
    }
    // postgres.js 3.4.9 pauses the socket when the stream is full and only resumes it from the
    // stream's read(); if the COPY ended while paused, the connection would never read again and its
    // next query would hang (porsager/postgres#499, #1016). Nudge it once more.
    try {
      (stream as unknown as { _read: (size: number) => void })._read(0);
    } catch {
      // the connection is gone already: nothing to resume
    }
  }
}

/**
 * Streams a selection's CSV rows from PostgreSQL via COPY (see the module comment). A large selection
 * without a limit is cut at the middle of the id range into two COPY statements that run at the same
 * time on two connections, so that two cores format rows: the first half streams to the caller, the
 * second is written to a temporary file meanwhile and streamed from there after the first. Memory stays
 * constant; either half failing fails the export.
 */
export async function* copySelectionCsv(
  client: Sql,
  selection: CompiledSelection,
  columns: readonly ProfileColumn[],
  onRows?: (rows: number) => void,
  /** `spoolDir`: where the second half waits (default: the system's temporary folder). */
  opts: { splitMinIds?: number; spoolDir?: string } = {},
): AsyncGenerator<Buffer> {
  const cut = await splitPoint(client, selection, opts.splitMinIds ?? SPLIT_MIN_IDS);
  if (cut === null) {
    yield* copyRows(client, copyCsvStatement(selection, columns), columns.length, onRows);
    return;
  }
  let firstRows = 0;
  let secondRows = 0;
  const report = () => onRows?.(firstRows + secondRows);
  const dir = await mkdtemp(path.join(opts.spoolDir ?? os.tmpdir(), "segment-export-"));
  const file = path.join(dir, "second-half.csv");
  const second = copyRows(client, copyCsvStatement(selection, columns, { from: cut, to: null }), columns.length, (n) => {
    secondRows = n;
    report();
  });
  let secondError: unknown = null;
  // The second half, to disk while the first streams; its promise never rejects (the error is kept).
  const spooled = (async () => {
    const out = createWriteStream(file);
    // Errors of the file stream (also a late one from a write pending when it is destroyed) are kept.
    out.on("error", (error) => {
      secondError ??= error;
    });
    try {
      for await (const chunk of second) {
        if (secondError) break;
        if (!out.write(chunk)) await once(out, "drain");
      }
      if (secondError) return;
      out.end();
      await once(out, "finish");
    } catch (error) {
      secondError ??= error;
    } finally {
      if (!out.writableFinished) out.destroy();
    }
  })();
  try {
    for await (const chunk of copyRows(client, copyCsvStatement(selection, columns, { from: null, to: cut }), columns.length, (n) => {
      firstRows = n;
      report();
    })) {
      if (secondError) throw secondError;
      yield chunk;
    }
    await spooled;
    if (secondError) throw secondError;
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
  } finally {
    secondError ??= new Error("export stopped");
    await second.return(undefined).catch(() => {});
    await spooled;
    await rm(dir, { recursive: true, force: true });
  }
}

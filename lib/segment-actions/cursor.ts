import "server-only";
/**
 * Reading a whole selection in `id` order with constant memory, for exports. On PostgreSQL a
 * server-side cursor (postgres.js `cursor()`): the selection is evaluated once and fetched batch by
 * batch. On PGlite, which has no cursors over its wire-less API, keyset pages on `id` (the embedded
 * database holds small accounts, where re-running the selection per page is cheap).
 *
 * A batch is only fetched when the consumer asks for it, so a slow writer (a file, an HTTP client)
 * holds back the database instead of buffering rows.
 */
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { queryRows, type Db } from "@/db/client";
import { selectionStatement, type CompiledSelection } from "@/lib/segments/compile";
import { profileOfRow, type Profile, type ProfileSqlRow } from "@/lib/profiles/profile";
import type { ResolvedSource } from "./common";

const dialect = new PgDialect();

/** The postgres.js client behind a Drizzle database, or null on PGlite. */
export function postgresClient(db: Db): Sql | null {
  const client = (db as unknown as { $client?: unknown }).$client as { unsafe?: unknown; begin?: unknown } | undefined;
  return client && typeof client.unsafe === "function" && typeof client.begin === "function" ? (client as unknown as Sql) : null;
}

/** The cursor's session went away (a restart, a dropped connection) before it read everything. */
function connectionLost(): Error {
  return Object.assign(new Error("The database connection was lost while the selection was being read."), { code: "CONNECTION_CLOSED" });
}

type Flagged = { end_of_rows: boolean };

/**
 * Rows of `query` in batches through a server-side cursor (PostgreSQL only; one snapshot, the
 * selection evaluated once). `query` must end with a row whose `end_of_rows` is true (see `rowsOf`):
 * postgres.js ends a cursor quietly, as if it had no more rows, when its connection dies between two
 * batches, so only that last row proves the read complete — without it this throws, and an export
 * never passes a truncated read off as finished. (A plain pooled cursor, not `begin()`/`reserve()`:
 * postgres.js 3.4.9 crashes the process when a reserved connection's backend dies, porsager/postgres#1208.)
 */
async function* cursorBatches<T extends Flagged>(client: Sql, query: SQL, batchSize: number): AsyncGenerator<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const cursor = client.unsafe(text, params as never[]).cursor(batchSize) as AsyncIterable<T[]>;
  let complete = false;
  for await (const rows of cursor) {
    if (rows.length && rows[rows.length - 1].end_of_rows) {
      complete = true;
      const data = rows.slice(0, -1);
      if (data.length) yield data;
      break;
    }
    yield rows;
  }
  if (!complete) throw connectionLost();
}


/**
 * Keyset pages of `select … from profiles p where <where> and p.id > last order by p.id limit n`,
 * staying inside the first `limit` ids when the selection has a limit.
 */
async function* keysetBatches<T extends { id: number | string }>(db: Db, columns: SQL, selection: CompiledSelection, batchSize: number): AsyncGenerator<T[]> {
  let remaining = selection.limit ?? Number.POSITIVE_INFINITY;
  let after: number | null = null;
  while (remaining > 0) {
    const size = Math.min(batchSize, remaining);
    const page = { ...selection, limit: size };
    const rows: T[] = await queryRows<T>(db, selectionStatement(page, columns, { and: after === null ? undefined : sql`p.id > ${after}::bigint` }));
    if (rows.length === 0) return;
    yield rows;
    remaining -= rows.length;
    after = Number(rows[rows.length - 1].id);
    if (rows.length < size) return;
  }
}

function rowsOf<T extends { id: number | string }>(db: Db, columns: SQL, source: ResolvedSource, batchSize: number): AsyncGenerator<T[]> {
  const selection = source.prepared.selection;
  const client = postgresClient(db);
  if (!client) return keysetBatches<T>(db, columns, selection, batchSize);
  // The selection, then one all-null row flagged as the end (cursors run serially, so it comes last).
  return cursorBatches<T & Flagged>(
    client,
    sql`(${selectionStatement(selection, sql`${columns}, false as end_of_rows`)})
        union all
        (select ${columns}, true from (select (null::profiles).*) p)`,
    batchSize,
  );
}

/** The selection's profile ids in batches, in id order. */
export async function* selectionIdBatches(db: Db, source: ResolvedSource, batchSize = 1000): AsyncGenerator<number[]> {
  for await (const rows of rowsOf<{ id: string | number }>(db, sql`p.id::text as id`, source, batchSize)) yield rows.map((r) => Number(r.id));
}

// Timestamps leave the database as ISO text (what Date#toISOString writes), so both drivers agree and
// no Date objects are made per row.
const PROFILE_COLUMNS = sql.raw(`p.id::text as id, p.email, p.phone, p.first_name, p.last_name,
  to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
  to_char(p.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at,
  p.fields, p.email_subscription, p.sms_subscription, p.push_subscription`);

/** The selection's profiles (SPEC §5 shape) in batches, in id order. */
export async function* selectionProfileBatches(db: Db, source: ResolvedSource, batchSize = 1000): AsyncGenerator<Profile[]> {
  for await (const rows of rowsOf<ProfileSqlRow>(db, PROFILE_COLUMNS, source, batchSize)) yield rows.map((r) => profileOfRow(r, String)); // the statement writes ISO text already
}

import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import * as schema from "./schema";

/** One Drizzle type over both drivers; a transaction is also a `Db`. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

type Handle = { db: Db; driver: "postgres" | "pglite"; close: () => Promise<void> };

const globalForDb = globalThis as unknown as { __segmentsDb?: Handle };

/** Where the embedded database lives when DATABASE_URL is unset (`memory://` keeps it in RAM). */
export function pgliteDir(): string {
  return process.env.PGLITE_DIR || path.join(process.cwd(), ".data", "pglite");
}

export function databaseKind(): "postgres" | "pglite" {
  return process.env.DATABASE_URL ? "postgres" : "pglite";
}

/**
 * postgres.js settings. `client_connection_check_interval` makes the server notice within a second that
 * this process went away (restart, network cut) while a long statement runs, and roll it back — so its
 * locks (the action's advisory lock, row locks) are freed at once, not when the statement would end.
 */
export function postgresClientOptions() {
  return {
    max: Number(process.env.DATABASE_POOL_SIZE || 10),
    onnotice: () => {},
    connect_timeout: 10,
    connection: { client_connection_check_interval: process.env.DATABASE_CONNECTION_CHECK_MS || "1000" },
  };
}

async function open(): Promise<Handle> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client: Sql = postgres(url, postgresClientOptions());
    // A connection cut mid-query may never settle: give open queries 5 s, then close regardless.
    return { db: drizzle(client, { schema }) as unknown as Db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite: PGliteClass } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dir = pgliteDir();
  if (!dir.includes("://")) mkdirSync(dir, { recursive: true });
  const client: PGlite = new PGliteClass(dir);
  await client.waitReady;
  return { db: drizzle(client, { schema }) as unknown as Db, driver: "pglite", close: () => client.close() };
}

let opening: Promise<Handle> | undefined;

/** The process-wide database, opened on first use (so `next build` never touches it). */
export async function getDb(): Promise<Db> {
  return (await getHandle()).db;
}

export async function getHandle(): Promise<Handle> {
  if (globalForDb.__segmentsDb) return globalForDb.__segmentsDb;
  opening ??= open().then((h) => (globalForDb.__segmentsDb = h));
  return opening;
}

export async function closeDb(): Promise<void> {
  const h = globalForDb.__segmentsDb;
  globalForDb.__segmentsDb = undefined;
  opening = undefined;
  if (h) await h.close();
}

/** Rows of a raw statement, whichever driver ran it (postgres.js answers an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import * as schema from "./schema";
import { env } from "@/lib/env";

/** One Drizzle type over both drivers; a transaction is also a `Db`. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

type Handle = { db: Db; driver: "postgres" | "pglite"; close: () => Promise<void> };

const globalForDb = globalThis as unknown as { __segmentsDb?: Handle; __segmentsJobsDb?: Handle; __segmentsPoolClosers?: Set<() => Promise<void>> };

/** Where the embedded database lives when DATABASE_URL is unset (`memory://` keeps it in RAM). */
export function pgliteDir(): string {
  return env().PGLITE_DIR;
}

export function databaseKind(): "postgres" | "pglite" {
  return env().DATABASE_URL ? "postgres" : "pglite";
}

/**
 * Connection pools per role, so that background jobs and heavy reads never take the connections that
 * web requests need: `web` (pages, actions, API), `jobs` (the job runner) and `read` (the read replica,
 * db/replica.ts). Sizes from DATABASE_POOL_SIZE, DATABASE_JOBS_POOL_SIZE, DATABASE_READ_POOL_SIZE
 * (docs/scaling.md). Each pool names itself in `pg_stat_activity` (application_name).
 */
export type PoolRole = "web" | "jobs" | "read";

export function poolSize(role: PoolRole): number {
  const settings = env();
  return { web: settings.DATABASE_POOL_SIZE, jobs: settings.DATABASE_JOBS_POOL_SIZE, read: settings.DATABASE_READ_POOL_SIZE }[role];
}

/**
 * postgres.js settings of a role's pool. `client_connection_check_interval` makes the server notice
 * within a second that this process went away (restart, network cut) while a long statement runs, and
 * roll it back — so its locks (the action's advisory lock, row locks) are freed at once, not when the
 * statement would end.
 */
/**
 * Seconds before a pool connection tries again after it failed. postgres.js's own backoff grows with
 * every failed attempt of the whole pool (3^n / 100 s, up to 20 s), so after an outage of a second or
 * two the next query could wait 20 s for a database that was back (db/reconnect.test.ts). Here it
 * grows from 50 ms to at most one second, with jitter so that the pool's connections do not retry in
 * step; a failed connect to a database that is down costs next to nothing.
 */
export function reconnectBackoffSeconds(retries: number): number {
  return Math.min(1, 0.05 * 2 ** retries) * (0.5 + Math.random() / 2);
}

export function postgresClientOptions(role: PoolRole = "web") {
  return {
    max: poolSize(role),
    onnotice: () => {},
    connect_timeout: 10,
    backoff: reconnectBackoffSeconds,
    connection: {
      application_name: `dynamic-segments ${role}`,
      client_connection_check_interval: String(env().DATABASE_CONNECTION_CHECK_MS),
    },
  };
}

/** The app's own pools to the primary (web, jobs): the only databases whose replica DATABASE_READ_URL is. */
const primaryPools = new WeakSet<object>();

export function isPrimaryPool(db: Db): boolean {
  return primaryPools.has(db);
}

/** A postgres.js pool for one role, as a Drizzle database. */
export async function openPostgres(url: string, role: PoolRole, opts: { connectTimeoutS?: number } = {}): Promise<Handle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client: Sql = postgres(url, { ...postgresClientOptions(role), connect_timeout: opts.connectTimeoutS ?? 10 });
  const db = drizzle(client, { schema }) as unknown as Db;
  if (role !== "read") primaryPools.add(db);
  // A connection cut mid-query (or a replica gone away) may never settle: give open queries 5 s, then close regardless.
  return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
}

async function open(): Promise<Handle> {
  const url = env().DATABASE_URL;
  if (url) return openPostgres(url, "web");
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

/**
 * The job runner's database: on PostgreSQL a pool of its own (DATABASE_JOBS_POOL_SIZE), so that
 * long exports and bulk edits never hold the connections of web requests; on PGlite the one database.
 */
export async function getJobsDb(): Promise<Db> {
  const url = env().DATABASE_URL;
  if (!url) return getDb();
  if (globalForDb.__segmentsJobsDb) return globalForDb.__segmentsJobsDb.db;
  openingJobs ??= openPostgres(url, "jobs").then((h) => (globalForDb.__segmentsJobsDb = h));
  return (await openingJobs).db;
}

let openingJobs: Promise<Handle> | undefined;

/** Other pools (the read replica's) register here, so that `closeDb` ends every connection. */
export function onCloseDb(close: () => Promise<void>): void {
  (globalForDb.__segmentsPoolClosers ??= new Set()).add(close);
}

export async function closeDb(): Promise<void> {
  const handles = [globalForDb.__segmentsDb, globalForDb.__segmentsJobsDb];
  const closers = [...(globalForDb.__segmentsPoolClosers ?? [])];
  globalForDb.__segmentsDb = undefined;
  globalForDb.__segmentsJobsDb = undefined;
  globalForDb.__segmentsPoolClosers = undefined;
  opening = undefined;
  openingJobs = undefined;
  for (const h of handles) if (h) await h.close();
  for (const close of closers) await close();
}

/** Rows of a raw statement, whichever driver ran it (postgres.js answers an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

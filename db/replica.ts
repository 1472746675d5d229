/**
 * The read replica: an optional PostgreSQL streaming replica (DATABASE_READ_URL) for the read-only
 * heavy work — Calculate, Show, analytics figures, exports, explain and funnel. Everything else
 * (writes, access checks, the segment definitions a selection is compiled from) stays on the primary.
 *
 * Read-your-writes: before a heavy read, the primary's current WAL position is taken
 * (`pg_current_wal_lsn()`, one tiny query) and the read waits until the replica has replayed up to it
 * (`pg_last_wal_replay_lsn()`), polling for at most DATABASE_READ_WAIT_MS. Every commit acknowledged
 * before the read began is at or below that position, so a count right after a save includes the save
 * — whichever app instance, session or API token made it. A replica that lags more than the wait, is
 * down or fails a statement is skipped: the read runs on the primary, with a log line, never an error
 * for the user. After a failure the replica rests for DATABASE_READ_RETRY_MS before it is tried again.
 */
import { is, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { isPrimaryPool, onCloseDb, openPostgres, queryRows, type Db } from "./client";
import { env } from "@/lib/env";

export type ReadServer = "replica" | "primary";

type ReplicaState = {
  db: Db | null;
  opening: Promise<Db> | null;
  /** Until when (ms since the epoch) the replica is skipped after a failure. */
  restingUntil: number;
  /** Reads served per server, and how many fell back to the primary (DATABASE_READ_URL set). */
  served: Record<ReadServer, number> & { fallbacks: number };
};

const globalForReplica = globalThis as unknown as { __segmentsReplica?: ReplicaState };

function state(): ReplicaState {
  return (globalForReplica.__segmentsReplica ??= { db: null, opening: null, restingUntil: 0, served: { replica: 0, primary: 0, fallbacks: 0 } });
}

/** How long a heavy read waits for the replica to replay the primary's latest commit. */
const waitMs = () => env().DATABASE_READ_WAIT_MS;
/** How long the replica is left alone after it failed. */
const retryMs = () => env().DATABASE_READ_RETRY_MS;

export function replicaConfigured(): boolean {
  const { DATABASE_URL, DATABASE_READ_URL } = env();
  return Boolean(DATABASE_URL && DATABASE_READ_URL);
}

async function replicaDb(): Promise<Db> {
  const s = state();
  if (s.db) return s.db;
  s.opening ??= openPostgres(env().DATABASE_READ_URL!, "read", { connectTimeoutS: env().DATABASE_READ_CONNECT_TIMEOUT_S }).then((h) => {
    onCloseDb(async () => {
      if (s.db === h.db) s.db = null;
      s.opening = null;
      await h.close();
    });
    s.db = h.db;
    return h.db;
  });
  try {
    return await s.opening;
  } catch (error) {
    s.opening = null;
    throw error;
  }
}

function rest(reason: string, error?: unknown) {
  const s = state();
  s.restingUntil = Date.now() + retryMs();
  s.served.fallbacks++;
  const detail = error instanceof Error ? `: ${error.message}` : error ? `: ${String(error)}` : "";
  console.warn(`read replica: ${reason}${detail}; heavy reads go to the primary for the next ${Math.round(retryMs() / 1000)} s`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether the replica has replayed everything the primary had committed now. A server that is not in
 * recovery (DATABASE_READ_URL naming the primary itself, or a promoted standby) answers true.
 */
async function replayedPrimary(primary: Db, replica: Db): Promise<boolean> {
  const [{ lsn }] = await queryRows<{ lsn: string }>(primary, sql`select pg_current_wal_lsn()::text as lsn`);
  const deadline = Date.now() + waitMs();
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const [row] = await queryRows<{ replayed: boolean }>(
      replica,
      sql`select coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, not pg_is_in_recovery()) as replayed`,
    );
    if (row.replayed) return true;
    if (Date.now() + delay > deadline) return false;
    await sleep(delay);
  }
}

/**
 * Where a heavy read over `primary` should run: the replica when one is configured, healthy and has
 * replayed the primary's latest commit; otherwise `primary` itself. `primary` stays the answer for a
 * transaction (its own uncommitted writes live only there) and for a database that is not the app's
 * primary pool (a script's or a test's own connection).
 */
export async function chooseReadDb(primary: Db): Promise<{ db: Db; server: ReadServer }> {
  const s = state();
  if (!replicaConfigured() || is(primary, PgTransaction) || !isPrimaryPool(primary) || Date.now() < s.restingUntil) {
    return { db: primary, server: "primary" };
  }
  let replica: Db;
  try {
    replica = await replicaDb();
    if (await replayedPrimary(primary, replica)) return { db: replica, server: "replica" };
  } catch (error) {
    rest("not answering", error);
    return { db: primary, server: "primary" };
  }
  s.served.fallbacks++;
  console.warn(`read replica: more than ${waitMs()} ms behind the primary; this read goes to the primary`);
  return { db: primary, server: "primary" };
}

/**
 * The database for a heavy read that cannot be repeated from the start once it has begun (an export
 * stream): the replica when it is ready (see `chooseReadDb`), else the primary.
 */
export async function getReadDb(primary: Db): Promise<Db> {
  const { db, server } = await chooseReadDb(primary);
  state().served[server]++;
  return db;
}

/**
 * Whether an error is the replica's own trouble, worth running the work again on the primary: the
 * connection (08…, 57P01–57P03, socket codes), a recovery conflict that cancelled the statement
 * (40001), too many connections (53300), or a write that reached the read-only standby (25006). Any
 * other error (a timeout the app reports, bad input) would be the same on the primary.
 */
export function isReplicaTrouble(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (/^(08\w{3}|57P0[123]|40001|53300|25006)$/.test(code)) return true;
    if (/^(CONNECTION_(CLOSED|ENDED|DESTROYED)|CONNECT_TIMEOUT|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)$/.test(code)) return true;
  }
  return false;
}

/**
 * Runs read-only heavy work on the replica when it is ready, else on the primary. When the replica
 * fails during the work (see `isReplicaTrouble`), the work runs again on the primary: it must only
 * read. Other errors are the answer itself and are not retried.
 */
export async function withReadDb<T>(primary: Db, work: (db: Db) => Promise<T>): Promise<T> {
  const s = state();
  const chosen = await chooseReadDb(primary);
  if (chosen.server === "primary") {
    s.served.primary++;
    return work(primary);
  }
  try {
    const result = await work(chosen.db);
    s.served.replica++;
    return result;
  } catch (error) {
    if (!isReplicaTrouble(error)) throw error;
    rest("a read failed", error);
    s.served.primary++;
    return work(primary);
  }
}

/** Reads served by each server since the process started (for operators and tests). */
export function readStats(): Readonly<ReplicaState["served"]> {
  return { ...state().served };
}

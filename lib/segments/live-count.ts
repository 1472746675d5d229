import "server-only";
/**
 * The builder's live count: Calculate for an unsaved rule that a newer request (or the browser
 * going away) cancels — in PostgreSQL too, not only in the browser. The statement runs on one
 * pooled connection; when the request's signal aborts while it runs, `pg_cancel_backend` on that
 * connection's backend stops it (what postgres.js `.cancel()` sends: a cancel request), so a
 * superseded count leaves nothing running in `pg_stat_activity`.
 *
 * PGlite runs statements inside this process, one at a time, and cannot be interrupted: there the
 * count finishes and its answer is dropped.
 */
import { sql } from "drizzle-orm";
import { databaseKind, queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { countOf, prepareSelection, withStatementTimeout } from "./selection";

/** A live count takes at most this long; a slower rule switches the builder to the manual Refresh count. */
export const LIVE_COUNT_TIMEOUT_MS = 4_000;

/** Thrown when the signal aborted: nobody waits for the answer any more. */
export class CountAborted extends Error {
  constructor() {
    super("The count was superseded.");
    this.name = "CountAborted";
  }
}

/**
 * Runs `work` on one connection inside a transaction; while it runs, an abort of `signal` cancels
 * the connection's current statement in PostgreSQL. Throws `CountAborted` after an abort.
 */
export async function cancellableOnAbort<T>(db: Db, signal: AbortSignal, timeoutMs: number, work: (tx: Db) => Promise<T>): Promise<T> {
  if (signal.aborted) throw new CountAborted();
  try {
    const result = await withStatementTimeout(db, timeoutMs, async (tx) => {
      if (databaseKind() !== "postgres") return work(tx);
      const [{ pid }] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
      let running = true;
      // Another pooled connection sends the cancel; a backend that is idle by then ignores it.
      const cancel = () => {
        if (running) void queryRows(db, sql`select pg_cancel_backend(${pid}::int)`).catch(() => {});
      };
      signal.addEventListener("abort", cancel, { once: true });
      try {
        if (signal.aborted) cancel();
        return await work(tx);
      } finally {
        running = false;
        signal.removeEventListener("abort", cancel);
      }
    });
    // PGlite could not stop it: the answer is dropped all the same.
    if (signal.aborted) throw new CountAborted();
    return result;
  } catch (error) {
    if (signal.aborted) throw new CountAborted();
    throw error;
  }
}

/** The live count of a rule (not logged: only Calculate and saves write the update log). */
export async function liveCount(db: Db, user: ActingUser, rule: unknown, signal: AbortSignal, opts: { timeoutMs: number; segmentId?: number }): Promise<number> {
  const prepared = await prepareSelection(db, user, rule, { segmentId: opts.segmentId });
  return cancellableOnAbort(db, signal, opts.timeoutMs, async (tx) => {
    return countOf(tx, prepared.selection);
  });
}

export const isCountAborted = (error: unknown): error is CountAborted => error instanceof CountAborted;

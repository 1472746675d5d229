import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "@/db/client";
import { cancelReason } from "@/db/errors";
import { formatDuration, type AppError } from "@/lib/errors";
import { withStatementTimeout } from "@/lib/segments/selection";
import { inActionTransaction } from "./common";
import { isPostgres, rejection } from "./testing";

/** Cancels the backend running `tx` from another connection after `ms`, as an operator would. */
async function cancelAfter(tx: Db, ms: number): Promise<void> {
  const [{ pid }] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
  setTimeout(async () => {
    const operator = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await operator`select pg_cancel_backend(${pid})`;
    await operator.end();
  }, ms);
}

async function withActionTimeout<T>(ms: string | undefined, work: () => Promise<T>): Promise<T> {
  const before = process.env.ACTION_TIMEOUT_MS;
  if (ms === undefined) delete process.env.ACTION_TIMEOUT_MS;
  else process.env.ACTION_TIMEOUT_MS = ms;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.ACTION_TIMEOUT_MS;
    else process.env.ACTION_TIMEOUT_MS = before;
  }
}

// PGlite runs statements synchronously in this process: nothing can time out or cancel them there.
const itOnPostgres = isPostgres() ? it : () => {};

describe("what a stopped action says", () => {
  it("durations read as people say them", () => {
    expect([250, 3000, 90_000, 20 * 60_000, 65 * 60_000, 120 * 60_000].map(formatDuration)).toEqual(["250 ms", "3 s", "90 s", "20 min", "1 h 5 min", "2 h"]);
  });

  it("tells a time limit from a cancel by the server's words, and by the time it ran otherwise", () => {
    const pg = (message: string) => Object.assign(new Error(message), { code: "57014" });
    expect(cancelReason(pg("canceling statement due to statement timeout"), 10, 20 * 60_000)).toBe("timeout");
    expect(cancelReason(pg("canceling statement due to user request"), 20 * 60_000, 20 * 60_000)).toBe("request");
    expect(cancelReason({ cause: pg("Abbruch der Anweisung") }, 3000, 20 * 60_000)).toBe("request");
    expect(cancelReason(pg("Abbruch der Anweisung"), 20 * 60_000, 20 * 60_000)).toBe("timeout");
    expect(cancelReason(Object.assign(new Error("x"), { code: "23505" }), 0, 1)).toBeNull();
  });

  itOnPostgres("an action over its time limit says the real limit", async () => {
    const db = await getDb();
    const error = await withActionTimeout("300", () => rejection(inActionTransaction(db, {}, (tx) => tx.execute(sql`select pg_sleep(3)`))));
    expect((error as AppError).code).toBe("timeout");
    expect(error.message).toBe("This action timed out after 300 ms (its time limit) and was stopped; nothing was changed.");
  });

  itOnPostgres("an action cancelled on the server after a second says so, not '20 minutes'", async () => {
    const db = await getDb();
    const error = await withActionTimeout(undefined, () =>
      rejection(
        inActionTransaction(db, {}, async (tx) => {
          await cancelAfter(tx, 1200);
          return tx.execute(sql`select pg_sleep(20)`);
        }),
      ),
    );
    expect(error.message).toMatch(/^This action was cancelled on the database server after [12] s \(not by its time limit\); nothing was changed\.$/);
    expect(error.message).not.toMatch(/20 min/);
  });

  itOnPostgres("a calculation says whether it timed out or was cancelled", async () => {
    const db = await getDb();
    const timedOut = await rejection(withStatementTimeout(db, 200, (tx) => tx.execute(sql`select pg_sleep(3)`)));
    expect(timedOut.message).toMatch(/^This selection timed out after 200 ms \(its time limit\)\./);
    const cancelled = await rejection(
      withStatementTimeout(db, 60_000, async (tx) => {
        await cancelAfter(tx, 1200);
        return tx.execute(sql`select pg_sleep(20)`);
      }),
    );
    expect(cancelled.message).toMatch(/^This calculation was cancelled on the database server after [12] s \(not by its time limit\)\. Try again\.$/);
  });
});

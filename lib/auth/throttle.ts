import { and, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { signInThrottle } from "@/db/schema";

/** Failed sign-ins allowed per key inside the window before the key is locked for LOCK_MINUTES. */
const LIMITS = { email: 5, ip: 20 } as const;
const WINDOW_MINUTES = 15;
const LOCK_MINUTES = 15;

export function throttleKeys(email: string, ip: string): string[] {
  return [`email:${email.trim().toLowerCase()}`, `ip:${ip}`];
}

function limitFor(key: string): number {
  return key.startsWith("email:") ? LIMITS.email : LIMITS.ip;
}

/** The latest moment until which any of the keys is locked, or null when sign-in may be tried. */
export async function lockedUntil(db: Db, keys: string[], now = new Date()): Promise<Date | null> {
  const rows = await db.select().from(signInThrottle).where(inArray(signInThrottle.key, keys));
  const locks = rows.map((r) => r.lockedUntil).filter((d): d is Date => d !== null && d > now);
  return locks.length ? new Date(Math.max(...locks.map((d) => d.getTime()))) : null;
}

/** Counts one failure against every key, in one statement per key; locks a key that reached its limit. */
export async function recordFailure(db: Db, keys: string[], now = new Date()): Promise<void> {
  for (const key of keys) {
    // Raw fragments take ISO text: postgres.js under Drizzle does not serialise a Date inside sql``.
    const windowStart = sql`${new Date(now.getTime() - WINDOW_MINUTES * 60_000).toISOString()}::timestamptz`;
    const lockAt = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    const lockAtSql = sql`${lockAt.toISOString()}::timestamptz`;
    const nowSql = sql`${now.toISOString()}::timestamptz`;
    await db
      .insert(signInThrottle)
      .values({ key, failures: 1, windowStartedAt: now, lockedUntil: limitFor(key) <= 1 ? lockAt : null })
      .onConflictDoUpdate({
        target: signInThrottle.key,
        set: {
          failures: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart} then 1 else ${signInThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart} then ${nowSql} else ${signInThrottle.windowStartedAt} end`,
          lockedUntil: sql`case when (case when ${signInThrottle.windowStartedAt} < ${windowStart} then 1 else ${signInThrottle.failures} + 1 end) >= ${limitFor(key)} then ${lockAtSql} else ${signInThrottle.lockedUntil} end`,
        },
      });
  }
  await expireThrottleRows(db, now);
}

/**
 * Drops rows that no longer count: their window is over and they are not locked. Run with every
 * recorded failure, so a flood of distinct keys cannot grow the table for longer than one window.
 */
export async function expireThrottleRows(db: Db, now = new Date()): Promise<number> {
  const windowStart = new Date(now.getTime() - WINDOW_MINUTES * 60_000);
  const rows = await db
    .delete(signInThrottle)
    .where(and(lt(signInThrottle.windowStartedAt, windowStart), or(isNull(signInThrottle.lockedUntil), lt(signInThrottle.lockedUntil, now))))
    .returning({ key: signInThrottle.key });
  return rows.length;
}

/** A successful sign-in clears the account's failures (the address keeps its count). */
export async function clearFailures(db: Db, email: string): Promise<void> {
  await db.delete(signInThrottle).where(inArray(signInThrottle.key, [`email:${email.trim().toLowerCase()}`]));
}

export function retryMessage(until: Date, now = new Date()): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

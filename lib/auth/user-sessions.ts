import { randomBytes } from "node:crypto";
import { and, count, desc, eq, gt, isNotNull, isNull, lt, ne, or, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { userSessions, users } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import { notFound } from "@/lib/errors";
import type { ActingUser } from "@/lib/access/acting-user";

/**
 * Server-side session records (one per sign-in). The session JWT carries the record's random id; every
 * request checks the record, so a session ends for real when it is signed out, revoked by a password
 * change or an admin, idle longer than SESSION_IDLE_MINUTES, or older than the JWT's lifetime.
 */

/** The absolute lifetime of a session (the JWT's maxAge in auth.config.ts says the same). */
export const SESSION_MAX_AGE_SECONDS = 60 * 60 * 12;
const DEFAULT_IDLE_MINUTES = 60;
/** last_seen_at is written at most this often per session, so a busy page costs no write per request. */
const TOUCH_EVERY_MS = 60_000;

/** Minutes without a request after which a session ends (SESSION_IDLE_MINUTES, default 60). */
export function sessionIdleMinutes(): number {
  const value = Number(process.env.SESSION_IDLE_MINUTES);
  return Number.isFinite(value) && value >= 1 ? Math.min(value, SESSION_MAX_AGE_SECONDS / 60) : DEFAULT_IDLE_MINUTES;
}

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);

/** The condition that a session may still be used at `now`. */
function liveAt(now: Date, idleMinutes: number): SQL {
  return and(
    isNull(userSessions.revokedAt),
    gt(userSessions.lastSeenAt, ago(now, idleMinutes * 60_000)),
    gt(userSessions.createdAt, ago(now, SESSION_MAX_AGE_SECONDS * 1000)),
  )!;
}

/** Records a new sign-in and returns its id (for the JWT). Drops the user's sessions that have ended. */
export async function startSession(
  db: Db,
  input: { userId: number; userAgent: string | null; ipAddress: string | null },
  now = new Date(),
): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  await db.transaction(async (tx) => {
    await tx.delete(userSessions).where(
      and(
        eq(userSessions.userId, input.userId),
        or(
          isNotNull(userSessions.revokedAt),
          lt(userSessions.lastSeenAt, ago(now, sessionIdleMinutes() * 60_000)),
          lt(userSessions.createdAt, ago(now, SESSION_MAX_AGE_SECONDS * 1000)),
        ),
      ),
    );
    await tx.insert(userSessions).values({
      id,
      userId: input.userId,
      createdAt: now,
      lastSeenAt: now,
      userAgent: input.userAgent?.slice(0, 500) || null,
      ipAddress: input.ipAddress?.slice(0, 100) || null,
    });
  });
  return id;
}

/**
 * Whether the session `sessionId` of `userId` may still be used; marks it seen (at most once a minute).
 * Called on every request that carries a session cookie.
 */
export async function touchLiveSession(db: Db, sessionId: string, userId: number, now = new Date(), idleMinutes = sessionIdleMinutes()): Promise<boolean> {
  if (!sessionId || !Number.isSafeInteger(userId) || userId <= 0 || userId > 2_147_483_647) return false;
  const [row] = await db
    .select({ lastSeenAt: userSessions.lastSeenAt })
    .from(userSessions)
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId), liveAt(now, idleMinutes)));
  if (!row) return false;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db
      .update(userSessions)
      .set({ lastSeenAt: now })
      .where(and(eq(userSessions.id, sessionId), lt(userSessions.lastSeenAt, now)));
  }
  return true;
}

/** Ends one session (sign-out). */
export async function revokeSession(db: Db, sessionId: string, now = new Date()): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
}

/** Ends every session of a user, or every one but `exceptSessionId`; answers how many were still open. */
export async function revokeUserSessions(db: Db, userId: number, opts: { exceptSessionId?: string | null; now?: Date } = {}): Promise<number> {
  const now = opts.now ?? new Date();
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(userSessions.userId, userId),
        liveAt(now, sessionIdleMinutes()),
        opts.exceptSessionId ? ne(userSessions.id, opts.exceptSessionId) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return rows.length;
}

/** One of the user's own open sessions, as the Sessions page shows it (never the id itself). */
export type SessionSummary = {
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  ipAddress: string | null;
  current: boolean;
};

/** The acting user's open sessions, most recently used first. */
export async function listOwnSessions(db: Db, actor: ActingUser, now = new Date()): Promise<SessionSummary[]> {
  authorize(actor, "sessions.list");
  const rows = await db
    .select({ id: userSessions.id, createdAt: userSessions.createdAt, lastSeenAt: userSessions.lastSeenAt, userAgent: userSessions.userAgent, ipAddress: userSessions.ipAddress })
    .from(userSessions)
    .where(and(eq(userSessions.userId, actor.id), liveAt(now, sessionIdleMinutes())))
    .orderBy(desc(userSessions.lastSeenAt), desc(userSessions.createdAt))
    .limit(200);
  return rows.map((r) => ({
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    userAgent: r.userAgent,
    ipAddress: r.ipAddress,
    current: r.id === actor.sessionId,
  }));
}

/** "Sign out everywhere else": ends the acting user's sessions except the one making this request. */
export async function signOutEverywhereElse(db: Db, actor: ActingUser): Promise<number> {
  authorize(actor, "sessions.revokeOthers");
  return revokeUserSessions(db, actor.id, { exceptSessionId: actor.sessionId ?? null });
}

/** An admin ends every session of a user (their own: every other one). */
export async function signOutUserEverywhere(db: Db, actor: ActingUser, userId: number): Promise<number> {
  authorize(actor, "users.signOut");
  if (!Number.isSafeInteger(userId) || userId <= 0 || userId > 2_147_483_647) throw notFound("The user");
  const [target] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!target) throw notFound("The user");
  return revokeUserSessions(db, userId, { exceptSessionId: userId === actor.id ? actor.sessionId : null });
}

/** How many sessions of a user are open now (for tests and the Users page). */
export async function openSessionCount(db: Db, userId: number, now = new Date()): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(userSessions)
    .where(and(eq(userSessions.userId, userId), liveAt(now, sessionIdleMinutes())));
  return row.n;
}

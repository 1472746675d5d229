import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import { makeUser } from "@/db/testing/fixtures";
import { changeOwnPassword, setUserActive, setUserPassword } from "@/lib/users/queries";
import { checkCredentials, hashPassword } from "./credentials";
import type { ActingUser } from "@/lib/access/acting-user";
import {
  listOwnSessions,
  openSessionCount,
  revokeSession,
  sessionIdleMinutes,
  signOutEverywhereElse,
  signOutUserEverywhere,
  startSession,
  touchLiveSession,
} from "./user-sessions";

const signIn = async (user: ActingUser, now = new Date(), agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0") =>
  startSession(await getDb(), { userId: user.id, userAgent: agent, ipAddress: "192.0.2.7" }, now);
const live = async (user: ActingUser, sid: string, now = new Date()) => touchLiveSession(await getDb(), sid, user.id, now);
const minutes = (n: number) => n * 60_000;

describe("sessions that end", () => {
  it("a signed-out session is refused on the next request; another session of the user is not", async () => {
    const user = await makeUser("marketer");
    const a = await signIn(user);
    const b = await signIn(user);
    expect(await live(user, a)).toBe(true);
    await revokeSession(await getDb(), a);
    expect(await live(user, a)).toBe(false);
    expect(await live(user, b)).toBe(true);
  });

  it("a session id only works for the user it was issued to, and an unknown id never", async () => {
    const user = await makeUser("marketer");
    const other = await makeUser("marketer");
    const sid = await signIn(user);
    expect(await live(other, sid)).toBe(false);
    expect(await live(user, "made-up")).toBe(false);
    expect(await live(user, "")).toBe(false);
  });

  it("ends after SESSION_IDLE_MINUTES without a request, and each request keeps it alive", async () => {
    const user = await makeUser("marketer");
    const t0 = new Date("2026-03-01T10:00:00Z");
    const idle = sessionIdleMinutes();
    const sid = await signIn(user, t0);
    // Used just before it would expire: it is marked seen and lives on from there.
    expect(await live(user, sid, new Date(t0.getTime() + minutes(idle) - 1000))).toBe(true);
    expect(await live(user, sid, new Date(t0.getTime() + minutes(idle) * 2 - 2000))).toBe(true);
    // Then left alone for longer than the idle time.
    expect(await live(user, sid, new Date(t0.getTime() + minutes(idle) * 3))).toBe(false);
  });

  it("reads SESSION_IDLE_MINUTES", async () => {
    const before = process.env.SESSION_IDLE_MINUTES;
    try {
      process.env.SESSION_IDLE_MINUTES = "5";
      expect(sessionIdleMinutes()).toBe(5);
      const user = await makeUser("marketer");
      const t0 = new Date("2026-03-01T10:00:00Z");
      const sid = await signIn(user, t0);
      expect(await live(user, sid, new Date(t0.getTime() + minutes(4)))).toBe(true);
      expect(await live(user, sid, new Date(t0.getTime() + minutes(10)))).toBe(false);
      process.env.SESSION_IDLE_MINUTES = "nonsense";
      expect(sessionIdleMinutes()).toBe(60);
    } finally {
      if (before === undefined) delete process.env.SESSION_IDLE_MINUTES;
      else process.env.SESSION_IDLE_MINUTES = before;
    }
  });

  it("ends 12 hours after sign-in even when used all the time", async () => {
    const user = await makeUser("marketer");
    const t0 = new Date("2026-03-01T00:00:00Z");
    const sid = await signIn(user, t0);
    for (let h = 0.5; h < 12; h += 0.5) expect(await live(user, sid, new Date(t0.getTime() + h * 3_600_000))).toBe(true);
    expect(await live(user, sid, new Date(t0.getTime() + 12 * 3_600_000 + 1000))).toBe(false);
  });

  it("writes last seen at most once a minute", async () => {
    const user = await makeUser("marketer");
    const db = await getDb();
    const t0 = new Date("2026-03-01T10:00:00Z");
    const sid = await signIn(user, t0);
    const seen = async () => (await db.select({ at: userSessions.lastSeenAt }).from(userSessions).where(eq(userSessions.id, sid)))[0].at.toISOString();
    await live(user, sid, new Date(t0.getTime() + 30_000));
    expect(await seen()).toBe(t0.toISOString());
    await live(user, sid, new Date(t0.getTime() + 61_000));
    expect(await seen()).toBe(new Date(t0.getTime() + 61_000).toISOString());
  });

  it("an admin's password reset ends every session of the user", async () => {
    const db = await getDb();
    const admin = await makeUser("admin");
    const user = await makeUser("marketer");
    const sessions = [await signIn(user), await signIn(user)];
    await setUserPassword(db, admin, user.id, "a new secret 1");
    for (const sid of sessions) expect(await live(user, sid)).toBe(false);
    expect(await openSessionCount(db, user.id)).toBe(0);
  });

  it("an admin resetting their own password keeps only the session doing it", async () => {
    const db = await getDb();
    const admin = await makeUser("admin");
    const here = await signIn(admin);
    const elsewhere = await signIn(admin);
    await setUserPassword(db, { ...admin, sessionId: here }, admin.id, "a new secret 2");
    expect(await live(admin, here)).toBe(true);
    expect(await live(admin, elsewhere)).toBe(false);
  });

  it("deactivating a user ends their sessions, so reactivating does not revive an old cookie", async () => {
    const db = await getDb();
    const admin = await makeUser("admin");
    const user = await makeUser("marketer");
    const sid = await signIn(user);
    await setUserActive(db, admin, user.id, false);
    await setUserActive(db, admin, user.id, true);
    expect(await live(user, sid)).toBe(false);
  });

  it("Sign out everywhere else keeps this session and ends the others; the list marks this session", async () => {
    const db = await getDb();
    const user = await makeUser("lead");
    const here = await signIn(user, new Date(), "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15");
    const others = [await signIn(user), await signIn(user)];
    const me = { ...user, sessionId: here };
    const before = await listOwnSessions(db, me);
    expect(before).toHaveLength(3);
    expect(before.filter((s) => s.current)).toEqual([expect.objectContaining({ userAgent: expect.stringContaining("Safari"), ipAddress: "192.0.2.7" })]);
    expect(JSON.stringify(before)).not.toContain(here); // ids stay on the server
    expect(await signOutEverywhereElse(db, me)).toBe(2);
    for (const sid of others) expect(await live(user, sid)).toBe(false);
    expect(await live(user, here)).toBe(true);
    expect(await listOwnSessions(db, me)).toEqual([expect.objectContaining({ current: true })]);
    expect(await signOutEverywhereElse(db, me)).toBe(0);
  });

  it("only admins sign other users out everywhere; an unknown user is not found", async () => {
    const db = await getDb();
    const admin = await makeUser("admin");
    const lead = await makeUser("lead");
    const user = await makeUser("marketer");
    const sid = await signIn(user);
    await expect(signOutUserEverywhere(db, lead, user.id)).rejects.toMatchObject({ code: "forbidden" });
    expect(await live(user, sid)).toBe(true);
    await expect(signOutUserEverywhere(db, admin, 2_147_483_000)).rejects.toMatchObject({ code: "not_found" });
    await expect(signOutUserEverywhere(db, admin, 1e12)).rejects.toMatchObject({ code: "not_found" });
    expect(await signOutUserEverywhere(db, admin, user.id)).toBe(1);
    expect(await live(user, sid)).toBe(false);
  });

  it("a new sign-in clears the user's ended sessions from the table", async () => {
    const db = await getDb();
    const user = await makeUser("marketer");
    const old = await signIn(user);
    await revokeSession(db, old);
    await signIn(user);
    expect(await db.select().from(userSessions).where(eq(userSessions.id, old))).toEqual([]);
  });
});

describe("changing one's own password", () => {
  it("needs the current password, keeps this session and ends the others", async () => {
    const db = await getDb();
    const user = await makeUser("marketer");
    await db.update(users).set({ passwordHash: await hashPassword("the old secret") }).where(eq(users.id, user.id));
    const here = await signIn(user);
    const elsewhere = await signIn(user);
    const me = { ...user, sessionId: here };
    await expect(changeOwnPassword(db, me, { currentPassword: "a guess", newPassword: "the new secret" })).rejects.toMatchObject({
      code: "validation_failed",
      issues: [{ path: "currentPassword" }],
    });
    await expect(changeOwnPassword(db, me, { currentPassword: "the old secret", newPassword: "short" })).rejects.toMatchObject({ issues: [{ path: "newPassword" }] });
    expect(await live(user, elsewhere)).toBe(true);
    expect(await changeOwnPassword(db, me, { currentPassword: "the old secret", newPassword: "the new secret" })).toEqual({ endedSessions: 1 });
    expect(await live(user, here)).toBe(true);
    expect(await live(user, elsewhere)).toBe(false);
    expect((await checkCredentials(db, user.email, "the new secret", "192.0.2.8")).ok).toBe(true);
  });

  it("wrong current passwords count against the account like failed sign-ins", async () => {
    const db = await getDb();
    const user = await makeUser("marketer");
    const me = { ...user, sessionId: await signIn(user) };
    for (let i = 0; i < 5; i++) await changeOwnPassword(db, me, { currentPassword: `guess ${i}`, newPassword: "the new secret" }).catch(() => null);
    await expect(changeOwnPassword(db, me, { currentPassword: "x", newPassword: "the new secret" })).rejects.toMatchObject({ code: "rate_limited" });
  });
});

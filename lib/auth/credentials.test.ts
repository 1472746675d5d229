import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { eq, like } from "drizzle-orm";
import { signInThrottle } from "@/db/schema";
import { clientAddress, parseTrustedProxies } from "@/lib/net/client-address";
import { expireThrottleRows, recordFailure } from "./throttle";
import { checkCredentials, hashPassword } from "./credentials";
import { loadActingUser } from "@/lib/access/acting-user";

async function makeUser(email: string, password: string, active = true) {
  const db = await getDb();
  const [u] = await db
    .insert(users)
    .values({ email, name: email, passwordHash: await hashPassword(password), role: "marketer", active })
    .returning();
  return u;
}

describe("sign-in", () => {
  it("accepts the right password, case-insensitively on the email", async () => {
    const u = await makeUser("Right@Example.com", "s3cret!");
    const result = await checkCredentials(await getDb(), "right@example.COM", "s3cret!", "10.0.0.1");
    expect(result).toEqual({ ok: true, userId: u.id });
  });

  it("answers the same for an unknown user, a wrong password and a deactivated user", async () => {
    await makeUser("known@example.com", "s3cret!");
    await makeUser("gone@example.com", "s3cret!", false);
    const db = await getDb();
    const a = await checkCredentials(db, "nobody@example.com", "s3cret!", "10.0.0.2");
    const b = await checkCredentials(db, "known@example.com", "wrong", "10.0.0.3");
    const c = await checkCredentials(db, "gone@example.com", "s3cret!", "10.0.0.4");
    expect([a, b, c]).toEqual([
      { ok: false, lockedUntil: null },
      { ok: false, lockedUntil: null },
      { ok: false, lockedUntil: null },
    ]);
  });

  it("locks an account after five failures, even with the right password, and says until when", async () => {
    await makeUser("target@example.com", "s3cret!");
    const db = await getDb();
    let last;
    for (let i = 0; i < 5; i++) last = await checkCredentials(db, "target@example.com", "guess" + i, `10.1.0.${i}`);
    expect(last?.ok).toBe(false);
    expect(last && !last.ok && last.lockedUntil).toBeInstanceOf(Date);
    const right = await checkCredentials(db, "target@example.com", "s3cret!", "10.1.0.99");
    expect(right.ok).toBe(false);
  });

  it("locks an address after twenty failures across accounts", async () => {
    const db = await getDb();
    for (let i = 0; i < 20; i++) await checkCredentials(db, `spray${i}@example.com`, "x", "10.9.9.9");
    await makeUser("victim@example.com", "s3cret!");
    const fromThatAddress = await checkCredentials(db, "victim@example.com", "s3cret!", "10.9.9.9");
    const fromElsewhere = await checkCredentials(db, "victim@example.com", "s3cret!", "10.9.9.10");
    expect(fromThatAddress.ok).toBe(false);
    expect(fromElsewhere.ok).toBe(true);
  });

  it("a deactivated user is refused on the next request", async () => {
    const u = await makeUser("leaver@example.com", "s3cret!");
    const db = await getDb();
    expect(await loadActingUser(db, u.id)).not.toBeNull();
    await db.update(users).set({ active: false }).where(eq(users.id, u.id));
    expect(await loadActingUser(db, u.id)).toBeNull();
  });

  it("a rotated X-Forwarded-For neither escapes the address limit nor locks out another address", async () => {
    const db = await getDb();
    const none = parseTrustedProxies(undefined);
    // What scripts/serve.ts hands the app: the client's header with the socket's peer appended.
    const from = (spoofed: string, peer: string) => clientAddress(new Headers({ "x-forwarded-for": `${spoofed}, ${peer}` }), none);
    for (let i = 0; i < 20; i++) await checkCredentials(db, `rotate${i}@example.com`, "x", from(`10.7.${i}.1`, "198.51.100.4"));
    await makeUser("rotated@example.com", "s3cret!");
    // The attacker's own address is locked, whatever header it sends next…
    expect((await checkCredentials(db, "rotated@example.com", "s3cret!", from("10.7.99.1", "198.51.100.4"))).ok).toBe(false);
    // …while the addresses it named are not: neither counted nor locked, and no row was made for them.
    expect((await checkCredentials(db, "rotated@example.com", "s3cret!", from("198.51.100.4", "198.51.100.5"))).ok).toBe(true);
    expect(await db.select().from(signInThrottle).where(like(signInThrottle.key, "ip:10.7.%"))).toEqual([]);
  });

  it("throttle rows expire once their window is over and they are not locked", async () => {
    const db = await getDb();
    const t0 = new Date("2026-02-01T10:00:00Z");
    await recordFailure(db, ["ip:203.0.113.77"], t0);
    // .78 fails 20 times between t0 and t0 + 10 min: locked until t0 + 25 min.
    for (let i = 0; i < 20; i++) await recordFailure(db, ["ip:203.0.113.78"], new Date(t0.getTime() + (i === 19 ? 10 : 0) * 60_000));
    const keys = async () => (await db.select({ key: signInThrottle.key }).from(signInThrottle).where(like(signInThrottle.key, "ip:203.0.113.%"))).map((r) => r.key).sort();
    expect(await keys()).toEqual(["ip:203.0.113.77", "ip:203.0.113.78"]);
    await expireThrottleRows(db, new Date(t0.getTime() + 16 * 60_000)); // window over; .78 is still locked
    expect(await keys()).toEqual(["ip:203.0.113.78"]);
    await expireThrottleRows(db, new Date(t0.getTime() + 26 * 60_000)); // its lock is over too
    expect(await keys()).toEqual([]);
  });
});

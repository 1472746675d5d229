import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { eq } from "drizzle-orm";
import { checkCredentials, hashPassword } from "./credentials";
import { loadActingUser } from "./acting-user";

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
});

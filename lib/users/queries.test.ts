import bcrypt from "bcryptjs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { makeUser } from "@/db/testing/fixtures";
import { loadActingUser } from "@/lib/access/acting-user";
import { changeUserRole, createUser, listUsers, setUserActive, setUserPassword } from "./queries";
import { createUserSchema } from "./schema";

describe("users", () => {
  it("creates a user with a bcrypt hash, never listing it, and refuses a taken email", async () => {
    const db = await getDb();
    const admin = await makeUser("admin");
    const { id } = await createUser(db, admin, createUserSchema.parse({ name: "Nina New", email: "Nina@Example.test", role: "lead", password: "a good secret" }));
    const [row] = await db.select().from(users).where(eq(users.id, id));
    expect(row.email).toBe("nina@example.test");
    expect(await bcrypt.compare("a good secret", row.passwordHash)).toBe(true);
    const listed = (await listUsers(db, admin)).find((u) => u.id === id)!;
    expect(listed).toMatchObject({ role: "lead", active: true });
    expect(JSON.stringify(listed)).not.toContain(row.passwordHash);
    await expect(createUser(db, admin, createUserSchema.parse({ name: "Again", email: "nina@example.TEST", role: "marketer", password: "another secret" }))).rejects.toMatchObject({ code: "conflict", issues: [{ path: "email" }] });
    // What the form posts is parsed once, by the action; the data layer takes the parsed input.
    expect(createUserSchema.safeParse({ name: "", email: "x", role: "boss", password: "short" }).error?.issues.map((i) => i.path[0]).sort()).toEqual(["email", "name", "password", "role"]);
  });

  it("changes roles, passwords and activity, but never leaves no active admin and never on oneself", async () => {
    const db = await getDb();
    const admin = await makeUser("admin");
    const target = await makeUser("marketer");
    await changeUserRole(db, admin, target.id, "lead");
    expect((await loadActingUser(db, target.id))!.role).toBe("lead");
    await setUserActive(db, admin, target.id, false);
    expect(await loadActingUser(db, target.id)).toBeNull();
    await setUserActive(db, admin, target.id, true);
    await setUserPassword(db, admin, target.id, "brand new pass");
    await expect(changeUserRole(db, admin, admin.id, "marketer")).rejects.toMatchObject({ code: "conflict" });
    await expect(setUserActive(db, admin, admin.id, false)).rejects.toMatchObject({ code: "conflict" });
    // Demote every other admin: the last one cannot be demoted by anyone.
    for (const other of await db.select({ id: users.id }).from(users).where(eq(users.role, "admin"))) {
      if (other.id !== admin.id) await db.update(users).set({ role: "marketer" }).where(eq(users.id, other.id));
    }
    const second = await makeUser("admin");
    await changeUserRole(db, second, admin.id, "marketer");
    await expect(changeUserRole(db, (await loadActingUser(db, admin.id))!, second.id, "marketer")).rejects.toMatchObject({ code: "forbidden" });
    await expect(setUserActive(db, second, second.id, false)).rejects.toMatchObject({ code: "conflict" });
  });

  it("is for admins only", async () => {
    const db = await getDb();
    const lead = await makeUser("lead");
    await expect(listUsers(db, lead)).rejects.toMatchObject({ code: "forbidden" });
    await expect(createUser(db, lead, { name: "X", email: "x@example.test", role: "admin", password: "long enough" })).rejects.toMatchObject({ code: "forbidden" });
  });
});

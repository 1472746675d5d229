import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { profiles } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { insertProfiles } from "@/lib/profiles/queries";
import { createDatabase, getDatabase, listAssignableAccessGroups, listDatabases } from "./queries";
import { actingUser, admin, makeDatabase, makeGroup, uniqueName } from "./test-fixtures";

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("creating a profile database", () => {
  it("stores the fields in the order given, with labels defaulting to the key", async () => {
    const db = await getDb();
    const name = uniqueName("Shop");
    const created = await createDatabase(db, actingUser("marketer"), {
      name: `  ${name}  `,
      fields: [
        { key: "zip", type: "string", label: "ZIP code" },
        { key: "orders", type: "number" },
        { key: "signed_up", type: "date", label: "" },
      ],
    });
    expect(created.name).toBe(name);
    expect(created.fields).toEqual([
      { key: "zip", type: "string", label: "ZIP code" },
      { key: "orders", type: "number", label: "orders" },
      { key: "signed_up", type: "date", label: "signed_up" },
    ]);
    expect(created.profileCount).toBe(0);
    expect(created.accessGroups).toEqual([]);
  });

  it("refuses a taken name, ignoring case, as a conflict", async () => {
    const db = await getDb();
    const name = uniqueName("Taken");
    await createDatabase(db, admin, { name });
    const error = await failure(createDatabase(db, admin, { name: name.toUpperCase() }));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("already exists");
    expect(error.issues[0].path).toBe("name");
  });

  it("refuses bad field keys, system names and duplicates, each with its path", async () => {
    const db = await getDb();
    const error = await failure(
      createDatabase(db, admin, {
        name: uniqueName("Bad keys"),
        fields: [
          { key: "City", type: "string" },
          { key: "email", type: "string" },
          { key: "email_subscription", type: "string" },
          { key: "ok_key", type: "number" },
          { key: "ok_key", type: "string" },
          { key: "x".repeat(64), type: "string" },
        ],
      }),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => i.path).sort()).toEqual(["fields[0].key", "fields[1].key", "fields[2].key", "fields[4].key", "fields[5].key"]);
  });

  it("refuses an unknown type, an empty name and more than 200 fields", async () => {
    const db = await getDb();
    const badType = await failure(createDatabase(db, admin, { name: uniqueName("T"), fields: [{ key: "a", type: "money" as "string" }] }));
    expect(badType.issues[0].path).toBe("fields[0].type");
    const noName = await failure(createDatabase(db, admin, { name: "   " }));
    expect(noName.issues[0]).toEqual({ path: "name", message: "Enter a name." });
    const many = Array.from({ length: 201 }, (_, i) => ({ key: `f${i}`, type: "string" as const }));
    const tooMany = await failure(createDatabase(db, admin, { name: uniqueName("Many"), fields: many }));
    expect(tooMany.issues[0].path).toBe("fields");
    await expect(createDatabase(db, admin, { name: uniqueName("Exactly 200"), fields: many.slice(0, 200) })).resolves.toMatchObject({
      fields: expect.arrayContaining([expect.objectContaining({ key: "f199" })]),
    });
  });

  it("lets a non-admin give only their own access groups; an admin any", async () => {
    const db = await getDb();
    const mine = await makeGroup();
    const other = await makeGroup();
    const lead = actingUser("lead", [mine.id]);
    expect((await listAssignableAccessGroups(db, lead)).map((g) => g.id)).toEqual([mine.id]);
    expect((await listAssignableAccessGroups(db, admin)).map((g) => g.id)).toEqual(expect.arrayContaining([mine.id, other.id]));

    const ok = await createDatabase(db, lead, { name: uniqueName("Lead's"), accessGroupIds: [mine.id] });
    expect(ok.accessGroups).toEqual([{ id: mine.id, name: mine.name }]);
    const refused = await failure(createDatabase(db, lead, { name: uniqueName("Not theirs"), accessGroupIds: [other.id] }));
    expect(refused.code).toBe("validation_failed");
    expect(refused.issues[0].path).toBe("accessGroupIds");
    const unknown = await failure(createDatabase(db, admin, { name: uniqueName("Ghost group"), accessGroupIds: [987654] }));
    expect(unknown.issues[0].path).toBe("accessGroupIds");
  });
});

describe("seeing profile databases", () => {
  it("hides a database with groups from a marketer outside them, and answers 404 for it", async () => {
    const db = await getDb();
    const team = await makeGroup();
    const restricted = await makeDatabase({ accessGroupIds: [team.id] });
    const open = await makeDatabase();
    const insider = actingUser("marketer", [team.id]);
    const outsider = actingUser("marketer");

    const outsiderSees = (await listDatabases(db, outsider)).map((d) => d.id);
    expect(outsiderSees).toContain(open.id);
    expect(outsiderSees).not.toContain(restricted.id);
    expect((await listDatabases(db, insider)).map((d) => d.id)).toEqual(expect.arrayContaining([open.id, restricted.id]));
    expect((await listDatabases(db, admin)).map((d) => d.id)).toEqual(expect.arrayContaining([open.id, restricted.id]));

    const error = await failure(getDatabase(db, outsider, restricted.id));
    expect(error.code).toBe("not_found");
    expect(error.status).toBe(404);
    await expect(getDatabase(db, insider, restricted.id)).resolves.toMatchObject({ id: restricted.id });
  });

  it("answers 404 for a missing database and for ids that cannot exist", async () => {
    const db = await getDb();
    for (const id of [2_000_000_000, 0, -1, Number.NaN, 1e20]) {
      expect((await failure(getDatabase(db, admin, id))).code).toBe("not_found");
    }
  });

  it("counts each database's profiles in the list", async () => {
    const db = await getDb();
    const a = await makeDatabase();
    const b = await makeDatabase();
    await insertProfiles(db, admin, a.id, [{ email: "a1@example.com" }, { email: "a2@example.com" }, {}]);
    await insertProfiles(db, admin, b.id, [{ first_name: "Bo" }]);
    const listed = new Map((await listDatabases(db, admin)).map((d) => [d.id, d]));
    expect(listed.get(a.id)?.profileCount).toBe(3);
    expect(listed.get(b.id)?.profileCount).toBe(1);
    expect(listed.get(a.id)?.fields.map((f) => f.key)).toEqual(["city", "loyalty_points", "birthday", "vip"]);
    expect((await getDatabase(db, admin, a.id)).profileCount).toBe(3);
    // The size is kept with the rows (migration 0018), deletions included.
    await db.delete(profiles).where(and(eq(profiles.databaseId, a.id), eq(profiles.email, "a1@example.com")));
    expect((await getDatabase(db, admin, a.id)).profileCount).toBe(2);
    expect((await listDatabases(db, admin)).find((d) => d.id === b.id)?.profileCount).toBe(1);
  });
});

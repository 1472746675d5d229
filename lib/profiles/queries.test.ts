import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { profiles } from "@/db/schema";
import { actingUser, admin, makeDatabase, makeGroup } from "@/lib/databases/test-fixtures";
import { AppError } from "@/lib/errors";
import { insertProfiles, listProfiles } from "./queries";

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

const countIn = async (databaseId: number) => (await (await getDb()).select().from(profiles).where(eq(profiles.databaseId, databaseId))).length;

describe("inserting profiles", () => {
  it("answers the new ids in input order and stores the SPEC §5 shape", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const { ids } = await insertProfiles(db, admin, database.id, [
      { email: "first@example.com", fields: { city: "Berlin", loyalty_points: 3, birthday: "2000-01-02", vip: true } },
      { email: "second@example.com", subscriptions: { email: "subscribed", sms: "unsubscribed" }, created_at: "2024-05-01" },
      { first_name: "Third", last_name: "Person", phone: "+1 555 0100" },
    ]);
    expect(ids).toHaveLength(3);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const page = await listProfiles(db, admin, database.id);
    expect(page.profiles.map((p) => p.id)).toEqual(ids);
    const [first, second, third] = page.profiles;
    expect(first).toMatchObject({
      email: "first@example.com",
      fields: { city: "Berlin", loyalty_points: 3, birthday: "2000-01-02", vip: true },
      subscriptions: { email: null, sms: null, push: null },
    });
    expect(second).toMatchObject({ created_at: "2024-05-01T00:00:00.000Z", subscriptions: { email: "subscribed", sms: "unsubscribed", push: null } });
    expect(third).toMatchObject({ email: null, first_name: "Third", last_name: "Person", phone: "+1 555 0100", fields: {} });
    expect(Object.keys(third).sort()).toEqual(["created_at", "email", "fields", "first_name", "id", "last_name", "phone", "subscriptions", "updated_at"]);
  });

  it("inserts nothing when one profile of many is invalid", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const inputs = Array.from({ length: 2500 }, (_, i) => ({ email: `p${i}@example.com`, fields: { loyalty_points: i } }));
    inputs[2400] = { email: "bad@example.com", fields: { loyalty_points: "many" as unknown as number } };
    const error = await failure(insertProfiles(db, admin, database.id, inputs));
    expect(error.code).toBe("validation_failed");
    expect(error.issues).toEqual([{ path: "profiles[2400].fields.loyalty_points", message: "Expected a number." }]);
    expect(await countIn(database.id)).toBe(0);
  });

  it("inserts several batches in one call", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const inputs = Array.from({ length: 2500 }, (_, i) => ({ email: `p${i}@example.com` }));
    const { ids } = await insertProfiles(db, admin, database.id, inputs);
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(await countIn(database.id)).toBe(2500);
    const [{ email }] = await db.select({ email: profiles.email }).from(profiles).where(eq(profiles.id, ids[1234]));
    expect(email).toBe("p1234@example.com");
  });

  it("refuses more than 10,000 profiles and a body that is not a list", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const tooMany = await failure(insertProfiles(db, admin, database.id, Array.from({ length: 10_001 }, () => ({}))));
    expect(tooMany.issues[0].path).toBe("profiles");
    expect((await failure(insertProfiles(db, admin, database.id, { email: "x@example.com" }))).code).toBe("validation_failed");
  });

  it("answers not_found for a database the user may not see", async () => {
    const db = await getDb();
    const team = await makeGroup();
    const database = await makeDatabase({ accessGroupIds: [team.id] });
    const outsider = actingUser("marketer");
    expect((await failure(insertProfiles(db, outsider, database.id, [{}]))).code).toBe("not_found");
    expect((await failure(listProfiles(db, outsider, database.id))).code).toBe("not_found");
    await expect(insertProfiles(db, actingUser("marketer", [team.id]), database.id, [{}])).resolves.toMatchObject({ ids: [expect.any(Number)] });
  });
});

describe("listing profiles", () => {
  it("pages forward and back by id", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const { ids } = await insertProfiles(db, admin, database.id, Array.from({ length: 12 }, (_, i) => ({ email: `page${i}@example.com` })));

    const first = await listProfiles(db, admin, database.id, { pageSize: 5 });
    expect(first.profiles.map((p) => p.id)).toEqual(ids.slice(0, 5));
    expect(first.prevBefore).toBeNull();
    expect(first.nextAfter).toBe(ids[4]);

    const second = await listProfiles(db, admin, database.id, { pageSize: 5, after: first.nextAfter });
    expect(second.profiles.map((p) => p.id)).toEqual(ids.slice(5, 10));
    expect(second.prevBefore).toBe(ids[5]);

    const last = await listProfiles(db, admin, database.id, { pageSize: 5, after: second.nextAfter });
    expect(last.profiles.map((p) => p.id)).toEqual(ids.slice(10));
    expect(last.nextAfter).toBeNull();

    const back = await listProfiles(db, admin, database.id, { pageSize: 5, before: last.prevBefore });
    expect(back.profiles.map((p) => p.id)).toEqual(ids.slice(5, 10));
    expect(back.nextAfter).toBe(ids[9]);
    const backToStart = await listProfiles(db, admin, database.id, { pageSize: 5, before: back.prevBefore });
    expect(backToStart.profiles.map((p) => p.id)).toEqual(ids.slice(0, 5));
    expect(backToStart.prevBefore).toBeNull();
  });

  it("searches by email, case-insensitively, by beginning or whole address", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    await insertProfiles(db, admin, database.id, [
      { email: "Anna.Smith@Example.com" },
      { email: "bob@example.com" },
      { email: "anna@other.org" },
      { email: "an_na@example.com" },
      {},
    ]);
    const start = await listProfiles(db, admin, database.id, { q: "ANNA" });
    expect(start.profiles.map((p) => p.email)).toEqual(["Anna.Smith@Example.com", "anna@other.org"]);
    const whole = await listProfiles(db, admin, database.id, { q: " anna.smith@example.com " });
    expect(whole.profiles.map((p) => p.email)).toEqual(["Anna.Smith@Example.com"]);
    // LIKE wildcards in the text are plain characters.
    expect((await listProfiles(db, admin, database.id, { q: "an_" })).profiles.map((p) => p.email)).toEqual(["an_na@example.com"]);
    expect((await listProfiles(db, admin, database.id, { q: "%" })).profiles).toEqual([]);
    expect((await listProfiles(db, admin, database.id, { q: "smith" })).profiles).toEqual([]);
  });

  it("shows only the profiles of the database asked for", async () => {
    const db = await getDb();
    const a = await makeDatabase();
    const b = await makeDatabase();
    await insertProfiles(db, admin, a.id, [{ email: "in-a@example.com" }]);
    await insertProfiles(db, admin, b.id, [{ email: "in-b@example.com" }]);
    expect((await listProfiles(db, admin, a.id)).profiles.map((p) => p.email)).toEqual(["in-a@example.com"]);
  });
});

import { asc, eq } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { profileChanges, profiles } from "@/db/schema";
import { addProfiles } from "@/lib/segments/testing/fixtures";
import { copyToDatabase } from "./copy-to-database";
import { actionLog, isPostgres, makeWorld, profileCount, rejection, type World } from "./testing";

async function profilesOf(w: World, databaseId: number) {
  return w.db
    .select({
      id: profiles.id,
      email: profiles.email,
      firstName: profiles.firstName,
      phone: profiles.phone,
      fields: profiles.fields,
      emailSubscription: profiles.emailSubscription,
      smsSubscription: profiles.smsSubscription,
    })
    .from(profiles)
    .where(eq(profiles.databaseId, databaseId))
    .orderBy(asc(profiles.id));
}

describe("Copy profiles to profile database", () => {
  it("makes new profiles with system fields, the custom fields both databases declare alike, and subscriptions", async () => {
    const w = await makeWorld();
    const outcome = await copyToDatabase(w.db, w.marketer, { source: { segmentId: w.berliners.id }, targetDatabaseId: w.other.id, onExistingEmail: "skip" });
    const copies = await profilesOf(w, w.other.id);
    // Dora@Example.com and dora@example.com are one email: the first (lowest id) is copied.
    expect(copies.map((c) => c.email)).toEqual(["anna@example.com", "ben@example.com", "Dora@Example.com"]);
    expect(copies.every((c) => !w.ids.includes(c.id))).toBe(true);
    // city and vip are shared; age is a number there and text here; joined and note are not declared there.
    expect(copies.map((c) => c.fields)).toEqual([{ city: "Berlin", vip: true }, { city: "Berlin", vip: false }, { city: "Berlin" }]);
    expect(copies[0]).toMatchObject({ firstName: "Anna", emailSubscription: "subscribed" });
    expect(copies[2].smsSubscription).toBe("unsubscribed");
    expect(outcome).toMatchObject({ count: 4, inserted: 3, updated: 0, duplicateEmailsInSelection: 1, copiedFields: "city, vip" });
    expect(outcome.summary).toBe("Copied 4 profiles to profile database “" + w.other.name + "” (3 new, 1 skipped)");
    expect((await actionLog(w.berliners.id))[0]).toMatchObject({ kind: "action", count: 4 });
  });

  it("skips a profile whose email is already in the target (ignoring case)", async () => {
    const w = await makeWorld();
    await addProfiles(w.db, w.other.id, [{ email: "ANNA@example.com", firstName: "Old Anna", fields: { tier: "gold" } }]);
    const outcome = await copyToDatabase(w.db, w.marketer, { source: { rule: w.rule }, targetDatabaseId: w.other.id, onExistingEmail: "skip" });
    expect(outcome).toMatchObject({ inserted: 2, matchedByEmail: 1, updated: 0 });
    const copies = await profilesOf(w, w.other.id);
    expect(copies).toHaveLength(3);
    expect(copies[0]).toMatchObject({ firstName: "Old Anna", fields: { tier: "gold" } });
    expect(await w.db.select().from(profileChanges).where(eq(profileChanges.databaseId, w.other.id))).toEqual([]);
  });

  it("updates a profile whose email is already in the target, keeping its own values where the source has none, with history", async () => {
    const w = await makeWorld();
    const [existing] = await addProfiles(w.db, w.other.id, [{ email: "anna@EXAMPLE.com", firstName: "Old Anna", phone: "+1 555", fields: { tier: "gold", city: "Paris" } }]);
    const outcome = await copyToDatabase(w.db, w.marketer, { source: { rule: w.rule }, targetDatabaseId: w.other.id, onExistingEmail: "update" });
    expect(outcome).toMatchObject({ inserted: 2, updated: 1 });
    const [anna] = await profilesOf(w, w.other.id);
    expect(anna).toMatchObject({ id: existing, firstName: "Anna", phone: "+1 555", fields: { tier: "gold", city: "Berlin", vip: true }, emailSubscription: "subscribed" });
    const changes = await w.db
      .select({ field: profileChanges.field, oldValue: profileChanges.oldValue, newValue: profileChanges.newValue, source: profileChanges.source })
      .from(profileChanges)
      .where(eq(profileChanges.profileId, existing))
      .orderBy(asc(profileChanges.field));
    expect(changes).toEqual([
      { field: "city", oldValue: "Paris", newValue: "Berlin", source: "copy_to_database" },
      { field: "email_subscription", oldValue: null, newValue: "subscribed", source: "copy_to_database" },
      { field: "first_name", oldValue: "Old Anna", newValue: "Anna", source: "copy_to_database" },
      { field: "vip", oldValue: null, newValue: true, source: "copy_to_database" },
    ]);
    // running it again changes nothing more
    const again = await copyToDatabase(w.db, w.marketer, { source: { rule: { ...w.rule, limit: 1 } }, targetDatabaseId: w.other.id, onExistingEmail: "update" });
    expect(again).toMatchObject({ inserted: 0, updated: 0, historyRows: 0 });
  });

  it("two copies into the same database never deadlock and never copy a profile twice", async () => {
    const w = await makeWorld();
    const params = { source: { rule: w.rule }, targetDatabaseId: w.other.id, onExistingEmail: "update" };
    if (isPostgres()) {
      const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await other.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(7301, hashtext(${`profiles:${w.other.id}`}))`;
          expect((await rejection(copyToDatabase(w.db, w.marketer, params))).message).toContain("already changing");
        });
      } finally {
        await other.end();
      }
    }
    const results = await Promise.allSettled([copyToDatabase(w.db, w.marketer, params), copyToDatabase(w.db, w.admin, params)]);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    for (const r of results) if (r.status === "rejected") expect((r.reason as Error).message).toContain("already changing");
    expect(await profileCount(w.other.id)).toBe(3);
  });

  it("answers 404 for a target database the user may not see, refuses the source itself, and copies nothing", async () => {
    const w = await makeWorld();
    const hidden = await rejection(copyToDatabase(w.db, w.outsider, { source: { rule: w.rule }, targetDatabaseId: w.hidden.id, onExistingEmail: "skip" }));
    expect(hidden.code).toBe("not_found");
    expect(hidden.issues[0].path).toBe("targetDatabaseId");
    const self = await rejection(copyToDatabase(w.db, w.marketer, { source: { rule: w.rule }, targetDatabaseId: w.source.id, onExistingEmail: "skip" }));
    expect(self.code).toBe("validation_failed");
    const mode = await rejection(copyToDatabase(w.db, w.marketer, { source: { rule: w.rule }, targetDatabaseId: w.other.id, onExistingEmail: "merge" }));
    expect(mode.issues[0].path).toBe("onExistingEmail");
    expect(await profileCount(w.hidden.id)).toBe(0);
    expect(await profileCount(w.other.id)).toBe(0);
    // a member of the hidden database's group may copy into it
    await copyToDatabase(w.db, w.marketer, { source: { rule: w.rule }, targetDatabaseId: w.hidden.id, onExistingEmail: "skip" });
    expect(await profileCount(w.hidden.id)).toBe(3);
  });
});

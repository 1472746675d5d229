import { asc, eq, inArray } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { profileChanges, profiles } from "@/db/schema";
import { applyBulkEdit, bulkEditSchema, previewBulkEdit } from "./bulk-edit";
import { actionLog, isPostgres, makeWorld, rejection, type World } from "./testing";

async function rows(w: World, ids: number[]) {
  return w.db
    .select({ id: profiles.id, fields: profiles.fields, phone: profiles.phone, email: profiles.email, emailSubscription: profiles.emailSubscription, updatedAt: profiles.updatedAt })
    .from(profiles)
    .where(inArray(profiles.id, ids))
    .orderBy(asc(profiles.id));
}

async function history(w: World) {
  return w.db
    .select({ profileId: profileChanges.profileId, field: profileChanges.field, oldValue: profileChanges.oldValue, newValue: profileChanges.newValue, userId: profileChanges.userId, source: profileChanges.source })
    .from(profileChanges)
    .where(eq(profileChanges.databaseId, w.source.id))
    .orderBy(asc(profileChanges.profileId), asc(profileChanges.field));
}

describe("Bulk edit profiles", () => {
  it("previews how many profiles would change, leaving out those that already have the values", async () => {
    const w = await makeWorld();
    const params = { source: { segmentId: w.berliners.id }, changes: [{ kind: "field", field: "vip", op: "set", value: true }] };
    // Anna is already a VIP; Ben (false), Dora and dora (no value) would change.
    expect(await previewBulkEdit(w.db, w.marketer, bulkEditSchema.parse(params))).toEqual({ total: 4, willChange: 3 });
  });

  it("sets and clears fields and a subscription in one UPDATE, with one history row per changed value", async () => {
    const w = await makeWorld();
    const before = await rows(w, w.ids);
    const outcome = await applyBulkEdit(w.db, w.marketer, {
      source: { segmentId: w.berliners.id },
      changes: [
        { kind: "field", field: "vip", op: "set", value: true },
        { kind: "field", field: "age", op: "clear" },
        { kind: "field", field: "phone", op: "set", value: "+49 30 1234" },
        { kind: "subscription", channel: "email", status: "subscribed" },
      ],
    });
    expect(outcome).toMatchObject({ count: 4, selected: 4, unchanged: 0 });
    expect(outcome.summary).toBe("Updated 4 profiles (set vip, cleared age, set phone, email subscription → subscribed)");

    const [anna, ben, cleo, dora1, , dora2] = await rows(w, w.ids);
    expect(anna.fields).toEqual({ city: "Berlin", vip: true, joined: "2024-01-05" });
    expect(ben.fields).toEqual({ city: "Berlin", vip: true });
    expect(dora1.fields).toEqual({ city: "Berlin", note: "=SUM(A1:A2)", vip: true });
    expect([anna, ben, dora1, dora2].map((p) => [p.phone, p.emailSubscription])).toEqual(Array(4).fill(["+49 30 1234", "subscribed"]));
    // outside the selection nothing moved
    expect(cleo).toEqual(before[2]);
    expect(anna.updatedAt.getTime()).toBeGreaterThan(before[0].updatedAt.getTime());

    const log = await history(w);
    const annaLog = log.filter((h) => h.profileId === w.ids[0]);
    // Anna was already a VIP and subscribed: only age and phone changed for her.
    expect(annaLog).toEqual([
      { profileId: w.ids[0], field: "age", oldValue: 31, newValue: null, userId: w.marketer.id, source: "bulk_edit" },
      { profileId: w.ids[0], field: "phone", oldValue: null, newValue: "+49 30 1234", userId: w.marketer.id, source: "bulk_edit" },
    ]);
    expect(log.filter((h) => h.profileId === w.ids[1]).map((h) => [h.field, h.oldValue, h.newValue])).toEqual([
      ["age", 45, null],
      ["email_subscription", null, "subscribed"],
      ["phone", null, "+49 30 1234"],
      ["vip", false, true],
    ]);
    expect(outcome.historyRows).toBe(log.length);
    expect((await actionLog(w.berliners.id))[0]).toMatchObject({ kind: "action", count: 4, details: { summary: outcome.summary } });
  });

  it("stores values with quotes, backslashes and placeholders exactly as given", async () => {
    const w = await makeWorld();
    const nasty = "it's \\ $1 \\'); drop table profiles; -- ☃ E'x'";
    await applyBulkEdit(w.db, w.marketer, { source: { rule: { ...w.rule, limit: 1 } }, changes: [{ kind: "field", field: "note", op: "set", value: nasty }] });
    const [anna] = await rows(w, [w.ids[0]]);
    expect(anna.fields.note).toBe(nasty);
    expect((await history(w))[0]).toMatchObject({ field: "note", oldValue: null, newValue: nasty });
  });

  it("fails whole when a profile changes under it: no history, no update, a message to run it again", async () => {
    const w = await makeWorld();
    const params = { source: { segmentId: w.berliners.id }, changes: [{ kind: "field", field: "note", op: "set", value: "edited" }] };
    const before = await rows(w, w.ids);
    // Any failure between the history and the UPDATE rolls the history back.
    await expect(applyBulkEdit(w.db, w.marketer, params, { beforeUpdate: async () => Promise.reject(new Error("connection lost")) })).rejects.toThrow("connection lost");
    if (isPostgres()) {
      // Someone else changes a selected profile after the bulk edit read it: the UPDATE cannot apply to a snapshot that is gone.
      const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        const raced = await rejection(
          applyBulkEdit(w.db, w.marketer, params, {
            beforeUpdate: async () => {
              await other`update profiles set phone = '+49 1' where id = ${w.ids[0]}`;
            },
          }),
        );
        expect(raced.code).toBe("conflict");
        expect(raced.message).toBe("The profiles changed while this action ran, so nothing was changed. Try again.");
        await other`update profiles set phone = ${before[0].phone} where id = ${w.ids[0]}`;
      } finally {
        await other.end();
      }
    }
    expect(await history(w)).toEqual([]);
    expect((await rows(w, w.ids)).map((r) => r.fields)).toEqual(before.map((r) => r.fields));
    expect(await actionLog(w.berliners.id)).toEqual([]);
    // and the same edit then runs
    expect((await applyBulkEdit(w.db, w.marketer, params)).historyRows).toBeGreaterThan(0);
  });

  it("leaves profiles that already have the values untouched and unlogged", async () => {
    const w = await makeWorld();
    const params = { source: { rule: w.rule }, changes: [{ kind: "field", field: "city", op: "set", value: "Berlin" }] };
    const before = await rows(w, w.ids);
    const outcome = await applyBulkEdit(w.db, w.marketer, params);
    expect(outcome).toMatchObject({ count: 0, selected: 4, unchanged: 4, historyRows: 0 });
    expect(await rows(w, w.ids)).toEqual(before);
  });

  it("refuses a wrong value type, an unknown field and the app's own fields, and changes nothing", async () => {
    const w = await makeWorld();
    const before = await rows(w, w.ids);
    const apply = (changes: unknown[]) => rejection(applyBulkEdit(w.db, w.marketer, { source: { rule: w.rule }, changes }));

    const wrongType = await apply([{ kind: "field", field: "age", op: "set", value: "forty" }]);
    expect(wrongType.code).toBe("validation_failed");
    expect(wrongType.issues).toEqual([{ path: "changes[0].value", message: "age: Expected a number." }]);

    const unknown = await apply([{ kind: "field", field: "shoe_size", op: "set", value: 42 }]);
    expect(unknown.issues[0]).toEqual({ path: "changes[0].field", message: "Unknown field “shoe_size”: the profile database has no such field." });

    expect((await apply([{ kind: "field", field: "created_at", op: "set", value: "2020-01-01" }])).issues[0].path).toBe("changes[0].field");
    expect((await apply([{ kind: "field", field: "email", op: "set", value: "not an email" }])).issues[0].message).toBe("Expected an email address.");
    expect((await apply([{ kind: "field", field: "joined", op: "set", value: "2026-02-30" }])).issues[0].path).toBe("changes[0].value");
    expect((await apply([{ kind: "subscription", channel: "fax", status: "subscribed" }])).issues[0].path).toBe("changes[0].channel");
    expect((await apply([])).issues[0].path).toBe("changes");
    expect(
      (await apply([
        { kind: "field", field: "vip", op: "set", value: true },
        { kind: "field", field: "vip", op: "clear" },
      ])).issues[0].path,
    ).toBe("changes[1].field");

    expect(await rows(w, w.ids)).toEqual(before);
    expect(await history(w)).toEqual([]);
  });

  it("refuses an empty selection, and a source the user may not see", async () => {
    const w = await makeWorld();
    const change = [{ kind: "field", field: "vip", op: "set", value: true }];
    const nobody = { databaseId: w.source.id, conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Paris" }] }] } };
    expect((await rejection(applyBulkEdit(w.db, w.marketer, { source: { rule: nobody }, changes: change }))).message).toMatch(/selection is empty/);
    expect((await rejection(applyBulkEdit(w.db, w.outsider, { source: { rule: { databaseId: w.hidden.id } }, changes: change }))).code).toBe("not_found");
  });

  it("a second edit of the same database while one runs is told it is already running; nothing is half-done", async () => {
    const w = await makeWorld();
    const params = { source: { rule: w.rule }, changes: [{ kind: "field", field: "note", op: "set", value: "x" }] };
    if (isPostgres()) {
      const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await other.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(7301, hashtext(${`profiles:${w.source.id}`}))`;
          expect((await rejection(applyBulkEdit(w.db, w.marketer, params))).message).toContain("already changing");
        });
      } finally {
        await other.end();
      }
      expect(await history(w)).toEqual([]);
    }
    const results = await Promise.allSettled([
      applyBulkEdit(w.db, w.marketer, params),
      applyBulkEdit(w.db, w.admin, { ...params, changes: [{ kind: "field", field: "note", op: "set", value: "y" }] }),
    ]);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    // The loser is told it is already running — or, when the winner committed between the loser's
    // snapshot (repeatable read, taken by its first statement) and its try-lock, that the profiles
    // changed while it ran (a serialization failure). Either way nothing of it was written.
    for (const r of results) if (r.status === "rejected") expect((r.reason as Error).message).toMatch(/already changing|The profiles changed while this action ran, so nothing was changed/);
    // Whatever ran, ran whole: every Berliner has one of the two notes and a history row per edit that ran.
    const notes = (await rows(w, [w.ids[0], w.ids[1], w.ids[3], w.ids[5]])).map((p) => p.fields.note);
    expect(new Set(notes).size).toBe(1);
    const ran = results.filter((r) => r.status === "fulfilled").length;
    expect((await history(w)).length).toBe(4 * ran);
  });
});

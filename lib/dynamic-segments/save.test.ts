import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { dynamicSegmentAccessGroups, dynamicSegments, profiles, segmentUpdateLog } from "@/db/schema";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import type { ActingUser } from "@/lib/access/acting-user";
import { createSegment, segmentConditions, updateSegment } from "./save";

let marketer: ActingUser, otherTeam: ActingUser, admin: ActingUser;
let groupA: number, groupB: number, databaseId: number;

const cityIs = (city: string) => ({
  logic: "and",
  groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: city }] }],
});

beforeAll(async () => {
  groupA = (await makeGroup()).id;
  groupB = (await makeGroup()).id;
  marketer = await makeUser("marketer", [{ id: groupA }]);
  otherTeam = await makeUser("marketer", [{ id: groupB }]);
  admin = await makeUser("admin");
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }] })).id;
  const db = await getDb();
  await db.insert(profiles).values([
    { databaseId, fields: { city: "Berlin" } },
    { databaseId, fields: { city: "Berlin" } },
    { databaseId, fields: { city: "Paris" } },
  ]);
});

describe("segment names (unique per database among live segments, trimmed, case-insensitive)", () => {
  it("refuses a second live segment with the same name, trimmed and in any case, with a conflict on name", async () => {
    const db = await getDb();
    await createSegment(db, marketer, { name: "Berlin VIPs", databaseId });
    const twin = createSegment(db, marketer, { name: "  berlin vips ", databaseId });
    await expect(twin).rejects.toMatchObject({ code: "conflict", issues: [{ path: "name" }] });
    const other = await createSegment(db, marketer, { name: "Hamburg VIPs", databaseId });
    await expect(updateSegment(db, marketer, other.id, { name: "BERLIN VIPS" })).rejects.toMatchObject({ code: "conflict" });
    // Renaming a segment to its own name in another case is fine.
    await updateSegment(db, marketer, other.id, { name: "HAMBURG vips" });
  });

  it("lets the name be used again in another database and once the first segment is in the bin", async () => {
    const db = await getDb();
    const otherDb = (await makeDatabase()).id;
    const first = await createSegment(db, marketer, { name: "Reused name", databaseId });
    await createSegment(db, marketer, { name: "Reused name", databaseId: otherDb });
    await db.update(dynamicSegments).set({ deletedAt: new Date() }).where(eq(dynamicSegments.id, first.id));
    await createSegment(db, marketer, { name: "Reused name", databaseId });
  });

  it("the database itself refuses a duplicate live name (the unique index)", async () => {
    const db = await getDb();
    await db.insert(dynamicSegments).values({ name: "Indexed name", databaseId });
    await expect(db.insert(dynamicSegments).values({ name: " INDEXED name", databaseId })).rejects.toThrow();
    await db.insert(dynamicSegments).values({ name: "Indexed name", databaseId, deletedAt: new Date() });
  });
});

describe("saving a segment", () => {
  it("saves, calculates the first count and records both in the update log", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "Berliners", databaseId, conditions: cityIs("Berlin"), tags: ["city", "city"] });
    expect(saved.count).toBe(2);
    const [row] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, saved.id));
    expect(row).toMatchObject({ name: "Berliners", lastCount: 2, tags: ["city"], createdBy: marketer.id });
    const log = await db.select().from(segmentUpdateLog).where(eq(segmentUpdateLog.segmentId, saved.id)).orderBy(segmentUpdateLog.id);
    expect(log.map((l) => [l.kind, l.count, l.userId])).toEqual([
      ["created", null, marketer.id],
      ["calculated", 2, marketer.id],
    ]);
  });

  it("with no conditions selects every profile of the database inside the range", async () => {
    const saved = await createSegment(await getDb(), marketer, { name: "Everyone", databaseId });
    expect(saved.count).toBe(3);
  });

  it("rejects bad input with paths and writes nothing", async () => {
    const db = await getDb();
    const before = (await db.select().from(dynamicSegments)).length;
    await expect(createSegment(db, marketer, { name: "", databaseId, range: { from: 50, to: 10 } })).rejects.toMatchObject({
      code: "validation_failed",
      issues: expect.arrayContaining([expect.objectContaining({ path: "name" }), expect.objectContaining({ path: "range.to" })]),
    });
    await expect(createSegment(db, marketer, { name: "Unknown field", databaseId, conditions: cityIs("x").groups && { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "shoe_size", op: "eq", value: "x" }] }] } })).rejects.toMatchObject({
      code: "validation_failed",
      issues: [expect.objectContaining({ path: "conditions.groups[0].conditions[0].field" })],
    });
    expect((await db.select().from(dynamicSegments)).length).toBe(before);
  });

  it("refuses access groups the user does not belong to", async () => {
    await expect(createSegment(await getDb(), marketer, { name: "Sneaky", databaseId, accessGroupIds: [groupB] })).rejects.toMatchObject({
      code: "validation_failed",
      issues: [expect.objectContaining({ path: "accessGroupIds" })],
    });
  });

  it("a database the user cannot see is not found", async () => {
    const hidden = await makeDatabase({ groupIds: [groupB] });
    await expect(createSegment(await getDb(), marketer, { name: "Hidden", databaseId: hidden.id })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("changing a segment", () => {
  it("keeps the source fixed", async () => {
    const db = await getDb();
    const other = await makeDatabase();
    const saved = await createSegment(db, marketer, { name: "Fixed source", databaseId });
    await expect(updateSegment(db, marketer, saved.id, { name: "Fixed source", databaseId: other.id })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: "databaseId" })],
    });
  });

  it("logs what changed, recalculates, and keeps access groups the editor cannot assign", async () => {
    const db = await getDb();
    const saved = await createSegment(db, admin, { name: "Shared", databaseId, accessGroupIds: [groupA, groupB] });
    const result = await updateSegment(db, marketer, saved.id, { name: "Shared Paris", conditions: cityIs("Paris"), accessGroupIds: [groupA] });
    expect(result.count).toBe(1);
    const groups = await db.select().from(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, saved.id));
    expect(groups.map((g) => g.groupId).sort()).toEqual([groupA, groupB].sort());
    const [updated] = await db.select().from(segmentUpdateLog).where(eq(segmentUpdateLog.segmentId, saved.id)).orderBy(segmentUpdateLog.id).offset(2);
    expect(updated).toMatchObject({ kind: "updated", details: { changed: ["name", "conditions"] } });
  });

  it("refuses a change that would take away the editor's own access", async () => {
    const db = await getDb();
    const saved = await createSegment(db, admin, { name: "Mine and theirs", databaseId, accessGroupIds: [groupA, groupB] });
    await expect(updateSegment(db, marketer, saved.id, { name: "Mine and theirs", accessGroupIds: [] })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: "accessGroupIds" })],
    });
    const groups = await db.select().from(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, saved.id));
    expect(groups).toHaveLength(2);
  });

  it("a segment that refers to itself through another is a cycle", async () => {
    const db = await getDb();
    const a = await createSegment(db, admin, { name: "A", databaseId });
    const b = await createSegment(db, admin, {
      name: "B",
      databaseId,
      conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: a.id, member: true }] }] },
    });
    await expect(
      updateSegment(db, admin, a.id, {
        name: "A",
        conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: b.id, member: true }] }] },
      }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("import conditions reads another visible segment and hides invisible ones", async () => {
    const db = await getDb();
    const source = await makeSegment({ databaseId, conditions: cityIs("Berlin"), groupIds: [groupA] });
    const { script } = await segmentConditions(db, marketer, source.id);
    expect(script.groups[0].conditions[0]).toMatchObject({ field: "city", value: "Berlin" });
    await expect(segmentConditions(db, otherTeam, source.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

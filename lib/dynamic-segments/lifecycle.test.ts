import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { dynamicSegmentAccessGroups, dynamicSegments, mailings, segmentUpdateLog } from "@/db/schema";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import type { ActingUser } from "@/lib/access/acting-user";
import { cloneSegment, deleteSegmentPermanently, dependentObjects, moveSegmentToBin, restoreSegment } from "./lifecycle";
import { listBinnedSegments, listSegments, listSegmentTags } from "./list";

let admin: ActingUser, lead: ActingUser, insider: ActingUser, outsider: ActingUser;
let groupId: number, databaseId: number;

beforeAll(async () => {
  const group = await makeGroup();
  groupId = group.id;
  admin = await makeUser("admin");
  lead = await makeUser("lead", [{ id: group.id, lead: true }]);
  insider = await makeUser("marketer", [{ id: group.id }]);
  outsider = await makeUser("marketer");
  databaseId = (await makeDatabase()).id;
});

describe("segment list", () => {
  it("shows a segment with access groups only to members and admins", async () => {
    const seg = await makeSegment({ databaseId, name: "Group only list check", groupIds: [groupId] });
    const names = async (u: ActingUser) => (await listSegments(await getDb(), u, { q: "Group only list check" })).rows.map((r) => r.id);
    expect(await names(insider)).toEqual([seg.id]);
    expect(await names(admin)).toEqual([seg.id]);
    expect(await names(outsider)).toEqual([]);
  });

  it("hides segments of a database the user cannot see", async () => {
    const hiddenDb = await makeDatabase({ groupIds: [groupId] });
    await makeSegment({ databaseId: hiddenDb.id, name: "In hidden database" });
    expect((await listSegments(await getDb(), outsider, { q: "In hidden database" })).total).toBe(0);
    expect((await listSegments(await getDb(), insider, { q: "In hidden database" })).total).toBe(1);
  });

  it("filters by tag and name, treats % and _ in the search literally, and pages with a total", async () => {
    for (let i = 0; i < 5; i++) await makeSegment({ databaseId, name: `Paged_${i}`, tags: ["paging-test"] });
    const db = await getDb();
    const first = await listSegments(db, admin, { tag: "paging-test", pageSize: 2, sort: "name", dir: "asc" });
    expect(first.total).toBe(5);
    expect(first.rows.map((r) => r.name)).toEqual(["Paged_0", "Paged_1"]);
    const third = await listSegments(db, admin, { tag: "paging-test", pageSize: 2, page: 3, sort: "name", dir: "asc" });
    expect(third.rows.map((r) => r.name)).toEqual(["Paged_4"]);
    expect((await listSegments(db, admin, { q: "%" })).rows.every((r) => r.name.includes("%"))).toBe(true);
    expect(await listSegmentTags(db, admin)).toContain("paging-test");
  });
});

describe("clone, bin and restore", () => {
  it("clones conditions, range, limit, tags, access groups and database into “Copy of …”", async () => {
    const conditions = { logic: "and", groups: [] };
    const seg = await makeSegment({ databaseId, name: "Original", conditions, groupIds: [groupId], tags: ["a", "b"], rangeFrom: 10.5, rangeTo: 20, limit: 7 });
    const clone = await cloneSegment(await getDb(), insider, seg.id);
    expect(clone.name).toBe("Copy of Original");
    const db = await getDb();
    const [row] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, clone.id));
    expect(row).toMatchObject({ databaseId, conditions, tags: ["a", "b"], rangeFrom: 10.5, rangeTo: 20, limit: 7 });
    const groups = await db.select().from(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, clone.id));
    expect(groups.map((g) => g.groupId)).toEqual([groupId]);
  });

  it("names clones Copy of <name>, then Copy of <name> (2), …, and calculates each clone at once", async () => {
    const seg = await makeSegment({ databaseId, name: "Twice cloned" });
    const db = await getDb();
    const first = await cloneSegment(db, insider, seg.id);
    const second = await cloneSegment(db, insider, seg.id);
    const third = await cloneSegment(db, insider, seg.id);
    expect([first.name, second.name, third.name]).toEqual(["Copy of Twice cloned", "Copy of Twice cloned (2)", "Copy of Twice cloned (3)"]);
    const [row] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, first.id));
    expect(row.lastCount).toBe(first.count);
    expect(typeof first.count).toBe("number");
  });

  it("restoring into a name a live segment took meanwhile renames the restored one and logs it", async () => {
    const db = await getDb();
    const old = await makeSegment({ databaseId, name: "Spring list" });
    await moveSegmentToBin(db, insider, old.id);
    await makeSegment({ databaseId, name: "spring LIST " });
    const restored = await restoreSegment(db, insider, old.id);
    expect(restored).toEqual({ name: "Spring list (2)", renamedFrom: "Spring list" });
    const [row] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, old.id));
    expect(row).toMatchObject({ name: "Spring list (2)", deletedAt: null });
    const log = await db.select().from(segmentUpdateLog).where(eq(segmentUpdateLog.segmentId, old.id));
    expect(log.at(-1)).toMatchObject({ kind: "restored", details: { renamedFrom: "Spring list", name: "Spring list (2)" } });
  });

  it("an outsider cannot clone, bin or restore a segment of another group: not found, nothing changed", async () => {
    const seg = await makeSegment({ databaseId, groupIds: [groupId] });
    const db = await getDb();
    await expect(cloneSegment(db, outsider, seg.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(moveSegmentToBin(db, outsider, seg.id)).rejects.toMatchObject({ code: "not_found" });
    const [row] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, seg.id));
    expect(row.deletedAt).toBeNull();
  });

  it("a binned segment leaves the list, shows in the bin with who deleted it, and comes back intact", async () => {
    const seg = await makeSegment({ databaseId, name: "Bin round trip", tags: ["keep"] });
    const db = await getDb();
    await moveSegmentToBin(db, insider, seg.id);
    expect((await listSegments(db, insider, { q: "Bin round trip" })).total).toBe(0);
    const bin = await listBinnedSegments(db, insider);
    expect(bin.find((r) => r.id === seg.id)?.deletedBy).toBe(insider.name);
    await restoreSegment(db, insider, seg.id);
    const back = await listSegments(db, insider, { q: "Bin round trip" });
    expect(back.rows.map((r) => [r.id, r.tags])).toEqual([[seg.id, ["keep"]]]);
    const log = await db.select().from(segmentUpdateLog).where(eq(segmentUpdateLog.segmentId, seg.id));
    expect(log.map((l) => l.kind)).toEqual(["binned", "restored"]);
  });

  it("only admins and leads delete permanently, and only from the bin", async () => {
    const seg = await makeSegment({ databaseId });
    const db = await getDb();
    await expect(deleteSegmentPermanently(db, lead, seg.id)).rejects.toMatchObject({ code: "not_found" });
    await moveSegmentToBin(db, insider, seg.id);
    await expect(deleteSegmentPermanently(db, insider, seg.id)).rejects.toMatchObject({ code: "forbidden" });
    await deleteSegmentPermanently(db, lead, seg.id);
    expect(await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, seg.id))).toEqual([]);
  });

  it("refuses to delete permanently a segment another segment's conditions use", async () => {
    const used = await makeSegment({ databaseId });
    await makeSegment({
      databaseId,
      conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: used.id, member: true }] }] },
    });
    const db = await getDb();
    await moveSegmentToBin(db, admin, used.id);
    await expect(deleteSegmentPermanently(db, admin, used.id)).rejects.toMatchObject({ code: "conflict" });
  });

  it("lists the mailings that depend on a segment", async () => {
    const seg = await makeSegment({ databaseId });
    const db = await getDb();
    await db.insert(mailings).values({ name: "Spring sale", databaseId, segmentId: seg.id });
    expect(await dependentObjects(db, insider, seg.id)).toMatchObject({ mailings: [{ name: "Spring sale" }], scenarios: [] });
  });
});

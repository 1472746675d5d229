import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { dynamicSegments, jobs, profiles, segmentUpdateLog, segmentVersions } from "@/db/schema";
import { makeDatabase, makeGroup, makeUser } from "@/db/testing/fixtures";
import type { ActingUser } from "@/lib/access/acting-user";
import { createMailing } from "@/lib/mailings/queries";
import { enqueueJob } from "@/lib/jobs/queue";
import { cloneSegment, deleteSegmentPermanently, moveSegmentToBin, restoreSegment } from "./lifecycle";
import { restoreSegmentVersion } from "./restore-version";
import { createSegment, updateSegment } from "./save";
import { getSegmentVersion, listSegmentVersions } from "./versions";

let marketer: ActingUser, lead: ActingUser, outsider: ActingUser;
let groupA: number, groupB: number, databaseId: number;

const cityIs = (city: string) => ({ logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: city }] }] });

beforeAll(async () => {
  groupA = (await makeGroup("Retail team")).id;
  groupB = (await makeGroup("Marketing")).id;
  marketer = await makeUser("marketer", [{ id: groupA }, { id: groupB }]);
  lead = await makeUser("lead", [{ id: groupA, lead: true }]);
  outsider = await makeUser("marketer");
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }] })).id;
  await (await getDb()).insert(profiles).values([
    { databaseId, fields: { city: "Berlin" } },
    { databaseId, fields: { city: "Berlin" } },
    { databaseId, fields: { city: "Paris" } },
  ]);
});

async function logOf(segmentId: number) {
  const db = await getDb();
  return db.select().from(segmentUpdateLog).where(eq(segmentUpdateLog.segmentId, segmentId)).orderBy(segmentUpdateLog.id);
}

/** What the builder form sends back when nothing was touched: every field as loaded. */
async function untouched(segmentId: number) {
  const db = await getDb();
  const [s] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, segmentId));
  return { name: s.name, range: { from: s.rangeFrom, to: s.rangeTo }, conditions: s.conditions, limit: s.limit, description: s.description, tags: s.tags };
}

describe("versions are written only when the definition really changes", () => {
  it("the first save is version 1 with its author and the count at save", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Berliners", databaseId, conditions: cityIs("Berlin"), accessGroupIds: [groupA] });
    const versions = await listSegmentVersions(db, marketer, saved.id);
    expect(versions).toMatchObject([{ n: 1, createdBy: marketer.id, createdByName: marketer.name, range: { from: 0, to: 100 }, limit: null, count: 2, restoredFrom: null }]);
    expect(versions[0].conditions).toMatchObject({ groups: [{ conditions: [{ field: "city", value: "Berlin" }] }] });
  });

  it("saving untouched writes no version and no “changed” entry", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Untouched", databaseId, conditions: cityIs("Berlin"), accessGroupIds: [groupA] });
    const result = await updateSegment(db, marketer, saved.id, { ...(await untouched(saved.id)), accessGroupIds: [groupA] });
    expect(result.version).toBeNull();
    expect((await listSegmentVersions(db, marketer, saved.id)).map((v) => v.n)).toEqual([1]);
    expect((await logOf(saved.id)).map((l) => l.kind)).toEqual(["created", "calculated", "calculated"]);
  });

  it("compares conditions by meaning: key order, spelled-out defaults and null filters are the same Script", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, {
      name: "V Meaning",
      databaseId,
      conditions: { groups: [{ conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }, { kind: "event", type: "purchase" }] }] },
      accessGroupIds: [groupA],
    });
    const spelledOut = {
      logic: "or", // one group: the joining word does not matter
      groups: [
        {
          not: false,
          logic: "and",
          conditions: [
            { value: "Berlin", op: "eq", field: "city", kind: "field" },
            { kind: "event", type: "purchase", channel: null, where: [], count: { op: "gte", value: 1 }, period: null },
          ],
        },
        { logic: "or", not: true, conditions: [] }, // an empty group selects nothing away
      ],
    };
    const result = await updateSegment(db, marketer, saved.id, { name: "V Meaning", conditions: spelledOut, accessGroupIds: [groupA] });
    expect(result.version).toBeNull();
    expect((await logOf(saved.id)).filter((l) => l.kind === "updated")).toEqual([]);
  });

  it("a description-only edit logs only the description, before → after, and writes no version", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Described", databaseId, conditions: cityIs("Berlin"), description: "Old words", accessGroupIds: [groupA] });
    await updateSegment(db, marketer, saved.id, { ...(await untouched(saved.id)), description: "New words", accessGroupIds: [groupA] });
    const updated = (await logOf(saved.id)).filter((l) => l.kind === "updated");
    expect(updated.map((l) => l.details)).toEqual([{ changed: ["description"], fields: { description: { before: "Old words", after: "New words" } } }]);
    expect((await listSegmentVersions(db, marketer, saved.id)).map((v) => v.n)).toEqual([1]);
  });

  it("name, tags and access groups are logged with before → after (tags as a set, groups by name)", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Fields", databaseId, tags: ["a", "b"], accessGroupIds: [groupA] });
    await updateSegment(db, marketer, saved.id, { name: "V Fields", tags: ["b", "a"], accessGroupIds: [groupA] });
    expect((await logOf(saved.id)).filter((l) => l.kind === "updated")).toEqual([]);
    await updateSegment(db, marketer, saved.id, { name: "V Fields renamed", tags: ["a", "c"], accessGroupIds: [groupA, groupB] });
    const [entry] = (await logOf(saved.id)).filter((l) => l.kind === "updated");
    expect(entry.details).toEqual({
      changed: ["name", "tags", "access groups"],
      fields: {
        name: { before: "V Fields", after: "V Fields renamed" },
        tags: { before: ["a", "b"], after: ["a", "c"] },
        accessGroups: { before: ["Retail team"], after: ["Marketing", "Retail team"] },
      },
    });
  });

  it("a change of range, conditions or limit writes the next version and the log entry links to it", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Changing", databaseId, conditions: cityIs("Berlin"), accessGroupIds: [groupA] });
    const second = await updateSegment(db, lead, saved.id, { name: "V Changing", conditions: cityIs("Paris"), accessGroupIds: [groupA] });
    expect(second).toMatchObject({ version: 2, count: 1 });
    const third = await updateSegment(db, marketer, saved.id, { name: "V Changing", conditions: cityIs("Paris"), range: { from: 0, to: 50 }, limit: 5, accessGroupIds: [groupA] });
    expect(third.version).toBe(3);
    const versions = await listSegmentVersions(db, marketer, saved.id);
    expect(versions.map((v) => [v.n, v.createdBy, v.range.to, v.limit])).toEqual([
      [1, marketer.id, 100, null],
      [2, lead.id, 100, null],
      [3, marketer.id, 50, 5],
    ]);
    expect(versions[1].count).toBe(1);
    const updated = (await logOf(saved.id)).filter((l) => l.kind === "updated");
    expect(updated.map((l) => l.details)).toEqual([
      { changed: ["conditions"], version: 2 },
      { changed: ["range", "limit"], version: 3 },
    ]);
  });
});

describe("versions are immutable", () => {
  it("the database refuses to change or delete a version, for any role", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Immutable", databaseId, accessGroupIds: [groupA] });
    const where = and(eq(segmentVersions.segmentId, saved.id), eq(segmentVersions.n, 1));
    await expect(db.update(segmentVersions).set({ limit: 1 }).where(where)).rejects.toThrow();
    await expect(db.update(segmentVersions).set({ count: 99 }).where(where)).rejects.toThrow();
    await expect(db.delete(segmentVersions).where(where)).rejects.toThrow();
    expect(await getSegmentVersion(db, marketer, saved.id, 1)).toMatchObject({ n: 1, limit: null });
  });

  it("binning and restoring a segment keep its versions; deleting it permanently removes them with it", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Binned", databaseId, accessGroupIds: [groupA] });
    await updateSegment(db, marketer, saved.id, { name: "V Binned", limit: 1, accessGroupIds: [groupA] });
    await moveSegmentToBin(db, marketer, saved.id);
    expect((await listSegmentVersions(db, marketer, saved.id)).map((v) => v.n)).toEqual([1, 2]);
    await restoreSegment(db, marketer, saved.id);
    expect((await listSegmentVersions(db, marketer, saved.id)).map((v) => v.n)).toEqual([1, 2]);
    await moveSegmentToBin(db, marketer, saved.id);
    await deleteSegmentPermanently(db, lead, saved.id);
    const [left] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from segment_versions where segment_id = ${saved.id}`);
    expect(left.n).toBe(0);
  });

  it("reading versions of an invisible or absent segment, or an absent version, is not found", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Hidden", databaseId, accessGroupIds: [groupA] });
    await expect(listSegmentVersions(db, outsider, saved.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getSegmentVersion(db, outsider, saved.id, 1)).rejects.toMatchObject({ code: "not_found" });
    await expect(getSegmentVersion(db, marketer, saved.id, 2)).rejects.toMatchObject({ code: "not_found" });
    await expect(listSegmentVersions(db, marketer, 2_000_000_000)).rejects.toMatchObject({ code: "not_found" });
  });

  it("a clone starts at its own version 1", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Original", databaseId, conditions: cityIs("Paris"), accessGroupIds: [groupA] });
    await updateSegment(db, marketer, saved.id, { name: "V Original", conditions: cityIs("Berlin"), accessGroupIds: [groupA] });
    const clone = await cloneSegment(db, marketer, saved.id);
    const versions = await listSegmentVersions(db, marketer, clone.id);
    expect(versions.map((v) => [v.n, v.createdBy])).toEqual([[1, marketer.id]]);
    expect(versions[0].conditions).toMatchObject({ groups: [{ conditions: [{ value: "Berlin" }] }] });
  });
});

describe("restore this version", () => {
  it("saves the old definition as a new version (v3 equals v1) and keeps name, tags and access", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Restore", databaseId, conditions: cityIs("Berlin"), tags: ["t"], accessGroupIds: [groupA] });
    await updateSegment(db, marketer, saved.id, { name: "V Restore", conditions: cityIs("Paris"), range: { from: 0, to: 50 }, tags: ["t"], accessGroupIds: [groupA] });
    const restored = await restoreSegmentVersion(db, marketer, saved.id, 1);
    expect(restored).toMatchObject({ version: 3, count: 2 });
    const [v1, , v3] = await listSegmentVersions(db, marketer, saved.id);
    expect({ range: v3.range, conditions: v3.conditions, limit: v3.limit }).toEqual({ range: v1.range, conditions: v1.conditions, limit: v1.limit });
    expect(v3.restoredFrom).toBe(1);
    const [row] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, saved.id));
    expect(row).toMatchObject({ name: "V Restore", tags: ["t"], rangeTo: 100, lastCount: 2 });
    const last = (await logOf(saved.id)).filter((l) => l.kind === "updated").at(-1);
    expect(last?.details).toEqual({ changed: ["range", "conditions"], version: 3, restoredFrom: 1 });
  });

  it("restoring the definition the segment already has writes nothing new", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Same", databaseId, accessGroupIds: [groupA] });
    expect((await restoreSegmentVersion(db, marketer, saved.id, 1)).version).toBeNull();
    expect((await listSegmentVersions(db, marketer, saved.id)).map((v) => v.n)).toEqual([1]);
  });

  it("an invisible segment cannot be restored", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Not yours", databaseId, accessGroupIds: [groupA] });
    await expect(restoreSegmentVersion(db, outsider, saved.id, 1)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("mailings and jobs record the version they used", () => {
  it("a mailing created with a segment records its current version", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Mailed", databaseId, accessGroupIds: [groupA] });
    await updateSegment(db, marketer, saved.id, { name: "V Mailed", limit: 2, accessGroupIds: [groupA] });
    const mailing = await createMailing(db, marketer, { name: "Spring sale", databaseId, segmentId: saved.id });
    expect(mailing).toMatchObject({ segmentId: saved.id, segmentVersion: 2 });
    const plain = await createMailing(db, marketer, { name: "To everyone", databaseId });
    expect(plain.segmentVersion).toBeNull();
  });

  it("a job on a saved segment records its current version", async () => {
    const db = await getDb();
    const saved = await createSegment(db, marketer, { name: "V Exported", databaseId, accessGroupIds: [groupA] });
    const { job } = await enqueueJob(db, marketer, {
      kind: "export_profiles",
      params: { source: { segmentId: saved.id } },
      idempotencyKey: `versions-${saved.id}`,
      title: "Export",
      lockKey: null,
      databaseId,
      sourceSegmentId: saved.id,
    });
    const [row] = await db.select().from(jobs).where(eq(jobs.id, job.id));
    expect(row.sourceSegmentVersion).toBe(1);
  });
});

import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as mailingsRoute from "@/app/api/v1/mailings/route";
import * as calculateRoute from "@/app/api/v1/segments/[id]/calculate/route";
import * as cloneRoute from "@/app/api/v1/segments/[id]/clone/route";
import * as profilesRoute from "@/app/api/v1/segments/[id]/profiles/route";
import * as restoreRoute from "@/app/api/v1/segments/[id]/restore/route";
import * as segmentRoute from "@/app/api/v1/segments/[id]/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import * as segmentsRoute from "@/app/api/v1/segments/route";
import { getDb, queryRows } from "@/db/client";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import { insertProfiles } from "@/lib/profiles/queries";
import { selectionWork } from "@/lib/segments/selection";
import { configureRateLimit } from "./rate-limit";
import { call, callJson, tokenFor } from "./testing";

let admin: string, insider: string, outsider: string;
let databaseId: number, hiddenDatabaseId: number, groupSegmentId: number, ids: number[];
const berlin = { logic: "and", groups: [{ logic: "and", conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] };

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  const group = await makeGroup();
  const adminUser = await makeUser("admin");
  admin = await tokenFor(adminUser);
  insider = await tokenFor(await makeUser("marketer", [{ id: group.id }]));
  outsider = await tokenFor(await makeUser("marketer"));
  const database = await makeDatabase({ fields: [{ key: "city", type: "string" }, { key: "points", type: "number" }] });
  databaseId = database.id;
  hiddenDatabaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }], groupIds: [group.id] })).id;
  // 1,200 profiles (more than one export page); every third lives in Berlin; a few carry spreadsheet formulas.
  const profiles = Array.from({ length: 1200 }, (_, i) => ({
    email: `p${i}@example.test`,
    first_name: i === 0 ? "=HYPERLINK(\"http://evil\")" : i === 1 ? "+1 trick" : `Name ${i}`,
    phone: i === 2 ? "@SUM(A1)" : null,
    fields: { city: i % 3 === 0 ? "Berlin" : "Hamburg", points: i === 0 ? -5 : i },
  }));
  ids = (await insertProfiles(await getDb(), adminUser, databaseId, profiles)).ids;
  groupSegmentId = (await makeSegment({ databaseId, groupIds: [group.id], name: "Team only" })).id;
});

const params = (id: number | string) => ({ params: { id: String(id) } });

describe("POST /segments, GET /segments, GET /segments/{id}", () => {
  it("saves a segment with its count and reads it back, in the list too", async () => {
    const created = await callJson(segmentsRoute.POST, "POST", "/segments", {
      token: insider,
      body: { name: "Berliners", database_id: databaseId, conditions: berlin, tags: ["city"], description: "All of Berlin" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Berliners", database_id: databaseId, range: { from: 0, to: 100 }, limit: null, tags: ["city"], count: 400, deleted_at: null });
    expect(created.body.calculated_at).toEqual(expect.any(String));
    const read = await callJson(segmentRoute.GET, "GET", `/segments/${created.body.id}`, { token: insider, ...params(created.body.id) });
    expect(read.body).toEqual(created.body);
    const list = await callJson(segmentsRoute.GET, "GET", "/segments", { token: insider, query: { q: "Berliners", page_size: "10" } });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, page_size: 10, data: [{ id: created.body.id, count: 400 }] });
  });

  it("a save (POST, PATCH) parses its body once and prepares its selection once", async () => {
    const before = { ...selectionWork };
    const created = await callJson(segmentsRoute.POST, "POST", "/segments", { token: insider, body: { name: "Prepared once", database_id: databaseId, conditions: berlin } });
    expect(created.status).toBe(201);
    expect({ parses: selectionWork.parses - before.parses, preparations: selectionWork.preparations - before.preparations }).toEqual({ parses: 0, preparations: 1 });
    const again = { ...selectionWork };
    const changed = await callJson(segmentRoute.PATCH, "PATCH", `/segments/${created.body.id}`, { token: insider, body: { range: { from: 0, to: 50 } }, ...params(created.body.id) });
    expect(changed.status).toBe(200);
    expect({ parses: selectionWork.parses - again.parses, preparations: selectionWork.preparations - again.preparations }).toEqual({ parses: 0, preparations: 1 });
  });

  it("answers each validation error with its path", async () => {
    const res = await callJson(segmentsRoute.POST, "POST", "/segments", {
      token: admin,
      body: {
        name: "",
        database_id: databaseId,
        range: { from: 30, to: 20 },
        conditions: { groups: [{ conditions: [{ kind: "field", field: "city", op: "bogus", value: "x" }] }] },
        limit: 0,
        colour: "red",
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "range.to", "conditions.groups[0].conditions[0].op", "limit", "colour"]));
  });

  it("reports rule problems found against the database's fields under conditions", async () => {
    const res = await callJson(segmentsRoute.POST, "POST", "/segments", {
      token: admin,
      body: { name: "Unknown field", database_id: databaseId, conditions: { groups: [{ conditions: [{ kind: "field", field: "shoe_size", op: "eq", value: 42 }] }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe("conditions.groups[0].conditions[0].field");
    const missing = await callJson(segmentsRoute.POST, "POST", "/segments", { token: admin, body: { name: "No source" } });
    expect(missing.body.error.issues.map((i: { path: string }) => i.path)).toContain("database_id");
  });

  it("answers 404 for a database or segment outside the user's groups, as for one that does not exist", async () => {
    const hidden = await callJson(segmentsRoute.POST, "POST", "/segments", { token: outsider, body: { name: "Sneaky", database_id: hiddenDatabaseId } });
    expect(hidden.status).toBe(404);
    for (const id of [groupSegmentId, 99_999_999, "abc"]) {
      expect((await callJson(segmentRoute.GET, "GET", `/segments/${id}`, { token: outsider, ...params(id) })).status).toBe(404);
    }
    expect((await callJson(segmentRoute.GET, "GET", `/segments/${groupSegmentId}`, { token: insider, ...params(groupSegmentId) })).status).toBe(200);
    const list = await callJson(segmentsRoute.GET, "GET", "/segments", { token: outsider, query: { q: "Team only" } });
    expect(list.body.total).toBe(0);
  });
});

describe("PATCH, DELETE, restore, clone, calculate", () => {
  it("changes only the given fields, recalculates, and never changes the database", async () => {
    const { body: seg } = await callJson(segmentsRoute.POST, "POST", "/segments", { token: admin, body: { name: "To change", database_id: databaseId, conditions: berlin, tags: ["keep"] } });
    const changed = await callJson(segmentRoute.PATCH, "PATCH", `/segments/${seg.id}`, { token: admin, body: { name: "Changed", limit: 10 }, ...params(seg.id) });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: "Changed", limit: 10, count: 10, tags: ["keep"], conditions: berlin });
    const moved = await callJson(segmentRoute.PATCH, "PATCH", `/segments/${seg.id}`, { token: admin, body: { database_id: hiddenDatabaseId }, ...params(seg.id) });
    expect(moved.status).toBe(400);
    expect(moved.body.error.issues[0].path).toBe("database_id");
    const bad = await callJson(segmentRoute.PATCH, "PATCH", `/segments/${seg.id}`, { token: admin, body: { range: { from: 50, to: 50 } }, ...params(seg.id) });
    expect(bad.body.error.issues[0].path).toBe("range.to");
    const hidden = await callJson(segmentRoute.PATCH, "PATCH", `/segments/${groupSegmentId}`, { token: outsider, body: { name: "x" }, ...params(groupSegmentId) });
    expect(hidden.status).toBe(404);
  });

  it("moves to the bin, still reads it, refuses to calculate it, and restores it", async () => {
    const { body: seg } = await callJson(segmentsRoute.POST, "POST", "/segments", { token: admin, body: { name: "Binned", database_id: databaseId } });
    const binned = await callJson(segmentRoute.DELETE, "DELETE", `/segments/${seg.id}`, { token: admin, ...params(seg.id) });
    expect(binned.status).toBe(200);
    expect(binned.body.deleted_at).toEqual(expect.any(String));
    expect((await callJson(calculateRoute.POST, "POST", `/segments/${seg.id}/calculate`, { token: admin, ...params(seg.id) })).status).toBe(404);
    expect((await callJson(segmentRoute.DELETE, "DELETE", `/segments/${seg.id}`, { token: admin, ...params(seg.id) })).status).toBe(404);
    const restored = await callJson(restoreRoute.POST, "POST", `/segments/${seg.id}/restore`, { token: admin, ...params(seg.id) });
    expect(restored.status).toBe(200);
    expect(restored.body.deleted_at).toBeNull();
    expect((await callJson(restoreRoute.POST, "POST", `/segments/${seg.id}/restore`, { token: admin, ...params(seg.id) })).status).toBe(404);
    expect((await callJson(segmentRoute.DELETE, "DELETE", `/segments/${groupSegmentId}`, { token: outsider, ...params(groupSegmentId) })).status).toBe(404);
  });

  it("answers 409 conflict for a name another live segment of the database has (trimmed, any case)", async () => {
    const first = await callJson(segmentsRoute.POST, "POST", "/segments", { token: insider, body: { name: "Unique API name", database_id: databaseId } });
    expect(first.status).toBe(201);
    const twin = await callJson(segmentsRoute.POST, "POST", "/segments", { token: insider, body: { name: " unique api NAME ", database_id: databaseId } });
    expect(twin.status).toBe(409);
    expect(twin.body.error).toMatchObject({ code: "conflict", issues: [{ path: "name" }] });
    const other = await callJson(segmentsRoute.POST, "POST", "/segments", { token: insider, body: { name: "Another API name", database_id: databaseId } });
    const renamed = await callJson(segmentRoute.PATCH, "PATCH", `/segments/${other.body.id}`, { token: insider, body: { name: "Unique API name" }, ...params(other.body.id) });
    expect(renamed.status).toBe(409);
  });

  it("clones and calculates", async () => {
    const { body: seg } = await callJson(segmentsRoute.POST, "POST", "/segments", { token: insider, body: { name: "Original", database_id: databaseId, conditions: berlin, range: { from: 0, to: 50 } } });
    const clone = await callJson(cloneRoute.POST, "POST", `/segments/${seg.id}/clone`, { token: insider, ...params(seg.id) });
    expect(clone.status).toBe(201);
    expect(clone.body).toMatchObject({ name: "Copy of Original", range: { from: 0, to: 50 }, conditions: berlin, count: seg.count });
    const calc = await callJson(calculateRoute.POST, "POST", `/segments/${clone.body.id}/calculate`, { token: insider, ...params(clone.body.id) });
    expect(calc.status).toBe(200);
    expect(calc.body).toEqual({ count: seg.count, calculated_at: expect.any(String) });
    expect((await callJson(cloneRoute.POST, "POST", `/segments/${groupSegmentId}/clone`, { token: outsider, ...params(groupSegmentId) })).status).toBe(404);
    expect((await callJson(calculateRoute.POST, "POST", `/segments/${groupSegmentId}/calculate`, { token: outsider, ...params(groupSegmentId) })).status).toBe(404);
  });
});

describe("POST /segments/preview", () => {
  it("answers the count and the first 100 profiles in id order", async () => {
    const res = await callJson(previewRoute.POST, "POST", "/segments/preview", { token: outsider, body: { database_id: databaseId, conditions: berlin } });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(400);
    expect(res.body.profiles).toHaveLength(100);
    expect(res.body.profiles[0]).toMatchObject({ id: ids[0], email: "p0@example.test", fields: { city: "Berlin" }, subscriptions: { email: null, sms: null, push: null } });
    const got = res.body.profiles.map((p: { id: number }) => p.id);
    expect(got).toEqual([...got].sort((a, b) => a - b));
    const limited = await callJson(previewRoute.POST, "POST", "/segments/preview", { token: admin, body: { database_id: databaseId, limit: 3 } });
    expect(limited.body).toMatchObject({ count: 3, profiles: [{ id: ids[0] }, { id: ids[1] }, { id: ids[2] }] });
  });

  it("validates with paths, and hides databases outside the user's groups", async () => {
    const res = await callJson(previewRoute.POST, "POST", "/segments/preview", {
      token: admin,
      body: { database_id: databaseId, conditions: { groups: [{ conditions: [{ kind: "field", field: "points", op: "between", value: [5, 1] }] }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe("conditions.groups[0].conditions[0].value");
    const noDb = await callJson(previewRoute.POST, "POST", "/segments/preview", { token: admin, body: { range: { from: 10 } } });
    expect(noDb.body.error.issues.map((i: { path: string }) => i.path)).toContain("database_id");
    expect((await callJson(previewRoute.POST, "POST", "/segments/preview", { token: outsider, body: { database_id: hiddenDatabaseId } })).status).toBe(404);
  });
});

describe("GET /segments/{id}/profiles", () => {
  let segmentId: number;
  beforeAll(async () => {
    segmentId = (await callJson(segmentsRoute.POST, "POST", "/segments", { token: admin, body: { name: "Export me", database_id: databaseId } })).body.id;
  });

  it("streams the whole selection as CSV in id order, quoting per RFC 4180 and defusing formulas", async () => {
    const res = await call(profilesRoute.GET, "GET", `/segments/${segmentId}/profiles`, { token: admin, query: { format: "csv", fields: "id,first_name,phone,city,points" }, ...params(segmentId) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe("id,first_name,phone,city,points");
    expect(lines).toHaveLength(1 + 1200 + 1); // header, rows, the empty string after the last CRLF
    expect(lines[1]).toBe(`${ids[0]},"'=HYPERLINK(""http://evil"")",,Berlin,-5`);
    expect(lines[2]).toBe(`${ids[1]},'+1 trick,,Hamburg,1`);
    expect(lines[3]).toBe(`${ids[2]},Name 2,'@SUM(A1),Hamburg,2`);
    const rowIds = lines.slice(1, -1).map((l) => Number(l.split(",")[0]));
    expect(rowIds).toEqual(ids);
  });

  it("stops reading the selection when the client goes away, and the database answers as before", async () => {
    for (const format of ["csv", "ndjson"]) {
      const res = await call(profilesRoute.GET, "GET", `/segments/${segmentId}/profiles`, { token: admin, query: { format }, ...params(segmentId) });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      await reader.cancel();
      const db = await getDb();
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => queryRows<{ n: number }>(db, sql`select ${i}::int as n`)));
      expect(answers.map(([r]) => r.n)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      // the complete export still streams afterwards
      const again = await call(profilesRoute.GET, "GET", `/segments/${segmentId}/profiles`, { token: admin, query: { format }, ...params(segmentId) });
      expect((await again.text()).trim().split(format === "csv" ? "\r\n" : "\n")).toHaveLength(format === "csv" ? 1201 : 1200);
    }
  });

  it("streams NDJSON with the chosen fields, and honours the segment's limit", async () => {
    const res = await call(profilesRoute.GET, "GET", `/segments/${segmentId}/profiles`, { token: admin, query: { format: "ndjson", fields: "id,email,city,email_subscription" }, ...params(segmentId) });
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const rows = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1200);
    expect(rows[0]).toEqual({ id: ids[0], email: "p0@example.test", fields: { city: "Berlin" }, subscriptions: { email: null } });
    const { body: limited } = await callJson(segmentsRoute.POST, "POST", "/segments", { token: admin, body: { name: "Limited export", database_id: databaseId, conditions: berlin, limit: 1050 } });
    expect(limited.count).toBe(400);
    const all = await call(profilesRoute.GET, "GET", `/segments/${limited.id}/profiles`, { token: admin, query: { format: "ndjson" }, ...params(limited.id) });
    const lines = (await all.text()).trim().split("\n");
    expect(lines).toHaveLength(400);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(["id", "email", "phone", "first_name", "last_name", "created_at", "updated_at", "fields", "subscriptions"]);
  });

  it("answers 400 for an unknown field or format, and 404 outside the user's groups", async () => {
    const field = await callJson(profilesRoute.GET, "GET", `/segments/${segmentId}/profiles`, { token: admin, query: { fields: "id,shoe_size" }, ...params(segmentId) });
    expect(field.status).toBe(400);
    expect(field.body.error.issues[0]).toMatchObject({ path: "fields", message: expect.stringContaining("shoe_size") });
    const format = await callJson(profilesRoute.GET, "GET", `/segments/${segmentId}/profiles`, { token: admin, query: { format: "xlsx" }, ...params(segmentId) });
    expect(format.body.error.issues[0].path).toBe("format");
    expect((await callJson(profilesRoute.GET, "GET", `/segments/${groupSegmentId}/profiles`, { token: outsider, ...params(groupSegmentId) })).status).toBe(404);
  });
});

describe("POST /mailings", () => {
  it("creates a mailing for a segment of the same database", async () => {
    const { body: seg } = await callJson(segmentsRoute.POST, "POST", "/segments", { token: admin, body: { name: "Mailing audience", database_id: databaseId } });
    const res = await callJson(mailingsRoute.POST, "POST", "/mailings", { token: admin, body: { name: "Spring news", database_id: databaseId, segment_id: seg.id } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "Spring news", database_id: databaseId, segment_id: seg.id, created_at: expect.any(String) });
  });

  it("validates with paths and hides what the user cannot see", async () => {
    const bad = await callJson(mailingsRoute.POST, "POST", "/mailings", { token: admin, body: { name: " ", database_id: "one" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["name", "database_id"]));
    const otherDb = await callJson(mailingsRoute.POST, "POST", "/mailings", { token: admin, body: { name: "Mismatch", database_id: hiddenDatabaseId, segment_id: groupSegmentId } });
    expect(otherDb.status).toBe(400);
    expect(otherDb.body.error.issues[0].path).toBe("segment_id");
    expect((await callJson(mailingsRoute.POST, "POST", "/mailings", { token: outsider, body: { name: "x", database_id: hiddenDatabaseId } })).status).toBe(404);
    expect((await callJson(mailingsRoute.POST, "POST", "/mailings", { token: outsider, body: { name: "x", database_id: databaseId, segment_id: groupSegmentId } })).status).toBe(404);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import * as mailingsRoute from "@/app/api/v1/mailings/route";
import * as impactRoute from "@/app/api/v1/segments/[id]/impact/route";
import * as segmentRoute from "@/app/api/v1/segments/[id]/route";
import * as versionRestoreRoute from "@/app/api/v1/segments/[id]/versions/[n]/restore/route";
import * as versionRoute from "@/app/api/v1/segments/[id]/versions/[n]/route";
import * as versionsRoute from "@/app/api/v1/segments/[id]/versions/route";
import * as segmentsRoute from "@/app/api/v1/segments/route";
import { getDb } from "@/db/client";
import { makeDatabase, makeGroup, makeUser } from "@/db/testing/fixtures";
import { insertProfiles } from "@/lib/profiles/queries";
import { configureRateLimit } from "./rate-limit";
import { callJson, tokenFor } from "./testing";

let insider: string, outsider: string, insiderId: number;
let databaseId: number, ids: number[];
const cityIs = (city: string) => ({ logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: city }] }] });

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  const group = await makeGroup();
  const admin = await makeUser("admin");
  const insiderUser = await makeUser("marketer", [{ id: group.id }]);
  insiderId = insiderUser.id;
  insider = await tokenFor(insiderUser);
  outsider = await tokenFor(await makeUser("marketer"));
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }], groupIds: [group.id] })).id;
  // 60 profiles: ids in order, every third in Berlin, every fifth in Hamburg (the rest Paris).
  ids = (await insertProfiles(await getDb(), admin, databaseId, Array.from({ length: 60 }, (_, i) => ({ fields: { city: i % 3 === 0 ? "Berlin" : i % 5 === 0 ? "Hamburg" : "Paris" } })))).ids;
});

const at = (id: number, n?: number): { params: Record<string, string> } => ({ params: n === undefined ? { id: String(id) } : { id: String(id), n: String(n) } });

async function berliners(name: string) {
  const created = await callJson(segmentsRoute.POST, "POST", "/segments", { token: insider, body: { name, database_id: databaseId, conditions: cityIs("Berlin") } });
  expect(created.status).toBe(201);
  return created.body.id as number;
}

describe("GET /segments/{id}/versions and /versions/{n}", () => {
  it("lists versions oldest first with who, when, the definition and the count at save", async () => {
    const id = await berliners("API versions");
    const patched = await callJson(segmentRoute.PATCH, "PATCH", `/segments/${id}`, { token: insider, ...at(id), body: { range: { from: 0, to: 50 }, limit: 5 } });
    expect(patched.status).toBe(200);
    // A PATCH that changes nothing of the definition writes no version.
    expect((await callJson(segmentRoute.PATCH, "PATCH", `/segments/${id}`, { token: insider, ...at(id), body: { description: "Only words" } })).status).toBe(200);
    const list = await callJson(versionsRoute.GET, "GET", `/segments/${id}/versions`, { token: insider, ...at(id) });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data[0]).toEqual({
      n: 1,
      created_at: expect.any(String),
      created_by: insiderId,
      created_by_name: expect.any(String),
      range: { from: 0, to: 100 },
      conditions: expect.objectContaining({ groups: [expect.objectContaining({ conditions: [expect.objectContaining({ value: "Berlin" })] })] }),
      limit: null,
      count: 20,
      restored_from: null,
    });
    expect(list.body.data[1]).toMatchObject({ n: 2, range: { from: 0, to: 50 }, limit: 5, count: expect.any(Number) });
    const one = await callJson(versionRoute.GET, "GET", `/segments/${id}/versions/2`, { token: insider, ...at(id, 2) });
    expect(one).toMatchObject({ status: 200, body: list.body.data[1] });
  });

  it("answers 404 for an absent version, an invisible segment and ids that are not ids", async () => {
    const id = await berliners("API versions hidden");
    expect((await callJson(versionRoute.GET, "GET", `/segments/${id}/versions/9`, { token: insider, ...at(id, 9) })).status).toBe(404);
    expect((await callJson(versionsRoute.GET, "GET", `/segments/${id}/versions`, { token: outsider, ...at(id) })).status).toBe(404);
    expect((await callJson(versionRoute.GET, "GET", `/segments/${id}/versions/1`, { token: outsider, ...at(id, 1) })).status).toBe(404);
    for (const n of ["0", "-1", "abc", "99999999999"]) {
      expect((await callJson(versionRoute.GET, "GET", `/segments/${id}/versions/${n}`, { token: insider, params: { id: String(id), n } })).status).toBe(404);
    }
    expect((await callJson(versionsRoute.GET, "GET", `/segments/2147483647/versions`, { token: insider, ...at(2147483647) })).status).toBe(404);
  });

  it("POST /versions/{n}/restore saves that definition as the next version", async () => {
    const id = await berliners("API restore");
    await callJson(segmentRoute.PATCH, "PATCH", `/segments/${id}`, { token: insider, ...at(id), body: { conditions: cityIs("Paris") } });
    const restored = await callJson(versionRestoreRoute.POST, "POST", `/segments/${id}/versions/1/restore`, { token: insider, ...at(id, 1) });
    expect(restored).toMatchObject({ status: 201, body: { n: 3, restored_from: 1, count: 20 } });
    expect((await callJson(versionRestoreRoute.POST, "POST", `/segments/${id}/versions/3/restore`, { token: insider, ...at(id, 3) })).status).toBe(409);
    expect((await callJson(versionRestoreRoute.POST, "POST", `/segments/${id}/versions/1/restore`, { token: outsider, ...at(id, 1) })).status).toBe(404);
  });
});

describe("POST /segments/{id}/impact", () => {
  it("answers entering, leaving and staying with the first 20 ids, against the saved definition", async () => {
    const id = await berliners("API impact");
    const berlin = ids.filter((_, i) => i % 3 === 0);
    const hamburg = ids.filter((_, i) => i % 3 !== 0 && i % 5 === 0);
    const draft = { conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg"] }] }] } };
    const res = await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, { token: insider, ...at(id), body: draft });
    expect(res).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { entering: hamburg.length, leaving: 0, staying: berlin.length, samples: { entering: hamburg.slice(0, 20), leaving: [] } },
    });
    // A limit: the first 5 Berliners by id stay, the other 15 leave; absent fields keep their saved values.
    const limited = await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, { token: insider, ...at(id), body: { limit: 5 } });
    expect(limited.body).toEqual({ entering: 0, leaving: 15, staying: 5, samples: { entering: [], leaving: berlin.slice(5, 20) } });
    // null clears the conditions: everyone else enters.
    const cleared = await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, { token: insider, ...at(id), body: { conditions: null, range: { from: 0, to: 100 } } });
    expect(cleared.body).toMatchObject({ entering: 40, leaving: 0, staying: 20 });
  });

  it("refuses bad drafts with paths, and invisible segments with 404", async () => {
    const id = await berliners("API impact errors");
    const bad = await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, {
      token: insider,
      ...at(id),
      body: { range: { from: 70, to: 30 }, conditions: { groups: [{ conditions: [{ kind: "field", field: "shoe", op: "eq", value: "x" }] }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "range.to" })]));
    const unknownField = await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, {
      token: insider,
      ...at(id),
      body: { conditions: { groups: [{ conditions: [{ kind: "field", field: "shoe", op: "eq", value: "x" }] }] } },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.issues).toEqual([expect.objectContaining({ path: "conditions.groups[0].conditions[0].field" })]);
    expect((await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, { token: insider, ...at(id), body: { limit: 0, extra: 1 } })).status).toBe(400);
    expect((await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, { token: outsider, ...at(id), body: {} })).status).toBe(404);
    const selfReference = { conditions: { groups: [{ conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: id, member: true }] }] } };
    expect((await callJson(impactRoute.POST, "POST", `/segments/${id}/impact`, { token: insider, ...at(id), body: selfReference })).status).toBe(400);
  });
});

describe("POST /mailings records the segment's version", () => {
  it("answers segment_version", async () => {
    const id = await berliners("API mailed");
    await callJson(segmentRoute.PATCH, "PATCH", `/segments/${id}`, { token: insider, ...at(id), body: { limit: 3 } });
    const mailing = await callJson(mailingsRoute.POST, "POST", "/mailings", { token: insider, body: { name: "Weekly", database_id: databaseId, segment_id: id } });
    expect(mailing).toMatchObject({ status: 201, body: { segment_id: id, segment_version: 2 } });
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import * as savedExplainRoute from "@/app/api/v1/segments/[id]/explain/route";
import * as savedFunnelRoute from "@/app/api/v1/segments/[id]/funnel/route";
import * as explainRoute from "@/app/api/v1/segments/explain/route";
import * as funnelRoute from "@/app/api/v1/segments/funnel/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import { getDb, queryRows } from "@/db/client";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import { sql } from "drizzle-orm";
import { insertEvents } from "@/lib/events/insert";
import { insertProfiles } from "@/lib/profiles/queries";
import { rangeBounds } from "@/lib/segments/range";
import { configureRateLimit } from "./rate-limit";
import { callJson, tokenFor } from "./testing";

let admin: string, outsider: string;
let databaseId: number, hiddenDatabaseId: number, otherDatabaseId: number, segmentId: number, hiddenSegmentId: number;
let ids: number[], hiddenProfileId: number, otherProfileId: number;
const berlin = { logic: "and", groups: [{ logic: "and", conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] };
const half = rangeBounds({ from: 0, to: 50 });
const keys = new Map<number, bigint>();
const inHalf = (id: number) => keys.get(id)! < half.hi;

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  const db = await getDb();
  const group = await makeGroup();
  const adminUser = await makeUser("admin");
  admin = await tokenFor(adminUser);
  outsider = await tokenFor(await makeUser("marketer"));
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }, { key: "joined", type: "date" }] })).id;
  hiddenDatabaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }], groupIds: [group.id] })).id;
  otherDatabaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }] })).id;
  const profiles = Array.from({ length: 60 }, (_, i) => ({ email: `P${i}@Example.test`, fields: { city: i % 2 === 0 ? "Berlin" : "Hamburg", joined: "2026-01-15" } }));
  ids = (await insertProfiles(db, adminUser, databaseId, profiles)).ids;
  hiddenProfileId = (await insertProfiles(db, adminUser, hiddenDatabaseId, [{ email: "hidden@example.test" }])).ids[0];
  otherProfileId = (await insertProfiles(db, adminUser, otherDatabaseId, [{ email: "other@example.test" }])).ids[0];
  const recent = new Date(Date.now() - 2 * 86_400_000).toISOString();
  await insertEvents(db, adminUser, databaseId, ids.filter((_, i) => i % 3 === 0).map((id) => ({ profile_id: id, channel: "web", type: "purchase", occurred_at: recent })));
  for (const row of await queryRows<{ id: string; k: string }>(db, sql`select id, range_key as k from profiles where database_id = ${databaseId}`)) keys.set(Number(row.id), BigInt(row.k));
  segmentId = (await makeSegment({ databaseId, conditions: berlin, rangeFrom: 0, rangeTo: 50, limit: 5, name: "Berlin, first five of half" })).id;
  hiddenSegmentId = (await makeSegment({ databaseId: hiddenDatabaseId, groupIds: [group.id] })).id;
});

const params = (id: number | string) => ({ params: { id: String(id) } });
const explainSaved = (profile: string, token = admin, id: number = segmentId) =>
  callJson(savedExplainRoute.GET, "GET", `/segments/${id}/explain`, { token, ...params(id), query: { profile } });
/** The Berlin profiles inside 0–50 %, in id order: the segment's matches. */
const matches = () => ids.filter((id, i) => i % 2 === 0 && inHalf(id));

describe("GET /segments/{id}/explain", () => {
  it("explains a member by id: range, group, condition with the stored value, rank under the limit", async () => {
    const id = matches()[1];
    const res = await explainSaved(String(id));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      profile_id: id,
      member: true,
      summary: "In: matches group 1 and is 2nd of 5 under the limit.",
      range: { key: Number(keys.get(id)), lo: 0, hi: Number(half.hi), inside: true },
      groups: [{ member: true, conditions: [{ member: true, label: "city is “Berlin”", evidence: { kind: "field", field: "city", value: "Berlin" } }] }],
      limit: { limit: 5, rank: 2 },
    });
  });

  it("finds the profile by email, whatever its case", async () => {
    const i = ids.indexOf(matches()[0]);
    const res = await explainSaved(`p${i}@example.TEST`);
    expect(res.body).toMatchObject({ profile_id: matches()[0], member: true, limit: { rank: 1 } });
  });

  it("names the condition that excludes a profile, with the value it found", async () => {
    const id = ids.find((id, i) => i % 2 === 1 && inHalf(id))!;
    const res = await explainSaved(String(id));
    expect(res.body.member).toBe(false);
    expect(res.body.summary).toBe("Out: 'city is “Berlin”' found city is “Hamburg”.");
    expect(res.body.groups[0]).toMatchObject({ member: false, conditions: [{ member: false, evidence: { value: "Hamburg" } }] });
    expect(res.body.limit).toEqual({ limit: 5, rank: null });
  });

  it("says when only the range excludes a profile", async () => {
    const id = ids.find((id, i) => i % 2 === 0 && !inHalf(id))!;
    const res = await explainSaved(String(id));
    expect(res.body).toMatchObject({ member: false, matches: false, range: { inside: false }, groups: [{ member: true }] });
    expect(res.body.summary).toBe(`Out: the range key ${keys.get(id)} is outside the range 0–50 % (0 ≤ key < ${half.hi}).`);
  });

  it("says when only the limit excludes a profile, with its exact rank", async () => {
    const all = matches();
    expect(all.length).toBeGreaterThan(6);
    const res = await explainSaved(String(all[6]));
    expect(res.body).toMatchObject({ member: false, matches: true, limit: { limit: 5, rank: 7 } });
    expect(res.body.summary).toBe("Out: matches group 1, but is 7th in id order, beyond the limit of 5.");
  });

  it("answers 404 for a profile of another database, an unknown email, and an invisible segment; 400 without a profile", async () => {
    expect((await explainSaved(String(otherProfileId))).status).toBe(404);
    expect((await explainSaved("nobody@example.test")).status).toBe(404);
    expect((await explainSaved(String(hiddenProfileId), outsider, hiddenSegmentId)).status).toBe(404);
    const missing = await callJson(savedExplainRoute.GET, "GET", `/segments/${segmentId}/explain`, { token: admin, ...params(segmentId) });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues[0].path).toBe("profile");
    expect((await explainSaved("x\u0000y")).status).toBe(400);
  });
});

describe("POST /segments/explain", () => {
  it("explains a draft rule: event counts with the period's resolved bounds, dates with theirs", async () => {
    const id = ids[1]; // no purchase (only every third profile has one)
    const res = await callJson(explainRoute.POST, "POST", "/segments/explain", {
      token: admin,
      body: {
        database_id: databaseId,
        profile: String(id),
        conditions: {
          logic: "or",
          groups: [
            { conditions: [{ kind: "event", type: "purchase", period: { last_days: 30 } }] },
            { conditions: [{ kind: "field", field: "joined", op: "after", value: "2026-02-01" }] },
          ],
        },
      },
    });
    expect(res.status).toBe(200);
    const [events] = res.body.groups[0].conditions;
    expect(events).toMatchObject({ member: false, evidence: { kind: "events", type: "purchase", count: 0 } });
    expect(Date.parse(events.evidence.to) - Date.parse(events.evidence.from)).toBe(30 * 86_400_000);
    expect(res.body.groups[1].conditions[0].evidence).toMatchObject({ value: "2026-01-15", bounds: { from: "2026-02-02T00:00:00.000000Z", from_inclusive: true, to: null } });
    expect(res.body.summary).toMatch(/^Out: matches no group; 'Did “purchase” · at least once in the last 30 days' found 0 “purchase” events between \S+ and \S+; 'joined is after “2026-02-01”' found joined is “2026-01-15”/);
    const buyer = await callJson(explainRoute.POST, "POST", "/segments/explain", {
      token: admin,
      body: { database_id: databaseId, profile: ids[0], conditions: { groups: [{ conditions: [{ kind: "event", type: "purchase", period: { last_days: 30 } }] }] } },
    });
    expect(buyer.body).toMatchObject({ member: true, summary: "In: matches group 1.", limit: null, groups: [{ conditions: [{ evidence: { count: 1 } }] }] });
  });

  it("answers 404 for an invisible database, with rule issues at their paths otherwise", async () => {
    const hidden = await callJson(explainRoute.POST, "POST", "/segments/explain", { token: outsider, body: { database_id: hiddenDatabaseId, profile: String(hiddenProfileId) } });
    expect(hidden.status).toBe(404);
    const bad = await callJson(explainRoute.POST, "POST", "/segments/explain", {
      token: admin,
      body: { database_id: databaseId, profile: "1", conditions: { groups: [{ conditions: [{ kind: "field", field: "nope", op: "eq", value: "x" }] }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe("conditions.groups[0].conditions[0].field");
  });

  it("explains nested segments with their own tree", async () => {
    const inner = await makeSegment({ databaseId, conditions: berlin, limit: 2, name: "Two Berliners" });
    const res = await callJson(explainRoute.POST, "POST", "/segments/explain", {
      token: admin,
      body: { database_id: databaseId, profile: String(ids[4]), conditions: { groups: [{ conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: inner.id }] }] } },
    });
    expect(res.body.member).toBe(false);
    const evidence = res.body.groups[0].conditions[0].evidence;
    expect(evidence).toMatchObject({ kind: "dynamic_segment", name: "Two Berliners", tree: { member: false, matches: true, limit: { limit: 2, rank: 3 } } });
    expect(res.body.summary).toBe("Out: 'Is in dynamic segment “Two Berliners”' “Two Berliners” says: Out: matches group 1, but is 3rd in id order, beyond the limit of 2.");
  });
});

describe("condition funnel", () => {
  const twoGroups = {
    logic: "or",
    groups: [
      { logic: "and", conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }, { kind: "event", type: "purchase" }] },
      { logic: "or", not: true, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] },
    ],
  };

  it("counts each step in one statement and ends at Calculate", async () => {
    const body = { database_id: databaseId, range: { from: 0, to: 50 }, conditions: twoGroups, limit: 10 };
    const res = await callJson(funnelRoute.POST, "POST", "/segments/funnel", { token: admin, body });
    expect(res.status).toBe(200);
    const preview = await callJson(previewRoute.POST, "POST", "/segments/preview", { token: admin, body });
    expect(res.body.count).toBe(preview.body.count);
    const inRange = ids.filter(inHalf);
    const berliners = inRange.filter((id) => ids.indexOf(id) % 2 === 0);
    const buyers = berliners.filter((id) => ids.indexOf(id) % 3 === 0);
    expect(res.body.steps).toEqual([
      { label: "Profiles in the database", count: 60 },
      { label: "Inside the range 0–50 %", count: inRange.length },
      { label: "Group 1: city is “Berlin”", count: berliners.length },
      { label: "Group 1: … and Did “purchase” · at least once", count: buyers.length },
      { label: "Group 1 passes", count: buyers.length },
      { label: "Group 2: city is “Berlin” (alone)", count: berliners.length },
      { label: "Group 2 passes (not)", count: inRange.length - berliners.length },
      { label: "All groups combined (or)", count: buyers.length + inRange.length - berliners.length },
      { label: "After the limit of 10", count: Math.min(10, buyers.length + inRange.length - berliners.length) },
    ]);
  });

  it("answers for a saved segment, and 404 for one the user cannot see", async () => {
    const res = await callJson(savedFunnelRoute.GET, "GET", `/segments/${segmentId}/funnel`, { token: admin, ...params(segmentId) });
    expect(res.body.count).toBe(5);
    expect(res.body.steps.at(-1)).toEqual({ label: "After the limit of 5", count: 5 });
    expect((await callJson(savedFunnelRoute.GET, "GET", `/segments/${hiddenSegmentId}/funnel`, { token: outsider, ...params(hiddenSegmentId) })).status).toBe(404);
    const hidden = await callJson(funnelRoute.POST, "POST", "/segments/funnel", { token: outsider, body: { database_id: hiddenDatabaseId } });
    expect(hidden.status).toBe(404);
  });
});

import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import { insertProfiles } from "@/lib/profiles/queries";
import { conditionFunnelAction, explainProfileAction } from "./explain-actions";

// Sessions are the only thing faked: the acting user is read from the database as in production.
const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("@/lib/auth/session", async () => {
  const { getDb: db } = await import("@/db/client");
  const { loadActingUser: load } = await import("@/lib/access/acting-user");
  const currentUser = async () => (session.userId === null ? null : load(await db(), session.userId));
  return { currentUser, requireUser: currentUser };
});

let insider: number, outsider: number, databaseId: number, segmentId: number, ids: number[];
const rule = () => ({
  databaseId,
  range: { from: 0, to: 100 },
  conditions: { logic: "and" as const, groups: [{ logic: "and" as const, not: false, conditions: [{ kind: "field" as const, field: "city", op: "eq" as const, value: "Berlin" }] }] },
  limit: null,
});

beforeAll(async () => {
  const group = await makeGroup();
  const admin = await makeUser("admin");
  insider = (await makeUser("marketer", [{ id: group.id }])).id;
  outsider = (await makeUser("marketer")).id;
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }], groupIds: [group.id] })).id;
  ids = (await insertProfiles(await getDb(), admin, databaseId, [{ email: "a@example.test", fields: { city: "Berlin" } }, { email: "b@example.test", fields: { city: "Hamburg" } }])).ids;
  segmentId = (await makeSegment({ databaseId, groupIds: [group.id], conditions: rule().conditions, limit: 1 })).id;
});

describe("explain and funnel actions", () => {
  it("explain a draft rule or the saved segment for a member of the group", async () => {
    session.userId = insider;
    const draft = await explainProfileAction({ rule: rule(), profile: "b@example.test" });
    expect(draft).toMatchObject({ ok: true, data: { profile_id: ids[1], member: false, summary: "Out: 'city is “Berlin”' found city is “Hamburg”." } });
    const saved = await explainProfileAction({ rule: rule(), profile: String(ids[0]), savedSegmentId: segmentId });
    expect(saved).toMatchObject({ ok: true, data: { member: true, limit: { limit: 1, rank: 1 } } });
    const funnel = await conditionFunnelAction({ rule: rule(), savedSegmentId: segmentId });
    expect(funnel.ok && funnel.data.steps.map((s) => [s.label, s.count])).toEqual([
      ["Profiles in the database", 2],
      ["Inside the range 0–100 %", 2],
      ["Group 1: city is “Berlin”", 1],
      ["Group 1 passes", 1],
      ["All groups combined (and)", 1],
      ["After the limit of 1", 1],
    ]);
  });

  it("answer not found outside the group, and unauthorized without a session", async () => {
    session.userId = outsider;
    expect(await explainProfileAction({ rule: rule(), profile: String(ids[0]) })).toMatchObject({ ok: false, code: "not_found" });
    expect(await explainProfileAction({ rule: rule(), profile: String(ids[0]), savedSegmentId: segmentId })).toMatchObject({ ok: false, code: "not_found" });
    expect(await conditionFunnelAction({ rule: rule() })).toMatchObject({ ok: false, code: "not_found" });
    session.userId = null;
    expect(await explainProfileAction({ rule: rule(), profile: String(ids[0]) })).toMatchObject({ ok: false, code: "unauthorized" });
    expect(await conditionFunnelAction({ rule: rule() })).toMatchObject({ ok: false, code: "unauthorized" });
  });
});

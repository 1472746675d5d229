import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/v1/databases/[id]/events/route";
import * as profilesRoute from "@/app/api/v1/databases/[id]/profiles/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import * as mailingsRoute from "@/app/api/v1/mailings/route";
import { getDb } from "@/db/client";
import { events, profiles } from "@/db/schema";
import { makeDatabase, makeGroup, makeUser } from "@/db/testing/fixtures";
import { configureRateLimit } from "./rate-limit";
import { callJson, tokenFor } from "./testing";

let admin: string, outsider: string, databaseId: number, otherDatabaseId: number, hiddenDatabaseId: number;

const params = (id: number) => ({ params: { id: String(id) } });
const profileCount = async (id: number) => (await (await getDb()).select({ n: count() }).from(profiles).where(eq(profiles.databaseId, id)))[0].n;
const eventCount = async (id: number) => (await (await getDb()).select({ n: count() }).from(events).where(eq(events.databaseId, id)))[0].n;

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  const group = await makeGroup();
  admin = await tokenFor(await makeUser("admin"));
  outsider = await tokenFor(await makeUser("marketer"));
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }, { key: "points", type: "number" }, { key: "vip", type: "boolean" }] })).id;
  otherDatabaseId = (await makeDatabase()).id;
  hiddenDatabaseId = (await makeDatabase({ groupIds: [group.id] })).id;
});

describe("POST /databases/{id}/profiles", () => {
  it("inserts profiles and answers their ids in input order", async () => {
    const res = await callJson(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, {
      token: admin,
      body: {
        profiles: [
          { email: "a@example.test", first_name: "Ann", created_at: "2026-01-02", fields: { city: "Berlin", points: 3, vip: true }, subscriptions: { email: "subscribed" } },
          { phone: "+49 30 1234", fields: { city: "Hamburg" } },
          {},
        ],
      },
      ...params(databaseId),
    });
    expect(res.status).toBe(201);
    expect(res.body.ids).toHaveLength(3);
    expect(res.body.ids).toEqual([...res.body.ids].sort((a: number, b: number) => a - b));
    const shown = await callJson(previewRoute.POST, "POST", "/segments/preview", { token: admin, body: { database_id: databaseId } });
    expect(shown.body.profiles[0]).toMatchObject({
      id: res.body.ids[0],
      email: "a@example.test",
      created_at: "2026-01-02T00:00:00.000Z",
      fields: { city: "Berlin", points: 3, vip: true },
      subscriptions: { email: "subscribed", sms: null, push: null },
    });
  });

  it("a bad row in a batch of 1,000 inserts nothing and is named by its path", async () => {
    const before = await profileCount(databaseId);
    const batch: { email: string; fields: Record<string, unknown> }[] = Array.from({ length: 1000 }, (_, i) => ({ email: `bulk${i}@example.test`, fields: { points: i } }));
    batch[537] = { email: "bad@example.test", fields: { points: "many" } };
    batch[998] = { email: "not an email", fields: {} };
    const res = await callJson(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, { token: admin, body: { profiles: batch }, ...params(databaseId) });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["profiles[537].fields.points", "profiles[998].email"]);
    expect(await profileCount(databaseId)).toBe(before);
  });

  it("refuses unknown keys and fields, more than 10,000 profiles, and a database outside the user's groups", async () => {
    const res = await callJson(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, { token: admin, body: { profiles: [{ shoe: 1, fields: { colour: "red" } }] }, ...params(databaseId) });
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["profiles[0].shoe", "profiles[0].fields.colour"]);
    const envelope = await callJson(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, { token: admin, body: { profile: [] }, ...params(databaseId) });
    expect(envelope.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["profiles", "profile"]));
    const tooMany = await callJson(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, { token: admin, body: { profiles: Array.from({ length: 10_001 }, () => ({})) }, ...params(databaseId) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.issues[0].path).toBe("profiles");
    expect((await callJson(profilesRoute.POST, "POST", `/databases/${hiddenDatabaseId}/profiles`, { token: outsider, body: { profiles: [{}] }, ...params(hiddenDatabaseId) })).status).toBe(404);
    expect(await profileCount(hiddenDatabaseId)).toBe(0);
  });
});

describe("POST /databases/{id}/events", () => {
  let profileIds: number[], foreignProfileId: number, mailingId: number;
  beforeAll(async () => {
    const made = await callJson(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, { token: admin, body: { profiles: Array.from({ length: 20 }, (_, i) => ({ email: `ev${i}@example.test` })) }, ...params(databaseId) });
    profileIds = made.body.ids;
    foreignProfileId = (await callJson(profilesRoute.POST, "POST", `/databases/${otherDatabaseId}/profiles`, { token: admin, body: { profiles: [{}] }, ...params(otherDatabaseId) })).body.ids[0];
    mailingId = (await callJson(mailingsRoute.POST, "POST", "/mailings", { token: admin, body: { name: "Newsletter", database_id: databaseId } })).body.id;
  });

  it("inserts events set-based, and selections count them at once", async () => {
    const batch = profileIds.slice(0, 5).flatMap((id) => [
      { profile_id: id, channel: "email", type: "opened", mailing_id: mailingId, occurred_at: "2026-03-01T10:00:00Z" },
      { profile_id: id, channel: "web", type: "purchase", occurred_at: "2026-03-02T10:00:00Z", properties: { amount: 60 } },
    ]);
    const res = await callJson(eventsRoute.POST, "POST", `/databases/${databaseId}/events`, { token: admin, body: { events: batch }, ...params(databaseId) });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ inserted: 10 });
    const buyers = await callJson(previewRoute.POST, "POST", "/segments/preview", {
      token: admin,
      body: { database_id: databaseId, conditions: { groups: [{ conditions: [{ kind: "event", type: "purchase", where: [{ property: "amount", op: "gt", value: 50 }] }] }] } },
    });
    expect(buyers.body.count).toBe(5);
  });

  it("a bad row in a batch of 1,000 inserts nothing: wrong database's profile, unknown mailing, bad channel", async () => {
    const before = await eventCount(databaseId);
    const batch = Array.from({ length: 1000 }, (_, i) => ({ profile_id: profileIds[i % profileIds.length], channel: "app", type: "page_view", occurred_at: "2026-04-01T00:00:00Z" }));
    batch[999] = { ...batch[999], profile_id: foreignProfileId };
    const foreign = await callJson(eventsRoute.POST, "POST", `/databases/${databaseId}/events`, { token: admin, body: { events: batch }, ...params(databaseId) });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.issues).toEqual([{ path: "events[999].profile_id", message: expect.stringContaining("No profile") }]);
    batch[999] = { ...batch[998], mailing_id: 987_654 } as (typeof batch)[number];
    const mailing = await callJson(eventsRoute.POST, "POST", `/databases/${databaseId}/events`, { token: admin, body: { events: batch }, ...params(databaseId) });
    expect(mailing.body.error.issues[0].path).toBe("events[999].mailing_id");
    batch[500] = { ...batch[500], channel: "fax", occurred_at: "yesterday" };
    const shape = await callJson(eventsRoute.POST, "POST", `/databases/${databaseId}/events`, { token: admin, body: { events: batch }, ...params(databaseId) });
    expect(shape.body.error.issues.map((i: { path: string }) => i.path)).toEqual(["events[500].channel", "events[500].occurred_at"]);
    expect(await eventCount(databaseId)).toBe(before);
  });

  it("refuses more than 50,000 events and a database outside the user's groups", async () => {
    const tooMany = await callJson(eventsRoute.POST, "POST", `/databases/${databaseId}/events`, { token: admin, body: { events: Array.from({ length: 50_001 }, () => 0) }, ...params(databaseId) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.issues[0].path).toBe("events");
    expect((await callJson(eventsRoute.POST, "POST", `/databases/${hiddenDatabaseId}/events`, { token: outsider, body: { events: [] }, ...params(hiddenDatabaseId) })).status).toBe(404);
  });
});

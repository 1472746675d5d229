import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/v1/databases/[id]/events/route";
import * as profilesRoute from "@/app/api/v1/databases/[id]/profiles/route";
import * as mailingsRoute from "@/app/api/v1/mailings/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import * as segmentsRoute from "@/app/api/v1/segments/route";
import { getDb, queryRows } from "@/db/client";
import { makeDatabase, makeUser } from "@/db/testing/fixtures";
import { insertProfiles } from "@/lib/profiles/queries";
import { configureRateLimit } from "./rate-limit";
import { call, callJson, tokenFor } from "./testing";

/** The inputs issue 14.5 found answering 500: each is now a 400 naming its path. */
let token: string;
let databaseId: number;
let profileId: number;
const field = (value: unknown) => ({ logic: "and", groups: [{ logic: "and", conditions: [{ kind: "field", field: "city", op: "eq", value }] }] });
const issuePaths = (body: { error: { issues: { path: string }[] } }) => body.error.issues.map((i) => i.path);

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  const admin = await makeUser("admin");
  token = await tokenFor(admin);
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }] })).id;
  profileId = (await insertProfiles(await getDb(), admin, databaseId, [{ email: "x@example.test" }])).ids[0];
});

describe("inputs that answered 500 answer 400 with a path", () => {
  it("ids above 2,147,483,647", async () => {
    const big = 2_147_483_648;
    expect(issuePaths((await callJson(previewRoute.POST, "POST", "/segments/preview", { token, body: { database_id: big } })).body)).toContain("database_id");
    const created = await callJson(segmentsRoute.POST, "POST", "/segments", { token, body: { name: "Big", database_id: big } });
    expect(created.status).toBe(400);
    expect(issuePaths(created.body)).toContain("database_id");
    const listed = await callJson(segmentsRoute.GET, "GET", "/segments", { token, query: { database_id: String(big) } });
    expect(listed.status).toBe(400);
    expect(issuePaths(listed.body)).toContain("database_id");
    const mailingCondition = { logic: "and", groups: [{ logic: "and", conditions: [{ kind: "interaction", type: "opened", mailing_id: 1e12 }] }] };
    const preview = await callJson(previewRoute.POST, "POST", "/segments/preview", { token, body: { database_id: databaseId, conditions: mailingCondition } });
    expect(preview.status).toBe(400);
    expect(issuePaths(preview.body)).toContain("conditions.groups[0].conditions[0].mailing_id");
    const mailing = await callJson(mailingsRoute.POST, "POST", "/mailings", { token, body: { name: "M", database_id: databaseId, segment_id: big } });
    expect(mailing.status).toBe(400);
    expect(issuePaths(mailing.body)).toContain("segment_id");
    const staticCondition = { logic: "and", groups: [{ logic: "and", conditions: [{ kind: "segment", segment_type: "static", segment_id: big }] }] };
    const stat = await callJson(previewRoute.POST, "POST", "/segments/preview", { token, body: { database_id: databaseId, conditions: staticCondition } });
    expect(stat.status).toBe(400);
    expect(issuePaths(stat.body)).toContain("conditions.groups[0].conditions[0].segment_id");
  });

  it("NUL and lone surrogates in a condition value and in a profile field", async () => {
    for (const value of ["a\u0000b", "\ud800"]) {
      const preview = await callJson(previewRoute.POST, "POST", "/segments/preview", { token, body: { database_id: databaseId, conditions: field(value) } });
      expect(preview.status, JSON.stringify(value)).toBe(400);
      expect(issuePaths(preview.body)).toContain("conditions.groups[0].conditions[0].value");
      const profile = await callJson(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, { token, params: { id: String(databaseId) }, body: { profiles: [{ fields: { city: value } }] } });
      expect(profile.status, JSON.stringify(value)).toBe(400);
      expect(issuePaths(profile.body)).toContain("profiles[0].fields.city");
    }
  });

  it("event properties nested 10,000 deep", async () => {
    const deep = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
    const rawBody = `{"events":[{"profile_id":${profileId},"channel":"web","type":"purchase","occurred_at":"2026-01-01T00:00:00Z","properties":${deep}}]}`;
    const res = await call(eventsRoute.POST, "POST", `/databases/${databaseId}/events`, { token, params: { id: String(databaseId) }, rawBody, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.issues[0].path).toMatch(/^events\[0\]\.properties\.a\.a/);
    expect(body.error.issues[0].message).toMatch(/nested too deeply/);
  });

  it("a profile's fields.__proto__ is an unknown key like any other", async () => {
    const rawBody = `{"profiles":[{"email":"p@example.test","fields":{"__proto__":{"city":"Berlin"}}}]}`;
    const res = await call(profilesRoute.POST, "POST", `/databases/${databaseId}/profiles`, { token, params: { id: String(databaseId) }, rawBody, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(issuePaths(await res.json())).toContain("profiles[0].fields.__proto__");
    const [row] = await queryRows<{ n: number }>(await getDb(), sql`select count(*)::int as n from profiles where email = 'p@example.test'`);
    expect(row.n).toBe(0);
  });
});

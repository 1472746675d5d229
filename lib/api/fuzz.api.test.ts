import { readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import { fcSeed } from "@/lib/fuzz/seed";
import { bodyText, FUZZ_RUNS, hostileValue, mutate } from "@/lib/fuzz/hostile";
import { insertProfiles } from "@/lib/profiles/queries";
import type { ApiRouteHandler } from "./handler";
import { configureRateLimit } from "./rate-limit";
import { call, tokenFor } from "./testing";

/**
 * Hostile input at every API v1 route (issue 14.5): each handler found under app/api/v1 gets
 * FUZZ_RUNS (200) requests — a valid body or query with one hostile change, or a hostile path id — and
 * must answer a 4xx (a 400 names the path of what it refused) or accept the input; never a 5xx, and a
 * refused request leaves the database as it was.
 */
const apiRoot = path.join(process.cwd(), "app/api/v1");
const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

type Ids = { databaseId: number; segmentId: number; binnedSegmentId: number; profileId: number; mailingId: number; groupId: number; userId: number; staticSegmentId: number };
let token: string;
let ids: Ids;
let tables: string[];

beforeAll(async () => {
  configureRateLimit({ capacity: 10_000_000 });
  const db = await getDb();
  const group = await makeGroup();
  const admin = await makeUser("admin", [{ id: group.id, lead: true }]);
  token = await tokenFor(admin);
  const member = await makeUser("marketer", [{ id: group.id }]);
  const database = await makeDatabase({ fields: [{ key: "city", type: "string" }, { key: "points", type: "number" }, { key: "joined", type: "date" }, { key: "vip", type: "boolean" }] });
  const { ids: profileIds } = await insertProfiles(db, admin, database.id, [{ email: "fuzz@example.test", fields: { city: "Berlin", points: 3 } }]);
  const segment = await makeSegment({ databaseId: database.id, name: "Fuzz target" });
  const binned = await makeSegment({ databaseId: database.id, name: "Fuzz binned" });
  await db.execute(sql`update dynamic_segments set deleted_at = now() where id = ${binned.id}`);
  const [mailing] = await queryRows<{ id: number }>(db, sql`insert into mailings (name, database_id) values ('Fuzz mailing', ${database.id}) returning id`);
  const [stat] = await queryRows<{ id: number }>(db, sql`insert into static_segments (name, database_id) values ('Fuzz static', ${database.id}) returning id`);
  ids = { databaseId: database.id, segmentId: segment.id, binnedSegmentId: binned.id, profileId: profileIds[0], mailingId: mailing.id, groupId: group.id, userId: member.id, staticSegmentId: stat.id };
  // Every table but those a request writes whatever its input (token use, rate limits).
  tables = (
    await queryRows<{ name: string }>(db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)
  )
    .map((t) => t.name)
    .filter((t) => !/^(api_tokens|api_rate|sign_in_throttle|__drizzle)/.test(t));
});

/** One number per table: row count and a hash of the rows. */
async function snapshot(): Promise<string> {
  const db = await getDb();
  const parts = tables.map((t) => sql.raw(`select '${t}' as t, count(*)::text || ':' || coalesce(sum(hashtext(x::text)), 0)::text as h from "${t}" x`));
  const rows = await queryRows<{ t: string; h: string }>(db, sql.join(parts, sql` union all `));
  return rows.map((r) => `${r.t}=${r.h}`).sort().join(" ");
}

function script() {
  return {
    logic: "and",
    groups: [
      {
        logic: "or",
        not: false,
        conditions: [
          { kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg"] },
          { kind: "field", field: "points", op: "between", value: [1, 10] },
          { kind: "subscription", channel: "email", status: "subscribed" },
          { kind: "interaction", channel: "email", type: "opened", mailing_id: ids.mailingId, count: { op: "gte", value: 1 }, period: { last_days: 30 } },
          { kind: "event", type: "purchase", where: [{ property: "amount", op: "gt", value: 5 }], period: { from: "2026-01-01", to: "2026-02-01" } },
          { kind: "segment", segment_type: "static", segment_id: ids.staticSegmentId, member: true },
        ],
      },
    ],
  };
}

/** A valid body and query for each route and method (path relative to app/api/v1). */
function validInput(route: string, method: string): { body?: unknown; query?: Record<string, string> } {
  const rule = { database_id: ids.databaseId, range: { from: 0, to: 50 }, conditions: script(), limit: 10 };
  const key = `${method} ${route}`;
  switch (key) {
    case "POST databases":
      return { body: { name: "Fuzz db", fields: [{ key: "city", type: "string", label: "City" }], access_groups: [ids.groupId] } };
    case "POST databases/[id]/profiles":
      return { body: { profiles: [{ email: "new@example.test", first_name: "New", created_at: "2026-01-01", fields: { city: "Berlin", points: 2, joined: "2025-05-01", vip: true }, subscriptions: { email: "subscribed", sms: null } }] } };
    case "POST databases/[id]/events":
      return { body: { events: [{ profile_id: ids.profileId, channel: "email", type: "opened", mailing_id: ids.mailingId, occurred_at: "2026-01-02T03:04:05Z", properties: { amount: 5, tags: ["a"], nested: { ok: true } } }] } };
    case "POST mailings":
      return { body: { name: "Fuzz mailing 2", database_id: ids.databaseId, segment_id: ids.segmentId } };
    case "POST segments/preview":
      return { body: rule };
    case "POST segments":
      return { body: { ...rule, name: "Fuzz segment", description: "d", tags: ["t"], access_groups: [ids.groupId] } };
    case "PATCH segments/[id]":
      return { body: { name: "Fuzz target", range: { from: 0, to: 100 }, conditions: script(), limit: null, description: "x", tags: ["a"] } };
    case "POST access-groups/[id]/members":
      return { body: { email: "nobody-fuzz@example.test" } };
    case "GET segments":
      return { query: { q: "Fuzz", tag: "t", database_id: String(ids.databaseId), sort: "name", dir: "asc", page: "1", page_size: "10" } };
    case "GET segments/[id]/profiles":
      return { query: { format: "csv", fields: "id,email,city" } };
    default:
      return {};
  }
}

const hostileIds = ["2147483648", "99999999999999999999", "1e12", "1.5", "-1", "0", "abc", "1\u0000", "%00", "\ud800"];

const asText = (value: unknown) => (typeof value === "string" ? value : (JSON.stringify(value) ?? ""));

type Handler = ApiRouteHandler<Record<string, string>>;

describe("hostile input at every API v1 route", async () => {
  const files = routeFiles(apiRoot).sort();
  const handlers: { route: string; method: string; handler: Handler }[] = [];
  for (const file of files) {
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    const route = path.relative(apiRoot, path.dirname(file)).split(path.sep).join("/");
    for (const method of METHODS) if (typeof mod[method] === "function") handlers.push({ route, method, handler: mod[method] as Handler });
  }

  it("finds the routes of the API tree", () => {
    expect(handlers.map((h) => `${h.method} ${h.route}`)).toEqual(expect.arrayContaining(["POST segments/preview", "POST databases/[id]/events", "PATCH segments/[id]", "GET segments"]));
  });

  const seed = fcSeed("api fuzz");
  for (const { route, method, handler } of handlers) {
    it(`${method} /${route}: a 4xx with a path or accepted, never a 5xx; refused requests change nothing`, async () => {
      const params = (hostileId: string | null) => {
        const out: Record<string, string> = {};
        for (const [, name] of route.matchAll(/\[(\w+)\]/g)) {
          const real = name === "userId" ? ids.userId : route.startsWith("databases") ? ids.databaseId : route.startsWith("access-groups") ? ids.groupId : route.includes("restore") ? ids.binnedSegmentId : ids.segmentId;
          out[name] = hostileId ?? String(real);
        }
        return out;
      };
      const valid = validInput(route, method);
      const hasParams = route.includes("[");
      // DELETE of the real segment would take it away from the other routes: only hostile ids there.
      const onlyHostileIds = method === "DELETE";
      // GETs write nothing by design; for the others the state is compared (and re-read only after an accepted request).
      const writes = method !== "GET";
      let known: string | null = null;
      await fc.assert(
        fc.asyncProperty(fc.nat(), hostileValue, fc.boolean(), fc.nat({ max: 9 }), fc.constantFrom(...hostileIds), async (pick, hostile, addKey, mode, badId) => {
          const before = writes ? (known ??= await snapshot()) : "";
          const useBadId = hasParams && (onlyHostileIds || mode === 0);
          let rawBody: string | undefined;
          let query = valid.query;
          let expectPath = false;
          let mutation = null as ReturnType<typeof mutate> | null;
          if (valid.body !== undefined) {
            mutation = mutate(valid.body, pick, hostile, addKey);
            rawBody = bodyText(mutation.body, hostile);
            expectPath = !useBadId && mutation.hostile.alwaysInvalid;
          } else if (method !== "GET") {
            rawBody = bodyText(hostile.value, hostile);
          }
          if (valid.query) {
            const keys = Object.keys(valid.query);
            if (hostile.json) hostile = { ...hostile, value: hostile.json.slice(0, 2000) };
            query = { ...valid.query, [keys[pick % keys.length]]: asText(hostile.value) };
          } else if (method === "GET") {
            if (hostile.json) hostile = { ...hostile, value: hostile.json.slice(0, 2000) };
            query = { [["q", "page", "database_id", "format", "fields"][pick % 5]]: asText(hostile.value) };
          }
          const res = await call(handler, method, `/${route}`, {
            token,
            params: params(useBadId ? badId : null),
            query,
            rawBody,
            headers: rawBody === undefined ? {} : { "content-type": "application/json" },
          });
          const text = await res.text();
          const context = `${method} /${route} ${useBadId ? `id ${JSON.stringify(badId)} ` : ""}${mutation ? `${mutation.how} ${hostile.label} at ${JSON.stringify(mutation.path)}` : hostile.label}: ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, context).toBeLessThan(500);
          if (res.status < 400) known = null;
          if (res.status >= 400) {
            if (writes) expect(await snapshot(), context).toBe(before);
            const body = JSON.parse(text) as { error: { code: string; issues: { path: unknown; message: unknown }[] } };
            if (res.status === 400) {
              expect(body.error.issues.length, context).toBeGreaterThan(0);
              for (const issue of body.error.issues) expect(typeof issue.path === "string" && typeof issue.message === "string", context).toBe(true);
            }
          }
          if (expectPath) {
            expect([400, 404, 409, 413], context).toContain(res.status);
            if (res.status === 400) {
              const paths = (JSON.parse(text) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
              expect(paths.some((p) => p !== "") || mutation!.path.length === 0, context).toBe(true);
            }
          }
        }),
        { numRuns: FUZZ_RUNS, seed, endOnFailure: true },
      );
    });
  }
});

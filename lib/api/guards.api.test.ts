import { readdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as databasesRoute from "@/app/api/v1/databases/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import * as segmentsRoute from "@/app/api/v1/segments/route";
import { getDb } from "@/db/client";
import { apiTokens, users } from "@/db/schema";
import { makeUser } from "@/db/testing/fixtures";
import type { ActingUser } from "@/lib/access/acting-user";
import { revokeApiToken } from "@/lib/api-tokens/queries";
import { hashToken } from "@/lib/api-tokens/token-format";
import { apiRoute, json } from "./handler";
import { configureRateLimit } from "./rate-limit";
import { call, callJson, tokenFor } from "./testing";

let admin: ActingUser, marketer: ActingUser, adminToken: string, marketerToken: string;

beforeAll(async () => {
  admin = await makeUser("admin");
  marketer = await makeUser("marketer");
  adminToken = await tokenFor(admin);
  marketerToken = await tokenFor(marketer);
});

afterEach(() => configureRateLimit("defaults"));

describe("401: no token, a bad one, a revoked one, a deactivated user's", () => {
  it("answers 401 with the error shape and a WWW-Authenticate header", async () => {
    const none = await callJson(databasesRoute.GET, "GET", "/databases");
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: "unauthorized", message: expect.any(String), issues: [] } });
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    for (const header of ["Basic abc", "Bearer", "Bearer ds_short", `Bearer ds_${"a".repeat(43)}`]) {
      const res = await call(databasesRoute.GET, "GET", "/databases", { headers: { authorization: header, "x-forwarded-for": "10.0.0.1" } });
      expect(res.status, header).toBe(401);
    }
  });

  it("refuses a revoked token and the token of a deactivated user on the next request", async () => {
    const user = await makeUser("marketer");
    const token = await tokenFor(user);
    expect((await callJson(databasesRoute.GET, "GET", "/databases", { token })).status).toBe(200);
    const db = await getDb();
    await db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect((await callJson(databasesRoute.GET, "GET", "/databases", { token, headers: { "x-forwarded-for": "10.0.0.2" } })).status).toBe(401);
    await db.update(users).set({ active: true }).where(eq(users.id, user.id));
    expect((await callJson(databasesRoute.GET, "GET", "/databases", { token })).status).toBe(200);
    const [row] = await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
    await revokeApiToken(db, user, row.id);
    expect((await callJson(databasesRoute.GET, "GET", "/databases", { token, headers: { "x-forwarded-for": "10.0.0.2" } })).status).toBe(401);
  });

  it("stores only the token's hash and notes when it was last used", async () => {
    const user = await makeUser("lead");
    const token = await tokenFor(user);
    const db = await getDb();
    const [before] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
    expect(before.lastUsedAt).toBeNull();
    expect(JSON.stringify(before)).not.toContain(token);
    await callJson(databasesRoute.GET, "GET", "/databases", { token });
    const [after] = await db.select().from(apiTokens).where(eq(apiTokens.id, before.id));
    expect(after.lastUsedAt).toBeInstanceOf(Date);
  });

  it("locks out an address that keeps presenting invalid tokens (429)", async () => {
    const headers = { "x-forwarded-for": "203.0.113.9" };
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await call(databasesRoute.GET, "GET", "/databases", { token: `ds_${String(i).padStart(43, "x")}`, headers })).status);
    expect(statuses.slice(0, 19).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    const locked = await call(databasesRoute.GET, "GET", "/databases", { token: adminToken, headers });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(databasesRoute.GET, "GET", "/databases", { token: adminToken, headers: { "x-forwarded-for": "203.0.113.10" } })).status).toBe(200);
  });
});

describe("403: the role part of the permission table", () => {
  it("refuses a role the entry does not list, before reading the body", async () => {
    let ran = false;
    const adminsOnly = apiRoute("users.create", async () => {
      ran = true;
      return json({ ok: true });
    });
    const refused = await callJson(adminsOnly, "POST", "/users", { token: marketerToken, rawBody: "{not json" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect(ran).toBe(false);
    expect((await callJson(adminsOnly, "POST", "/users", { token: adminToken })).status).toBe(200);
  });
});

describe("413: bodies are capped", () => {
  it("refuses a declared Content-Length past the cap, and a streamed body that grows past it", async () => {
    const declared = await callJson(segmentsRoute.POST, "POST", "/segments", { token: adminToken, rawBody: "{}", headers: { "content-length": String(50 * 1024 * 1024) } });
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe("payload_too_large");
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await callJson(segmentsRoute.POST, "POST", "/segments", { token: adminToken, rawBody: stream });
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(64); // stopped reading once past the cap
  });

  it("answers malformed JSON with its line and column", async () => {
    const res = await callJson(segmentsRoute.POST, "POST", "/segments", { token: adminToken, rawBody: '{\n  "name": "x",\n  oops\n}' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].message).toMatch(/^Line 3, column 3/);
    const empty = await callJson(segmentsRoute.POST, "POST", "/segments", { token: adminToken, rawBody: "" });
    expect(empty.status).toBe(400);
  });
});

describe("429: per-token rate limit", () => {
  it("answers 429 with Retry-After once a token's bucket is empty; other tokens are not affected", async () => {
    configureRateLimit({ capacity: 3, refillPerSecond: 0.5 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(databasesRoute.GET, "GET", "/databases", { token: adminToken })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await callJson(databasesRoute.GET, "GET", "/databases", { token: adminToken });
    expect(limited.body.error.code).toBe("rate_limited");
    expect(limited.headers.get("retry-after")).toBe("2");
    expect((await call(databasesRoute.GET, "GET", "/databases", { token: marketerToken })).status).toBe(200);
  });
});

/** The OpenAPI paths of the route handlers in the app/api/v1 tree: `[id]` folders become `{id}`. */
function apiV1Paths(): string[] {
  const root = path.join(process.cwd(), "app", "api", "v1");
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((file) => path.basename(file) === "route.ts" && path.dirname(file) !== "openapi.json")
    .map((file) => `/${path.dirname(file).split(path.sep).join("/")}`.replace(/\[(\w+)\]/g, "{$1}"))
    .sort();
}

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document of every endpoint, generated from the zod schemas, served without a token", async () => {
    const res = await callJson(openapiRoute.GET, "GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    // Every route under app/api/v1 (but the document itself) is in the document, so a new route cannot be left out.
    expect(Object.keys(res.body.paths).sort()).toEqual(apiV1Paths());
    expect(apiV1Paths()).toEqual(expect.arrayContaining(["/segments", "/segments/{id}/explain", "/segments/{id}/versions/{n}"]));
    const create = res.body.paths["/segments"].post.requestBody.content["application/json"].schema;
    expect(create.required).toEqual(expect.arrayContaining(["name", "database_id"]));
    expect(create.properties.range).toBeDefined();
    expect(res.body.components.schemas.Segment.properties.count).toBeDefined();
    expect(res.body.paths["/segments/{id}"].delete.operationId).toBe("segments.bin");
    expect(res.body.components.schemas.SegmentVersion.required).toEqual(expect.arrayContaining(["n", "created_at", "created_by", "range", "conditions", "limit", "count"]));
    expect(res.body.components.schemas.Impact.properties.samples).toBeDefined();
  });
});

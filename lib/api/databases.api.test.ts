import { beforeAll, describe, expect, it } from "vitest";
import * as databases from "@/app/api/v1/databases/route";
import { makeGroup, makeUser } from "@/db/testing/fixtures";
import { configureRateLimit } from "./rate-limit";
import { callJson, tokenFor } from "./testing";

let adminToken: string, marketerToken: string, outsiderToken: string, groupId: number;

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  const group = await makeGroup();
  groupId = group.id;
  adminToken = await tokenFor(await makeUser("admin"));
  marketerToken = await tokenFor(await makeUser("marketer", [{ id: group.id }]));
  outsiderToken = await tokenFor(await makeUser("marketer"));
});

describe("POST /databases and GET /databases", () => {
  it("creates a database with fields and groups, and lists it only for those who may see it", async () => {
    const created = await callJson(databases.POST, "POST", "/databases", {
      token: marketerToken,
      body: { name: "API shop", fields: [{ key: "city", type: "string", label: "City" }, { key: "points", type: "number" }], access_groups: [groupId] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "API shop",
      fields: [{ key: "city", type: "string", label: "City" }, { key: "points", type: "number", label: "points" }],
      profile_count: 0,
      access_groups: [{ id: groupId }],
    });
    const mine = await callJson(databases.GET, "GET", "/databases", { token: marketerToken });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((d: { id: number }) => d.id)).toContain(created.body.id);
    const theirs = await callJson(databases.GET, "GET", "/databases", { token: outsiderToken });
    expect(theirs.body.data.map((d: { id: number }) => d.id)).not.toContain(created.body.id);
  });

  it("answers each validation error with its path", async () => {
    const res = await callJson(databases.POST, "POST", "/databases", {
      token: adminToken,
      body: { name: "", fields: [{ key: "Bad Key", type: "string" }, { key: "n", type: "money" }], access_groups: ["x"], extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    const paths = res.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "fields[0].key", "fields[1].type", "access_groups[0]", "extra"]));
  });

  it("refuses a group the user is not in at access_groups, and a taken name with 409", async () => {
    const refused = await callJson(databases.POST, "POST", "/databases", { token: outsiderToken, body: { name: "Not my group", fields: [], access_groups: [groupId] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues[0].path).toBe("access_groups");
    await callJson(databases.POST, "POST", "/databases", { token: adminToken, body: { name: "Taken name", fields: [] } });
    const taken = await callJson(databases.POST, "POST", "/databases", { token: adminToken, body: { name: "taken NAME", fields: [] } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: "conflict", issues: [{ path: "name" }] });
  });

  it("answers 401 without a token, with a bad token, and with a revoked one", async () => {
    expect((await callJson(databases.GET, "GET", "/databases")).status).toBe(401);
    const bad = await callJson(databases.GET, "GET", "/databases", { token: "ds_" + "x".repeat(43) });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe("unauthorized");
  });
});

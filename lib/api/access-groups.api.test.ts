import { beforeAll, describe, expect, it } from "vitest";
import * as memberRoute from "@/app/api/v1/access-groups/[id]/members/[userId]/route";
import * as membersRoute from "@/app/api/v1/access-groups/[id]/members/route";
import * as groupsRoute from "@/app/api/v1/access-groups/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { getDb } from "@/db/client";
import { makeGroup, makeUser } from "@/db/testing/fixtures";
import { loadActingUser, type ActingUser } from "@/lib/access/acting-user";
import { configureRateLimit } from "./rate-limit";
import { callJson, tokenFor } from "./testing";

let groupId: number, otherGroupId: number, lead: string, member: string, admin: string, newcomer: ActingUser;

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  groupId = (await makeGroup("API team")).id;
  otherGroupId = (await makeGroup("Other team")).id;
  lead = await tokenFor(await makeUser("lead", [{ id: groupId, lead: true }]));
  member = await tokenFor(await makeUser("marketer", [{ id: groupId }]));
  admin = await tokenFor(await makeUser("admin"));
  newcomer = await makeUser("marketer");
});

const params = (id: number, userId?: number) => ({ params: { id: String(id), ...(userId ? { userId: String(userId) } : {}) } });

describe("access groups over the API", () => {
  it("lists one's own groups; members only to those who manage them", async () => {
    const asMember = await callJson(groupsRoute.GET, "GET", "/access-groups", { token: member });
    expect(asMember.body.data).toEqual([expect.objectContaining({ id: groupId, name: "API team", membership: "member", can_manage_members: false, members: null, member_count: 2 })]);
    const asLead = await callJson(groupsRoute.GET, "GET", "/access-groups", { token: lead });
    expect(asLead.body.data[0].members).toHaveLength(2);
    const asAdmin = await callJson(groupsRoute.GET, "GET", "/access-groups", { token: admin });
    expect(asAdmin.body.data.map((g: { id: number }) => g.id)).toEqual(expect.arrayContaining([groupId, otherGroupId]));
  });

  it("a lead adds and removes a member; the membership counts on the member's next request", async () => {
    const added = await callJson(membersRoute.POST, "POST", `/access-groups/${groupId}/members`, { token: lead, body: { email: newcomer.email }, ...params(groupId) });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ user_id: newcomer.id, name: newcomer.name, email: newcomer.email, is_lead: false });
    expect((await loadActingUser(await getDb(), newcomer.id))!.groupIds).toContain(groupId);
    const again = await callJson(membersRoute.POST, "POST", `/access-groups/${groupId}/members`, { token: lead, body: { email: newcomer.email }, ...params(groupId) });
    expect(again.status).toBe(409);
    const removed = await callJson(memberRoute.DELETE, "DELETE", `/access-groups/${groupId}/members/${newcomer.id}`, { token: lead, ...params(groupId, newcomer.id) });
    expect(removed.status).toBe(204);
    expect((await loadActingUser(await getDb(), newcomer.id))!.groupIds).not.toContain(groupId);
  });

  it("answers 400 with the path, 403 for a marketer, 404 for a group the lead is not in", async () => {
    const bad = await callJson(membersRoute.POST, "POST", `/access-groups/${groupId}/members`, { token: lead, body: { email: "not an email" }, ...params(groupId) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe("email");
    const unknown = await callJson(membersRoute.POST, "POST", `/access-groups/${groupId}/members`, { token: lead, body: { email: "nobody@example.test" }, ...params(groupId) });
    expect(unknown.body.error.issues[0]).toMatchObject({ path: "email", message: "No active user has this email address." });
    const marketer = await callJson(membersRoute.POST, "POST", `/access-groups/${groupId}/members`, { token: member, body: { email: newcomer.email }, ...params(groupId) });
    expect(marketer.status).toBe(403);
    const outside = await callJson(membersRoute.POST, "POST", `/access-groups/${otherGroupId}/members`, { token: lead, body: { email: newcomer.email }, ...params(otherGroupId) });
    expect(outside.status).toBe(404);
    const absent = await callJson(memberRoute.DELETE, "DELETE", `/access-groups/${groupId}/members/99999`, { token: lead, ...params(groupId, 99999) });
    expect(absent.status).toBe(404);
  });

  it("is in the OpenAPI document with unique operation ids", async () => {
    const doc = (await callJson(openapiRoute.GET, "GET", "/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/access-groups", "/access-groups/{id}/members", "/access-groups/{id}/members/{userId}"]));
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

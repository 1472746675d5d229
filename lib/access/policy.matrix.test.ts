import { count, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as membersRoute from "@/app/api/v1/access-groups/[id]/members/route";
import * as profilesRoute from "@/app/api/v1/databases/[id]/profiles/route";
import * as cloneRoute from "@/app/api/v1/segments/[id]/clone/route";
import * as exportRoute from "@/app/api/v1/segments/[id]/profiles/route";
import * as segmentRoute from "@/app/api/v1/segments/[id]/route";
import * as previewRoute from "@/app/api/v1/segments/preview/route";
import { getDb } from "@/db/client";
import { accessGroupMembers, accessGroups, apiTokens, dynamicSegments, profiles, users } from "@/db/schema";
import { makeDatabase, makeGroup, makeSegment, makeUser } from "@/db/testing/fixtures";
import { addAccessGroupMemberAction, createAccessGroupAction, removeAccessGroupMemberAction } from "@/lib/access-groups/actions";
import type { ActionResult } from "@/lib/actions/result";
import { configureRateLimit } from "@/lib/api/rate-limit";
import { call, tokenFor } from "@/lib/api/testing";
import { createApiTokenAction, revokeApiTokenAction } from "@/lib/api-tokens/actions";
import { loadActingUser } from "@/lib/access/acting-user";
import { cloneSegmentAction, deleteSegmentPermanentlyAction, moveSegmentToBinAction } from "@/lib/dynamic-segments/actions";
import { calculateRuleAction, importConditionsAction } from "@/lib/dynamic-segments/builder-actions";
import { changeUserRoleAction, createUserAction, setUserActiveAction } from "@/lib/users/actions";

/**
 * The permission matrix: representative server actions and API endpoints, each run as every kind of
 * caller, with the exact outcome expected — done, 403 (role forbids), 404 (outside the caller's
 * groups, indistinguishable from absent) or 401 (signed out, deactivated) — and, on refusal, nothing
 * changed. Sessions are the only thing faked: the acting user is read from the database as in production.
 */
const session = vi.hoisted(() => ({ userId: null as number | null }));
vi.mock("@/lib/auth/session", async () => {
  const { getDb: db } = await import("@/db/client");
  const { loadActingUser: load } = await import("@/lib/access/acting-user");
  const currentUser = async () => (session.userId === null ? null : load(await db(), session.userId));
  return { currentUser, requireUser: currentUser };
});
vi.mock("next/cache", () => ({ revalidatePath: vi.fn(), revalidateTag: vi.fn() }));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${url};307;` });
  },
  notFound: () => {
    throw Object.assign(new Error("NEXT_HTTP_ERROR_FALLBACK;404"), { digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
  },
}));

const personas = ["admin", "lead", "insider", "outsider", "deactivated", "anonymous"] as const;
type Persona = (typeof personas)[number];
type Outcome = "done" | 401 | 403 | 404;

const ids = {} as Record<Persona, number | null>;
const tokens = {} as Record<Persona, string | null>;
let groupId: number, otherGroupId: number, groupDatabaseId: number, groupSegmentId: number, spareUserEmail: string;

beforeAll(async () => {
  configureRateLimit({ capacity: 1_000_000 });
  const group = await makeGroup();
  groupId = group.id;
  otherGroupId = (await makeGroup()).id;
  const made = {
    admin: await makeUser("admin"),
    lead: await makeUser("lead", [{ id: groupId, lead: true }]),
    insider: await makeUser("marketer", [{ id: groupId }]),
    outsider: await makeUser("marketer"),
    deactivated: await makeUser("marketer", [{ id: groupId }]),
  };
  for (const p of personas) {
    const user = p === "anonymous" ? null : made[p];
    ids[p] = user?.id ?? null;
    tokens[p] = user ? await tokenFor(user) : null;
  }
  const db = await getDb();
  await db.update(users).set({ active: false }).where(eq(users.id, made.deactivated.id));
  spareUserEmail = (await makeUser("marketer")).email;
  groupDatabaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }], groupIds: [groupId] })).id;
  groupSegmentId = (await makeSegment({ databaseId: groupDatabaseId, groupIds: [groupId], name: "Group segment" })).id;
});

function as(persona: Persona) {
  session.userId = ids[persona];
}

const codeStatus: Record<string, Outcome> = { unauthorized: 401, forbidden: 403, not_found: 404 };

function outcomeOf(result: ActionResult<unknown, unknown> | null): Outcome | string {
  if (result?.ok) return "done";
  return codeStatus[result?.code ?? ""] ?? `unexpected: ${result?.code} ${result?.message}`;
}

async function httpOutcome(res: Response): Promise<Outcome | string> {
  if (res.status >= 200 && res.status < 300) return "done";
  return codeStatus[((await res.json()) as { error: { code: string } }).error.code] ?? `unexpected ${res.status}`;
}

const form = (values: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) for (const item of [v].flat()) data.append(k, item);
  return data;
};

const accessGroupCount = async () => (await (await getDb()).select({ n: count() }).from(accessGroups))[0].n;
const segmentCount = async () => (await (await getDb()).select({ n: count() }).from(dynamicSegments))[0].n;

type Case = {
  name: string;
  expect: Record<Persona, Outcome>;
  /** Makes what the call needs, fresh for each caller (so "done" for one cannot hide a refusal for another). */
  prepare?: () => Promise<number>;
  run: (persona: Persona, target: number) => Promise<Outcome | string>;
  /** A snapshot that must be identical before and after a refused call. */
  state: (target: number) => Promise<unknown>;
};

const everyone: Record<Persona, Outcome> = { admin: "done", lead: "done", insider: "done", outsider: 404, deactivated: 401, anonymous: 401 };
const adminsOnly: Record<Persona, Outcome> = { admin: "done", lead: 403, insider: 403, outsider: 403, deactivated: 401, anonymous: 401 };

const freshGroupSegment = async () => (await makeSegment({ databaseId: groupDatabaseId, groupIds: [groupId] })).id;
const segmentRow = async (id: number) => (await (await getDb()).select().from(dynamicSegments).where(eq(dynamicSegments.id, id)))[0] ?? null;

const cases: Case[] = [
  // ---- server actions ----
  { name: "action: clone a segment of the group", expect: everyone, run: async () => outcomeOf(await cloneSegmentAction({ id: groupSegmentId })), state: segmentCount },
  {
    name: "action: move a segment of the group to the bin",
    expect: everyone,
    prepare: freshGroupSegment,
    run: async (_p, id) => outcomeOf(await moveSegmentToBinAction({ id })),
    state: segmentRow,
  },
  {
    name: "action: delete a binned segment of the group permanently",
    expect: { admin: "done", lead: "done", insider: 403, outsider: 403, deactivated: 401, anonymous: 401 },
    prepare: async () => {
      const id = await freshGroupSegment();
      await (await getDb()).update(dynamicSegments).set({ deletedAt: new Date() }).where(eq(dynamicSegments.id, id));
      return id;
    },
    run: async (_p, id) => outcomeOf(await deleteSegmentPermanentlyAction({ id })),
    state: segmentRow,
  },
  {
    name: "action: calculate a rule on the group's database",
    expect: everyone,
    run: async () => outcomeOf(await calculateRuleAction({ rule: { databaseId: groupDatabaseId, range: { from: 0, to: 100 }, conditions: null, limit: null } })),
    state: async () => null,
  },
  { name: "action: import the conditions of the group's segment", expect: everyone, run: async () => outcomeOf(await importConditionsAction({ segmentId: groupSegmentId })), state: async () => null },
  {
    name: "action: add a member to the group",
    expect: { admin: "done", lead: "done", insider: 403, outsider: 403, deactivated: 401, anonymous: 401 },
    prepare: async () => {
      const db = await getDb();
      const [spare] = await db.select({ id: users.id }).from(users).where(eq(users.email, spareUserEmail));
      await db.delete(accessGroupMembers).where(eq(accessGroupMembers.userId, spare.id));
      return spare.id;
    },
    run: async () => outcomeOf(await addAccessGroupMemberAction(null, form({ groupId: String(groupId), email: spareUserEmail }))),
    state: async (spareId) => (await (await getDb()).select().from(accessGroupMembers).where(eq(accessGroupMembers.userId, spareId))).length,
  },
  {
    name: "action: add a member to a group the caller is not in",
    expect: { admin: "done", lead: 404, insider: 403, outsider: 403, deactivated: 401, anonymous: 401 },
    prepare: async () => {
      const db = await getDb();
      const [spare] = await db.select({ id: users.id }).from(users).where(eq(users.email, spareUserEmail));
      await db.delete(accessGroupMembers).where(eq(accessGroupMembers.userId, spare.id));
      return spare.id;
    },
    run: async () => outcomeOf(await addAccessGroupMemberAction(null, form({ groupId: String(otherGroupId), email: spareUserEmail }))),
    state: async (spareId) => (await (await getDb()).select().from(accessGroupMembers).where(eq(accessGroupMembers.userId, spareId))).length,
  },
  {
    name: "action: remove a member from the group",
    expect: { admin: "done", lead: "done", insider: 403, outsider: 403, deactivated: 401, anonymous: 401 },
    prepare: async () => {
      const member = await makeUser("marketer", [{ id: groupId }]);
      return member.id;
    },
    run: async (_p, memberId) => outcomeOf(await removeAccessGroupMemberAction({ groupId, memberId })),
    state: async (memberId) => (await (await getDb()).select().from(accessGroupMembers).where(eq(accessGroupMembers.userId, memberId))).length,
  },
  {
    name: "action: create an access group",
    expect: adminsOnly,
    run: async () => outcomeOf(await createAccessGroupAction(null, form({ name: `Matrix group ${Math.random()}` }))),
    state: accessGroupCount,
  },
  {
    name: "action: create a user",
    expect: adminsOnly,
    run: async () => outcomeOf(await createUserAction(null, form({ name: "New", email: `new${Math.random()}@example.test`, role: "marketer", password: "long enough" }))),
    state: async () => (await (await getDb()).select({ n: count() }).from(users))[0].n,
  },
  {
    name: "action: change a user's role",
    expect: adminsOnly,
    prepare: async () => (await makeUser("marketer")).id,
    run: async (_p, userId) => outcomeOf(await changeUserRoleAction({ userId, role: "lead" })),
    state: async (userId) => (await (await getDb()).select({ role: users.role }).from(users).where(eq(users.id, userId)))[0],
  },
  {
    name: "action: deactivate a user",
    expect: adminsOnly,
    prepare: async () => (await makeUser("marketer")).id,
    run: async (_p, userId) => outcomeOf(await setUserActiveAction({ userId, active: false })),
    state: async (userId) => (await (await getDb()).select({ active: users.active }).from(users).where(eq(users.id, userId)))[0],
  },
  {
    name: "action: create an API token",
    expect: { admin: "done", lead: "done", insider: "done", outsider: "done", deactivated: 401, anonymous: 401 },
    run: async () => outcomeOf(await createApiTokenAction(null, form({ name: "matrix" }))),
    state: async () => (await (await getDb()).select({ n: count() }).from(apiTokens))[0].n,
  },
  {
    name: "action: revoke the insider's API token",
    expect: { admin: 404, lead: 404, insider: "done", outsider: 404, deactivated: 401, anonymous: 401 },
    prepare: async () => {
      const insider = await loadActingUser(await getDb(), ids.insider!);
      await tokenFor(insider!, "to revoke");
      const [row] = await (await getDb()).select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.name, "to revoke")).orderBy(desc(apiTokens.id)).limit(1);
      return row.id;
    },
    run: async (_p, tokenId) => outcomeOf(await revokeApiTokenAction({ tokenId })),
    state: async (tokenId) => (await (await getDb()).select({ revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, tokenId)))[0],
  },

  // ---- API endpoints (the same table, through bearer tokens) ----
  {
    name: "API: GET /segments/{id} of the group",
    expect: everyone,
    run: async (p) => httpOutcome(await call(segmentRoute.GET, "GET", `/segments/${groupSegmentId}`, { token: tokens[p], params: { id: String(groupSegmentId) } })),
    state: async () => null,
  },
  {
    name: "API: POST /segments/{id}/clone of the group",
    expect: everyone,
    run: async (p) => httpOutcome(await call(cloneRoute.POST, "POST", `/segments/${groupSegmentId}/clone`, { token: tokens[p], params: { id: String(groupSegmentId) } })),
    state: segmentCount,
  },
  {
    name: "API: DELETE /segments/{id} of the group",
    expect: everyone,
    prepare: freshGroupSegment,
    run: async (p, id) => httpOutcome(await call(segmentRoute.DELETE, "DELETE", `/segments/${id}`, { token: tokens[p], params: { id: String(id) } })),
    state: segmentRow,
  },
  {
    name: "API: POST /databases/{id}/profiles of the group's database",
    expect: everyone,
    run: async (p) =>
      httpOutcome(await call(profilesRoute.POST, "POST", `/databases/${groupDatabaseId}/profiles`, { token: tokens[p], body: { profiles: [{ email: "m@example.test" }] }, params: { id: String(groupDatabaseId) } })),
    state: async () => (await (await getDb()).select({ n: count() }).from(profiles).where(eq(profiles.databaseId, groupDatabaseId)))[0].n,
  },
  {
    name: "API: POST /access-groups/{id}/members of the group",
    expect: { admin: "done", lead: "done", insider: 403, outsider: 403, deactivated: 401, anonymous: 401 },
    prepare: async () => {
      const db = await getDb();
      const [spare] = await db.select({ id: users.id }).from(users).where(eq(users.email, spareUserEmail));
      await db.delete(accessGroupMembers).where(eq(accessGroupMembers.userId, spare.id));
      return spare.id;
    },
    run: async (p) => httpOutcome(await call(membersRoute.POST, "POST", `/access-groups/${groupId}/members`, { token: tokens[p], body: { email: spareUserEmail }, params: { id: String(groupId) } })),
    state: async (spareId) => (await (await getDb()).select().from(accessGroupMembers).where(eq(accessGroupMembers.userId, spareId))).length,
  },
  {
    name: "API: POST /access-groups/{id}/members of a group the caller is not in",
    expect: { admin: "done", lead: 404, insider: 403, outsider: 403, deactivated: 401, anonymous: 401 },
    prepare: async () => {
      const db = await getDb();
      const [spare] = await db.select({ id: users.id }).from(users).where(eq(users.email, spareUserEmail));
      await db.delete(accessGroupMembers).where(eq(accessGroupMembers.userId, spare.id));
      return spare.id;
    },
    run: async (p) => httpOutcome(await call(membersRoute.POST, "POST", `/access-groups/${otherGroupId}/members`, { token: tokens[p], body: { email: spareUserEmail }, params: { id: String(otherGroupId) } })),
    state: async (spareId) => (await (await getDb()).select().from(accessGroupMembers).where(eq(accessGroupMembers.userId, spareId))).length,
  },
  {
    name: "API: POST /segments/preview on the group's database",
    expect: everyone,
    run: async (p) => httpOutcome(await call(previewRoute.POST, "POST", "/segments/preview", { token: tokens[p], body: { database_id: groupDatabaseId } })),
    state: async () => null,
  },
  {
    name: "API: GET /segments/{id}/profiles of the group",
    expect: everyone,
    run: async (p) => {
      const res = await call(exportRoute.GET, "GET", `/segments/${groupSegmentId}/profiles`, { token: tokens[p], query: { format: "ndjson" }, params: { id: String(groupSegmentId) } });
      const outcome = await httpOutcome(res.ok ? new Response(null, { status: res.status }) : res);
      if (res.ok) await res.body?.cancel();
      return outcome;
    },
    state: async () => null,
  },
];

describe.each(cases)("$name", (c) => {
  it.each(personas)(`as %s`, async (persona) => {
    const target = (await c.prepare?.()) ?? 0;
    const before = await c.state(target);
    as(persona);
    const outcome = await c.run(persona, target);
    session.userId = null;
    expect(outcome).toBe(c.expect[persona]);
    if (outcome !== "done") expect(await c.state(target)).toEqual(before);
  });
});

describe("the snapshots see what a refused call must not do", () => {
  it("a group created by a refused \"create an access group\" changes its snapshot (members or not)", async () => {
    const c = cases.find((k) => k.name === "action: create an access group")!;
    const before = await c.state(0);
    await makeGroup(`Leaked group ${Math.random()}`);
    expect(await c.state(0)).not.toEqual(before);
  });
});

import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { accessGroupMembers } from "@/db/schema";
import { makeDatabase, makeGroup, makeUser } from "@/db/testing/fixtures";
import { loadActingUser, type ActingUser } from "@/lib/access/acting-user";
import { addAccessGroupMember, createAccessGroup, deleteAccessGroup, listAccessGroups, removeAccessGroupMember, renameAccessGroup, setAccessGroupLeads } from "./queries";
import { createGroupSchema, memberEmailSchema } from "./schema";

let admin: ActingUser, lead: ActingUser, member: ActingUser, groupId: number;

beforeAll(async () => {
  const group = await makeGroup("Team Alpha");
  groupId = group.id;
  admin = await makeUser("admin");
  lead = await makeUser("lead", [{ id: groupId, lead: true }]);
  member = await makeUser("marketer", [{ id: groupId }]);
});

describe("access groups", () => {
  it("everyone sees their own groups; members are listed only to leads and admins", async () => {
    const db = await getDb();
    const asMember = await listAccessGroups(db, member);
    expect(asMember.map((g) => g.name)).toEqual(["Team Alpha"]);
    expect(asMember[0]).toMatchObject({ membership: "member", canManageMembers: false, members: null, memberCount: 2, usage: null });
    expect(asMember[0].leads.map((l) => l.name)).toEqual([lead.name]);
    const asLead = await listAccessGroups(db, lead);
    expect(asLead[0].members?.map((m) => m.email).sort()).toEqual([lead.email, member.email].sort());
    expect((await listAccessGroups(db, await makeUser("marketer"))).length).toBe(0);
    expect((await listAccessGroups(db, admin)).map((g) => g.name)).toContain("Team Alpha");
  });

  it("a lead adds and removes members by email, but not leads; a member who does not lead cannot", async () => {
    const db = await getDb();
    const newcomer = await makeUser("marketer");
    const added = await addAccessGroupMember(db, lead, groupId, memberEmailSchema.parse(newcomer.email.toUpperCase()));
    expect(added.userId).toBe(newcomer.id);
    expect((await loadActingUser(db, newcomer.id))!.groupIds).toContain(groupId);
    await expect(addAccessGroupMember(db, lead, groupId, newcomer.email)).rejects.toMatchObject({ code: "conflict" });
    await expect(addAccessGroupMember(db, lead, groupId, "nobody@example.test")).rejects.toMatchObject({ code: "validation_failed", issues: [{ path: "email" }] });
    await expect(removeAccessGroupMember(db, lead, groupId, lead.id)).rejects.toMatchObject({ code: "forbidden" });
    const reloadedMember = (await loadActingUser(db, member.id))!;
    await expect(removeAccessGroupMember(db, { ...reloadedMember, role: "lead" }, groupId, newcomer.id)).rejects.toMatchObject({ code: "forbidden" });
    await removeAccessGroupMember(db, lead, groupId, newcomer.id);
    expect((await loadActingUser(db, newcomer.id))!.groupIds).not.toContain(groupId);
  });

  it("admins create groups with team leads as leads, rename them, and change leads", async () => {
    const db = await getDb();
    const otherLead = await makeUser("lead");
    const { id } = await createAccessGroup(db, admin, createGroupSchema.parse({ name: "Team Beta", leadIds: [otherLead.id] }));
    expect((await loadActingUser(db, otherLead.id))!.leadGroupIds).toContain(id);
    await expect(createAccessGroup(db, admin, createGroupSchema.parse({ name: "team beta" }))).rejects.toMatchObject({ code: "conflict", issues: [{ path: "name" }] });
    await expect(createAccessGroup(db, admin, createGroupSchema.parse({ name: "Team Gamma", leadIds: [member.id] }))).rejects.toMatchObject({ issues: [{ path: "leadIds" }] });
    await renameAccessGroup(db, admin, id, "Team Beta (EU)");
    await setAccessGroupLeads(db, admin, id, [lead.id]);
    const rows = await db.select().from(accessGroupMembers).where(eq(accessGroupMembers.groupId, id));
    expect(rows.map((r) => [r.userId, r.isLead]).sort()).toEqual([[lead.id, true], [otherLead.id, false]].sort());
  });

  it("refuses to delete a group that still controls access to a database, so it never becomes public", async () => {
    const db = await getDb();
    const group = await makeGroup();
    await makeDatabase({ groupIds: [group.id] });
    await expect(deleteAccessGroup(db, admin, group.id)).rejects.toMatchObject({ code: "conflict" });
    const unused = await makeGroup();
    await deleteAccessGroup(db, admin, unused.id);
    await expect(deleteAccessGroup(db, admin, unused.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteAccessGroup(db, lead, group.id)).rejects.toMatchObject({ code: "forbidden" });
  });
});

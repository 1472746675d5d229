import "server-only";
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import {
  accessGroupMembers,
  accessGroups,
  dynamicSegmentAccessGroups,
  profileDatabaseAccessGroups,
  staticSegmentAccessGroups,
  users,
} from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, forbidden, invalid, notFound } from "@/lib/errors";
import type { NewGroup } from "./schema";

export type GroupMember = { userId: number; name: string; email: string; isLead: boolean };

/**
 * An access group as the settings page shows it to one user. Members are listed only to those who
 * manage them (admins, the group's leads); a plain member sees the group, its leads and its size.
 */
export type AccessGroupView = {
  id: number;
  name: string;
  /** The viewer's place in the group; null for an admin who is not in it. */
  membership: "lead" | "member" | null;
  canManageMembers: boolean;
  leads: { userId: number; name: string }[];
  memberCount: number;
  members: GroupMember[] | null;
  /** Segments and databases that carry the group (admins only; null for others). */
  usage: { databases: number; segments: number } | null;
};

/** The groups the user belongs to (admins: every group), by name. */
export async function listAccessGroups(db: Db, user: ActingUser): Promise<AccessGroupView[]> {
  authorize(user, "accessGroups.list");
  const isAdmin = user.role === "admin";
  if (!isAdmin && user.groupIds.length === 0) return [];
  const groups = await db
    .select({ id: accessGroups.id, name: accessGroups.name })
    .from(accessGroups)
    .where(isAdmin ? undefined : inArray(accessGroups.id, user.groupIds))
    .orderBy(asc(accessGroups.name));
  if (!groups.length) return [];
  const ids = groups.map((g) => g.id);
  const members = await db
    .select({ groupId: accessGroupMembers.groupId, userId: users.id, name: users.name, email: users.email, isLead: accessGroupMembers.isLead })
    .from(accessGroupMembers)
    .innerJoin(users, eq(users.id, accessGroupMembers.userId))
    .where(inArray(accessGroupMembers.groupId, ids))
    .orderBy(sql`${accessGroupMembers.isLead} desc`, asc(users.name));
  const usage = isAdmin ? await groupUsage(db, ids) : null;
  return groups.map((g) => {
    const mine = members.filter((m) => m.groupId === g.id);
    const canManageMembers = isAdmin || (user.role === "lead" && user.leadGroupIds.includes(g.id));
    return {
      id: g.id,
      name: g.name,
      membership: user.leadGroupIds.includes(g.id) ? "lead" : user.groupIds.includes(g.id) ? "member" : null,
      canManageMembers,
      leads: mine.filter((m) => m.isLead).map((m) => ({ userId: m.userId, name: m.name })),
      memberCount: mine.length,
      members: canManageMembers ? mine.map(({ groupId: _g, ...m }) => m) : null,
      usage: usage ? (usage.get(g.id) ?? { databases: 0, segments: 0 }) : null,
    };
  });
}

async function groupUsage(db: Db, ids: number[]): Promise<Map<number, { databases: number; segments: number }>> {
  const [dbs, dyn, stat] = await Promise.all([
    db.select({ id: profileDatabaseAccessGroups.groupId, n: count() }).from(profileDatabaseAccessGroups).where(inArray(profileDatabaseAccessGroups.groupId, ids)).groupBy(profileDatabaseAccessGroups.groupId),
    db.select({ id: dynamicSegmentAccessGroups.groupId, n: count() }).from(dynamicSegmentAccessGroups).where(inArray(dynamicSegmentAccessGroups.groupId, ids)).groupBy(dynamicSegmentAccessGroups.groupId),
    db.select({ id: staticSegmentAccessGroups.groupId, n: count() }).from(staticSegmentAccessGroups).where(inArray(staticSegmentAccessGroups.groupId, ids)).groupBy(staticSegmentAccessGroups.groupId),
  ]);
  const out = new Map<number, { databases: number; segments: number }>();
  for (const id of ids) out.set(id, { databases: 0, segments: 0 });
  for (const r of dbs) out.get(r.id)!.databases += r.n;
  for (const r of [...dyn, ...stat]) out.get(r.id)!.segments += r.n;
  return out;
}

/** Users an admin may choose as a group's leads: active team leads. */
export async function leadCandidates(db: Db, user: ActingUser): Promise<{ id: number; name: string; email: string }[]> {
  authorize(user, "accessGroups.manage");
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.role, "lead"), eq(users.active, true)))
    .orderBy(asc(users.name));
}

const nameTaken = () => new AppError("conflict", "An access group with this name already exists.", [{ path: "name", message: "This name is taken." }]);

async function requireGroup(db: Db, groupId: number) {
  if (!Number.isSafeInteger(groupId) || groupId <= 0 || groupId > 2_147_483_647) throw notFound("The access group");
  const [row] = await db.select().from(accessGroups).where(eq(accessGroups.id, groupId));
  if (!row) throw notFound("The access group");
  return row;
}

/** Leads must be active team leads; anything else is a validation issue at `leadIds`. */
async function checkLeads(db: Db, leadIds: number[]): Promise<number[]> {
  const unique = [...new Set(leadIds)];
  if (!unique.length) return [];
  const found = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, unique), eq(users.role, "lead"), eq(users.active, true)));
  if (found.length !== unique.length) throw invalid([{ path: "leadIds", message: "Leads must be active users with the team lead role." }]);
  return unique;
}

/** Admins: a new group with its leads (who become its first members). */
export async function createAccessGroup(db: Db, user: ActingUser, input: NewGroup): Promise<{ id: number }> {
  authorize(user, "accessGroups.manage");
  const leadIds = await checkLeads(db, input.leadIds);
  try {
    return await db.transaction(async (tx) => {
      const [taken] = await tx.select({ id: accessGroups.id }).from(accessGroups).where(sql`lower(${accessGroups.name}) = lower(${input.name})`);
      if (taken) throw nameTaken();
      const [group] = await tx.insert(accessGroups).values({ name: input.name }).returning({ id: accessGroups.id });
      if (leadIds.length) await tx.insert(accessGroupMembers).values(leadIds.map((userId) => ({ groupId: group.id, userId, isLead: true })));
      return group;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

export async function renameAccessGroup(db: Db, user: ActingUser, groupId: number, name: string): Promise<void> {
  authorize(user, "accessGroups.manage");
  await requireGroup(db, groupId);
  const [taken] = await db
    .select({ id: accessGroups.id })
    .from(accessGroups)
    .where(and(sql`lower(${accessGroups.name}) = lower(${name})`, sql`${accessGroups.id} <> ${groupId}`));
  if (taken) throw nameTaken();
  try {
    await db.update(accessGroups).set({ name }).where(eq(accessGroups.id, groupId));
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken();
    throw error;
  }
}

/**
 * Deletes a group. A group still on databases or segments is refused: without it, an object whose only
 * group it was would become visible to every user.
 */
export async function deleteAccessGroup(db: Db, user: ActingUser, groupId: number): Promise<void> {
  authorize(user, "accessGroups.manage");
  await requireGroup(db, groupId);
  const usage = (await groupUsage(db, [groupId])).get(groupId)!;
  if (usage.databases || usage.segments) {
    const parts = [usage.databases ? `${usage.databases} profile database${usage.databases === 1 ? "" : "s"}` : "", usage.segments ? `${usage.segments} segment${usage.segments === 1 ? "" : "s"}` : ""].filter(Boolean);
    throw new AppError("conflict", `This group still controls access to ${parts.join(" and ")}. Remove it from them first, or they would become visible to everyone.`);
  }
  await db.delete(accessGroups).where(eq(accessGroups.id, groupId));
}

/** Admins: the group's leads are exactly `leadIds` (added as members if needed); former leads stay as members. */
export async function setAccessGroupLeads(db: Db, user: ActingUser, groupId: number, leadIds: number[]): Promise<void> {
  authorize(user, "accessGroups.manage");
  await requireGroup(db, groupId);
  const leads = await checkLeads(db, leadIds);
  await db.transaction(async (tx) => {
    await tx.update(accessGroupMembers).set({ isLead: false }).where(eq(accessGroupMembers.groupId, groupId));
    if (leads.length)
      await tx
        .insert(accessGroupMembers)
        .values(leads.map((userId) => ({ groupId, userId, isLead: true })))
        .onConflictDoUpdate({ target: [accessGroupMembers.groupId, accessGroupMembers.userId], set: { isLead: true } });
  });
}

/**
 * The group if the user may manage its members: admins any group; a lead the groups they lead. A group
 * the user is not in (or that does not exist) is 404; one they are in but do not lead is 403.
 */
async function requireManagedGroup(db: Db, user: ActingUser, groupId: number) {
  authorize(user, "accessGroups.manageMembers");
  if (user.role !== "admin" && !user.groupIds.includes(groupId)) throw notFound("The access group");
  const group = await requireGroup(db, groupId);
  if (user.role !== "admin" && !user.leadGroupIds.includes(groupId)) throw forbidden("Only the group's leads and admins can change its members.");
  return group;
}

/** Adds an active user, found by email, to a group the user leads (admins: any group). */
/** `email` as `memberEmailSchema` parses it (trimmed, lower case). */
export async function addAccessGroupMember(db: Db, user: ActingUser, groupId: number, email: string): Promise<GroupMember> {
  const group = await requireManagedGroup(db, user, groupId);
  const [member] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, email), eq(users.active, true)));
  if (!member) throw invalid([{ path: "email", message: "No active user has this email address." }]);
  const [inserted] = await db
    .insert(accessGroupMembers)
    .values({ groupId, userId: member.id, isLead: false })
    .onConflictDoNothing()
    .returning({ userId: accessGroupMembers.userId });
  if (!inserted) throw new AppError("conflict", `${member.name} is already a member of ${group.name}.`, [{ path: "email", message: "Already a member." }]);
  return { userId: member.id, name: member.name, email: member.email, isLead: false };
}

/** Removes a member (not a lead: admins choose leads) from a group the user leads (admins: any). */
export async function removeAccessGroupMember(db: Db, user: ActingUser, groupId: number, memberId: number): Promise<void> {
  await requireManagedGroup(db, user, groupId);
  if (!Number.isSafeInteger(memberId) || memberId <= 0 || memberId > 2_147_483_647) throw notFound("The member");
  const [row] = await db
    .select({ isLead: accessGroupMembers.isLead })
    .from(accessGroupMembers)
    .where(and(eq(accessGroupMembers.groupId, groupId), eq(accessGroupMembers.userId, memberId)));
  if (!row) throw notFound("The member");
  if (row.isLead && user.role !== "admin") throw forbidden("Only admins change a group's leads.");
  await db.delete(accessGroupMembers).where(and(eq(accessGroupMembers.groupId, groupId), eq(accessGroupMembers.userId, memberId)));
}

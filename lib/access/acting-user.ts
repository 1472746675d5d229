import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accessGroupMembers, users, type UserRole } from "@/db/schema";

/** The user on whose behalf the data layer acts, read from the database on every request (SPEC §3). */
export type ActingUser = {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  /** Access groups the user belongs to. */
  groupIds: number[];
  /** Access groups the user leads (a subset of groupIds). */
  leadGroupIds: number[];
  /** The sign-in session behind this request (browser requests only; absent for API tokens and jobs). */
  sessionId?: string | null;
};

/** Loads an active user with their groups; a missing or deactivated user is `null`. */
export async function loadActingUser(db: Db, userId: number): Promise<ActingUser | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.active, true)));
  if (!user) return null;
  const memberships = await db
    .select({ groupId: accessGroupMembers.groupId, isLead: accessGroupMembers.isLead })
    .from(accessGroupMembers)
    .where(eq(accessGroupMembers.userId, userId));
  return {
    ...user,
    groupIds: memberships.map((m) => m.groupId),
    leadGroupIds: memberships.filter((m) => m.isLead).map((m) => m.groupId),
  };
}

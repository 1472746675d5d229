import "server-only";
import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { accessGroupMembers, accessGroups, users } from "@/db/schema";
import { authorize } from "@/lib/access/policy";
import type { ActingUser } from "@/lib/access/acting-user";
import bcrypt from "bcryptjs";
import { hashPassword } from "@/lib/auth/credentials";
import { lockedUntil, recordFailure, retryMessage } from "@/lib/auth/throttle";
import { revokeUserSessions } from "@/lib/auth/user-sessions";
import { AppError, invalid, notFound } from "@/lib/errors";
import type { NewUser, OwnPasswordChange, Role } from "./schema";

/** A user as the Users page shows it to admins: never the password hash. */
export type UserSummary = {
  id: number;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  createdAt: string;
  groups: { id: number; name: string; isLead: boolean }[];
};

/** Every user with their groups, by name (admins only). */
export async function listUsers(db: Db, actor: ActingUser): Promise<UserSummary[]> {
  authorize(actor, "users.list");
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, active: users.active, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.name), asc(users.id));
  const memberships = await db
    .select({ userId: accessGroupMembers.userId, id: accessGroups.id, name: accessGroups.name, isLead: accessGroupMembers.isLead })
    .from(accessGroupMembers)
    .innerJoin(accessGroups, eq(accessGroups.id, accessGroupMembers.groupId))
    .orderBy(asc(accessGroups.name));
  return rows.map((u) => ({
    ...u,
    createdAt: u.createdAt.toISOString(),
    groups: memberships.filter((m) => m.userId === u.id).map(({ id, name, isLead }) => ({ id, name, isLead })),
  }));
}

const emailTaken = () => new AppError("conflict", "A user with this email already exists.", [{ path: "email", message: "This email is already in use." }]);

/** Creates a user with a role and a first password (bcrypt, random salt). */
export async function createUser(db: Db, actor: ActingUser, input: NewUser): Promise<{ id: number }> {
  authorize(actor, "users.create");
  const { name, email, role, password } = input;
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email));
  if (taken) throw emailTaken();
  try {
    const [row] = await db.insert(users).values({ name, email, role, passwordHash: await hashPassword(password) }).returning({ id: users.id });
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

async function requireUserRow(db: Db, userId: number) {
  if (!Number.isSafeInteger(userId) || userId <= 0 || userId > 2_147_483_647) throw notFound("The user");
  const [row] = await db.select({ id: users.id, role: users.role, active: users.active }).from(users).where(eq(users.id, userId));
  if (!row) throw notFound("The user");
  return row;
}

/** Admins cannot change their own role or deactivate themselves: another admin must, so there is always one. */
function notSelf(actor: ActingUser, userId: number, what: string) {
  if (actor.id === userId) throw new AppError("conflict", `You cannot ${what} yourself. Ask another admin.`);
}

async function otherActiveAdmins(db: Db, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true), ne(users.id, userId)));
  return row.n;
}

/** Changes a user's role; it counts from their next request. The last active admin keeps the role. */
export async function changeUserRole(db: Db, actor: ActingUser, userId: number, role: Role): Promise<void> {
  authorize(actor, "users.update");
  const target = await requireUserRow(db, userId);
  notSelf(actor, userId, "change the role of");
  if (target.role === "admin" && role !== "admin" && target.active && (await otherActiveAdmins(db, userId)) === 0)
    throw new AppError("conflict", "This is the last active admin. Make someone else an admin first.");
  await db.update(users).set({ role }).where(eq(users.id, userId));
}

/**
 * Deactivates or reactivates a user. A deactivated user's next request is refused: pages send them to
 * sign-in, actions answer "unauthorized", API tokens answer 401 (every request reads `active`).
 */
export async function setUserActive(db: Db, actor: ActingUser, userId: number, active: boolean): Promise<void> {
  authorize(actor, "users.update");
  const target = await requireUserRow(db, userId);
  notSelf(actor, userId, active ? "reactivate" : "deactivate");
  if (!active && target.role === "admin" && (await otherActiveAdmins(db, userId)) === 0)
    throw new AppError("conflict", "This is the last active admin. Make someone else an admin first.");
  await db.transaction(async (tx) => {
    await tx.update(users).set({ active }).where(eq(users.id, userId));
    // Reactivating must not bring old cookies back to life.
    if (!active) await revokeUserSessions(tx, userId);
  });
}

/**
 * Sets a new password for a user (e.g. one who forgot theirs, or whose password leaked) and ends every
 * session they have — an admin resetting their own password keeps only the session doing it.
 */
export async function setUserPassword(db: Db, actor: ActingUser, userId: number, password: string): Promise<void> {
  authorize(actor, "users.update");
  await requireUserRow(db, userId);
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await revokeUserSessions(tx, userId, { exceptSessionId: actor.id === userId ? actor.sessionId : null });
  });
}

/**
 * A user changes their own password (Settings → Sessions). The current password must be right — wrong
 * guesses count against the account like failed sign-ins — and every other session of theirs ends.
 */
export async function changeOwnPassword(db: Db, actor: ActingUser, input: OwnPasswordChange): Promise<{ endedSessions: number }> {
  authorize(actor, "account.changePassword");
  const keys = [`email:${actor.email.trim().toLowerCase()}`];
  const locked = await lockedUntil(db, keys);
  if (locked) throw new AppError("rate_limited", retryMessage(locked));
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id));
  if (!row || !(await bcrypt.compare(input.currentPassword, row.passwordHash))) {
    await recordFailure(db, keys);
    throw invalid([{ path: "currentPassword", message: "This is not your current password." }]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, actor.id));
    return { endedSessions: await revokeUserSessions(tx, actor.id, { exceptSessionId: actor.sessionId ?? null }) };
  });
}

import bcrypt from "bcryptjs";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { clearFailures, lockedUntil, recordFailure, throttleKeys } from "./throttle";

// Compared against when the account does not exist, so both cases take the same time.
const DUMMY_HASH = "$2b$10$mJl1uNW5ilTI/WVxh5EcPuUh6QvTmPWFcf558PYWyWIRopeyngf8O";

export type CredentialCheck = { ok: true; userId: number } | { ok: false; lockedUntil: Date | null };

/**
 * Checks an email and password, with throttling per account and per address. Every failure answers
 * the same (unknown user, wrong password, deactivated user) so nothing about the account leaks.
 */
export async function checkCredentials(db: Db, email: string, password: string, ip: string): Promise<CredentialCheck> {
  const keys = throttleKeys(email, ip);
  const locked = await lockedUntil(db, keys);
  if (locked) return { ok: false, lockedUntil: locked };
  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, email.trim().toLowerCase()), eq(users.active, true)));
  const matches = await bcrypt.compare(password, user?.passwordHash ?? DUMMY_HASH);
  if (user && matches) {
    await clearFailures(db, email);
    return { ok: true, userId: user.id };
  }
  await recordFailure(db, keys);
  return { ok: false, lockedUntil: await lockedUntil(db, keys) };
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 10);
}

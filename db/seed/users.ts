import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";
import type { Db } from "../client";
import { accessGroupMembers, accessGroups, users } from "../schema";
import { demoAccessGroups, demoPassword, demoUsers } from "./catalog";
import { mustGet } from "./lookup";

/**
 * The bcrypt salt is derived from the seed so a reseed gives byte-identical rows. That is harmless
 * here only because the demo password is public anyway; real users get a random salt (lib/auth).
 */
function demoPasswordHash(seed: number, email: string): string {
  const bytes = createHash("sha256").update(`${seed}:${email}`).digest().subarray(0, 16);
  return bcrypt.hashSync(demoPassword, `$2b$10$${bcrypt.encodeBase64(bytes, 16)}`);
}

export type SeededUsers = { byEmail: Map<string, number>; groupsByName: Map<string, number> };

/** The three demo users (admin, lead, marketer) and the two access groups with their members. */
export async function seedUsersAndGroups(db: Db, seed: number, now: Date): Promise<SeededUsers> {
  const createdAt = new Date(now.getTime() - 400 * 86_400_000);
  const insertedUsers = await db
    .insert(users)
    .values(demoUsers.map((u) => ({ ...u, passwordHash: demoPasswordHash(seed, u.email), createdAt })))
    .returning({ id: users.id, email: users.email });
  const byEmail = new Map(insertedUsers.map((u) => [u.email, u.id]));

  const insertedGroups = await db
    .insert(accessGroups)
    .values(demoAccessGroups.map((g) => ({ name: g.name, createdAt })))
    .returning({ id: accessGroups.id, name: accessGroups.name });
  const groupsByName = new Map(insertedGroups.map((g) => [g.name, g.id]));

  await db.insert(accessGroupMembers).values(
    demoAccessGroups.flatMap((g) =>
      g.members.map((m) => ({
        groupId: mustGet(groupsByName, g.name),
        userId: mustGet(byEmail, m.email),
        isLead: m.isLead,
      })),
    ),
  );
  return { byEmail, groupsByName };
}

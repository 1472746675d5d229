/** Small hand-made fixtures for the named regression tests of the selection engine. */
import type { Db } from "@/db/client";
import { accessGroups, events, profileDatabases, profileFields, profiles, type FieldType } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2, 6)}`;

export function actingUser(role: ActingUser["role"], groupIds: number[] = []): ActingUser {
  const id = 2_000_000 + ++counter;
  return { id, email: `${role}${id}@example.com`, name: `${role} ${id}`, role, groupIds, leadGroupIds: [] };
}

export async function makeDatabase(db: Db, fields: { key: string; type: FieldType }[] = []) {
  const [database] = await db.insert(profileDatabases).values({ name: uniqueName("Customers") }).returning();
  if (fields.length) {
    await db.insert(profileFields).values(fields.map((f, i) => ({ databaseId: database.id, key: f.key, type: f.type, label: f.key, position: i })));
  }
  return database;
}

export async function makeGroup(db: Db) {
  const [group] = await db.insert(accessGroups).values({ name: uniqueName("Group") }).returning();
  return group;
}

type ProfileInput = Partial<typeof profiles.$inferInsert>;

/** Inserts profiles in order and answers their ids. */
export async function addProfiles(db: Db, databaseId: number, list: ProfileInput[]): Promise<number[]> {
  const rows = await db
    .insert(profiles)
    .values(list.map((p) => ({ ...p, databaseId })))
    .returning({ id: profiles.id });
  return rows.map((r) => r.id);
}

export async function addEvents(db: Db, databaseId: number, list: Omit<typeof events.$inferInsert, "databaseId">[]) {
  if (list.length) await db.insert(events).values(list.map((e) => ({ ...e, databaseId })));
}

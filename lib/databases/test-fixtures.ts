import { getDb } from "@/db/client";
import { accessGroups } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import { createDatabase } from "./queries";
import type { CreateDatabaseInput } from "./schema";

/** Helpers for the Vitest files of lib/databases and lib/profiles: users exist only as ActingUser values. */

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++counter}`;

export async function makeGroup(name = uniqueName("Group")) {
  const db = await getDb();
  const [group] = await db.insert(accessGroups).values({ name }).returning();
  return group;
}

export function actingUser(role: ActingUser["role"], groupIds: number[] = []): ActingUser {
  const id = 1_000_000 + ++counter;
  return { id, email: `${role}${id}@example.com`, name: `${role} ${id}`, role, groupIds, leadGroupIds: [] };
}

export const admin = actingUser("admin");

/** A database with one field of every type, created by an admin. */
export async function makeDatabase(overrides: Partial<CreateDatabaseInput> = {}) {
  return createDatabase(await getDb(), admin, {
    name: uniqueName("Customers"),
    fields: [
      { key: "city", type: "string", label: "City" },
      { key: "loyalty_points", type: "number", label: "Loyalty points" },
      { key: "birthday", type: "date", label: "Birthday" },
      { key: "vip", type: "boolean", label: "VIP" },
    ],
    ...overrides,
  });
}

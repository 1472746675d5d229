import type { Db } from "../client";
import { profileDatabaseAccessGroups, profileDatabases, profileFields } from "../schema";
import { retailDatabaseName, retailFields, wholesaleDatabaseName, wholesaleFields } from "./catalog";
import { mustGet } from "./lookup";

export type SeededDatabases = { retailId: number; wholesaleId: number };

/**
 * "Retail customers" (no access groups: every signed-in user sees it) and "Wholesale partners"
 * (only the Wholesale team and admins), each with custom fields of every type.
 */
export async function seedProfileDatabases(db: Db, groupsByName: ReadonlyMap<string, number>, now: Date): Promise<SeededDatabases> {
  const createdAt = new Date(now.getTime() - 3 * 365 * 86_400_000);
  const [retail, wholesale] = await db
    .insert(profileDatabases)
    .values([
      { name: retailDatabaseName, createdAt },
      { name: wholesaleDatabaseName, createdAt },
    ])
    .returning({ id: profileDatabases.id });
  await db.insert(profileFields).values([
    ...retailFields.map((f, position) => ({ ...f, databaseId: retail.id, position })),
    ...wholesaleFields.map((f, position) => ({ ...f, databaseId: wholesale.id, position })),
  ]);
  await db
    .insert(profileDatabaseAccessGroups)
    .values({ databaseId: wholesale.id, groupId: mustGet(groupsByName, "Wholesale team") });
  return { retailId: retail.id, wholesaleId: wholesale.id };
}

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, getHandle, queryRows } from "./client";
import { profileDatabases, profiles } from "./schema";

describe("database client", () => {
  it("runs on the driver the test project asked for", async () => {
    const handle = await getHandle();
    expect(handle.driver).toBe(process.env.TEST_DB_KIND);
  });

  it("stores the range key as md5 of the id, as SPEC §2 documents", async () => {
    const db = await getDb();
    const [database] = await db.insert(profileDatabases).values({ name: "Range key check" }).returning();
    const inserted = await db
      .insert(profiles)
      .values([{ databaseId: database.id }, { databaseId: database.id }])
      .returning({ id: profiles.id, rangeKey: profiles.rangeKey });
    const { createHash } = await import("node:crypto");
    for (const p of inserted) {
      const expected = parseInt(createHash("md5").update(String(p.id)).digest("hex").slice(0, 8), 16);
      expect(p.rangeKey).toBe(expected);
    }
  });

  it("answers raw statements as rows on both drivers", async () => {
    const db = await getDb();
    const rows = await queryRows<{ n: number }>(db, sql`select 41 + 1 as n`);
    expect(rows).toEqual([{ n: 42 }]);
  });
});

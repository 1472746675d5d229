import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { addProfiles, makeDatabase } from "@/lib/segments/testing/fixtures";

describe("the schema enforces what the engine relies on", () => {
  it("an event's database is its profile's: an event filed under another database is refused", async () => {
    const db = await getDb();
    const [a, b] = [await makeDatabase(db), await makeDatabase(db)];
    const [profileId] = await addProfiles(db, a.id, [{ email: "x@example.com" }]);
    const insert = (databaseId: number) =>
      db.execute(sql`insert into events (database_id, profile_id, channel, type, occurred_at) values (${databaseId}::int, ${profileId}::bigint, 'web', 'purchase', now())`);
    await insert(a.id);
    const error = await insert(b.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String((error as { cause?: { message?: string } })?.cause?.message ?? error)).toMatch(/foreign key/i);
    const rows = (await db.execute(sql`select count(*)::int as n from events where profile_id = ${profileId}::bigint`)) as unknown;
    const n = (Array.isArray(rows) ? rows : (rows as { rows: { n: number }[] }).rows)[0] as { n: number };
    expect(n.n).toBe(1);
  });
});

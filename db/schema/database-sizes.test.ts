import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "@/db/client";
import { addProfiles, makeDatabase } from "@/lib/segments/testing/fixtures";

/** What `profile_database_sizes` says and what counting says, for one database. */
async function sizes(db: Db, databaseId: number): Promise<{ kept: number | null; counted: number }> {
  const [row] = await queryRows<{ kept: number | null; counted: number }>(
    db,
    sql`select (select profiles::int from profile_database_sizes where database_id = ${databaseId}::int) as kept,
               (select count(*)::int from profiles where database_id = ${databaseId}::int) as counted`,
  );
  return row;
}

describe("profile_database_sizes is kept with the profiles (migration 0018)", () => {
  it("counts inserts, bulk inserts, deletes and rolled-back writes, per database", async () => {
    const db = await getDb();
    const [a, b] = [await makeDatabase(db), await makeDatabase(db)];
    expect(await sizes(db, a.id)).toEqual({ kept: null, counted: 0 }); // no row yet reads as 0
    const ids = await addProfiles(db, a.id, [{ email: "1@example.com" }, { email: "2@example.com" }, { email: "3@example.com" }]);
    await addProfiles(db, b.id, [{ email: "4@example.com" }]);
    expect(await sizes(db, a.id)).toEqual({ kept: 3, counted: 3 });
    expect(await sizes(db, b.id)).toEqual({ kept: 1, counted: 1 });

    // One statement over both databases, as a copy or an import may write.
    await db.execute(sql`insert into profiles (database_id, email) select d, 'bulk' || g || '@example.com' from generate_series(1, 50) g, (values (${a.id}::int), (${b.id}::int)) v(d)`);
    expect(await sizes(db, a.id)).toEqual({ kept: 53, counted: 53 });
    expect(await sizes(db, b.id)).toEqual({ kept: 51, counted: 51 });

    await db.execute(sql`delete from profiles where id in (${ids[0]}::bigint, ${ids[1]}::bigint)`);
    await db.execute(sql`delete from profiles where database_id = ${b.id}::int and email like 'bulk%'`);
    expect(await sizes(db, a.id)).toEqual({ kept: 51, counted: 51 });
    expect(await sizes(db, b.id)).toEqual({ kept: 1, counted: 1 });

    await db
      .transaction(async (tx) => {
        await addProfiles(tx as unknown as Db, a.id, [{ email: "gone@example.com" }]);
        throw new Error("roll back");
      })
      .catch(() => {});
    expect(await sizes(db, a.id)).toEqual({ kept: 51, counted: 51 });
  });

  it("follows a profile moved to another database, and leaves with a deleted database", async () => {
    const db = await getDb();
    const [a, b] = [await makeDatabase(db), await makeDatabase(db)];
    const [id] = await addProfiles(db, a.id, [{ email: "m@example.com" }, { email: "n@example.com" }]);
    await db.execute(sql`update profiles set database_id = ${b.id}::int where id = ${id}::bigint`);
    await db.execute(sql`update profiles set email = 'other@example.com' where database_id = ${a.id}::int`); // not a move
    expect(await sizes(db, a.id)).toEqual({ kept: 1, counted: 1 });
    expect(await sizes(db, b.id)).toEqual({ kept: 1, counted: 1 });

    await db.execute(sql`delete from profile_databases where id = ${a.id}::int`); // its profiles go by cascade
    expect(await sizes(db, a.id)).toEqual({ kept: null, counted: 0 });
    expect(await sizes(db, b.id)).toEqual({ kept: 1, counted: 1 });
  });
});

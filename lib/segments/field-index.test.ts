import { and, eq, sql, type SQL } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "@/db/client";
import { profileFields } from "@/db/schema";
import { selectionCountQuery } from "./compile";
import { fieldIndexName, setFieldIndexed } from "./field-index";
import { prepareSelection } from "./selection";
import { actingUser, makeDatabase } from "./testing/fixtures";

const admin = actingUser("admin");

async function indexed(db: Db, databaseId: number, key: string) {
  const [row] = await db.select({ indexed: profileFields.indexed }).from(profileFields).where(and(eq(profileFields.databaseId, databaseId), eq(profileFields.key, key)));
  return row.indexed;
}

async function indexExists(db: Db, name: string) {
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_class where relname = ${name} and relkind = 'i'`);
  return row.n === 1;
}

/** 5,000 profiles; `code` is one of 1,000 values, `points` a number, `vip` true for every 50th. */
async function bigDatabase(db: Db) {
  const database = await makeDatabase(db, [
    { key: "code", type: "string" },
    { key: "points", type: "number" },
    { key: "vip", type: "boolean" },
  ]);
  await db.execute(sql`insert into profiles (database_id, fields)
    select ${database.id}::int, jsonb_build_object('code', 'c' || (g % 1000), 'points', g, 'vip', g % 50 = 0) from generate_series(1, 5000) g`);
  await db.execute(sql`analyze profiles`);
  return database;
}

async function planOf(db: Db, query: SQL): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('plan_cache_mode', 'force_custom_plan', true)`);
    const rows = await queryRows<{ "QUERY PLAN": string }>(tx as unknown as Db, sql`explain (format text) ${query}`);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
}

const rule = (databaseId: number, conditions: unknown[]) => ({ databaseId, conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions }] } });

describe("indexed custom fields", () => {
  it("marking a field builds its index and sets the flag; unmarking drops both", async () => {
    const db = await getDb();
    const database = await bigDatabase(db);
    const name = fieldIndexName(database.id, "code");
    expect(await setFieldIndexed(db, admin, { databaseId: database.id, key: "code", indexed: true })).toEqual({ key: "code", indexed: true });
    expect(await indexed(db, database.id, "code")).toBe(true);
    expect(await indexExists(db, name)).toBe(true);
    // Marking twice is harmless.
    await setFieldIndexed(db, admin, { databaseId: database.id, key: "code", indexed: true });
    await setFieldIndexed(db, admin, { databaseId: database.id, key: "code", indexed: false });
    expect(await indexed(db, database.id, "code")).toBe(false);
    expect(await indexExists(db, name)).toBe(false);
  });

  it("a marketer may not, an unknown field is not found, and neither changes anything", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "code", type: "string" }]);
    await expect(setFieldIndexed(db, actingUser("marketer"), { databaseId: database.id, key: "code", indexed: true })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setFieldIndexed(db, admin, { databaseId: database.id, key: "nope", indexed: true })).rejects.toMatchObject({ code: "not_found" });
    expect(await indexed(db, database.id, "code")).toBe(false);
    expect(await indexExists(db, fieldIndexName(database.id, "code"))).toBe(false);
  });

  it.runIf(process.env.TEST_DB_KIND === "postgres")("Calculate of equality, in-lists and ranges on an indexed field reads its index, not every profile", async () => {
    const db = await getDb();
    const database = await bigDatabase(db);
    const count = async (conditions: unknown[]) => selectionCountQuery((await prepareSelection(db, admin, rule(database.id, conditions))).selection);
    const eqCode = await count([{ kind: "field", field: "code", op: "eq", value: "c7" }]);
    const inCodes = await count([{ kind: "field", field: "code", op: "in", value: ["c7", "c8"] }]);
    const pointsRange = await count([{ kind: "field", field: "points", op: "between", value: [10, 20] }]);
    expect(await planOf(db, eqCode)).not.toContain(fieldIndexName(database.id, "code"));

    await setFieldIndexed(db, admin, { databaseId: database.id, key: "code", indexed: true });
    await setFieldIndexed(db, admin, { databaseId: database.id, key: "points", indexed: true });
    await db.execute(sql`analyze profiles`);
    for (const [query, index] of [[eqCode, "code"], [inCodes, "code"], [pointsRange, "points"]] as const) {
      const plan = await planOf(db, query);
      expect(plan, plan).toContain(fieldIndexName(database.id, index));
      expect(plan, plan).not.toMatch(/Seq Scan on profiles/);
    }
  });
});

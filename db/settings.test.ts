import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { withStatementTimeout } from "@/lib/segments/selection";
import { getDb, poolSize, queryRows, type Db } from "./client";

afterEach(() => {
  for (const name of ["SELECTION_WORK_MEM", "DATABASE_JOBS_POOL_SIZE", "ACTION_LOCK_TIMEOUT_MS"]) delete process.env[name];
});

const setting = async (db: Db, name: string) => (await queryRows<{ value: string }>(db, sql`select current_setting(${name}) as value`))[0].value;

describe("operational settings from the environment", () => {
  it("reads memory sizes as PostgreSQL writes them, and refuses anything else by name", () => {
    expect(env().SELECTION_WORK_MEM).toBe("32MB");
    process.env.SELECTION_WORK_MEM = "128 mb";
    expect(env().SELECTION_WORK_MEM).toBe("128MB");
    process.env.SELECTION_WORK_MEM = "4096";
    expect(env().SELECTION_WORK_MEM).toBe("4096kB");
    process.env.SELECTION_WORK_MEM = "64MB'; drop table users; --";
    expect(() => env()).toThrow(/SELECTION_WORK_MEM=.* must be a memory size like 64MB/);
  });

  it("reads durations in whole milliseconds, 0 included", () => {
    expect(env().ACTION_LOCK_TIMEOUT_MS).toBe(15_000);
    process.env.ACTION_LOCK_TIMEOUT_MS = "0";
    expect(env().ACTION_LOCK_TIMEOUT_MS).toBe(0);
    process.env.ACTION_LOCK_TIMEOUT_MS = "-3";
    expect(() => env()).toThrow(/ACTION_LOCK_TIMEOUT_MS="-3" must be whole milliseconds/);
  });

  it("sizes each role's pool from its own variable", () => {
    expect(poolSize("jobs")).toBe(6);
    process.env.DATABASE_JOBS_POOL_SIZE = "3";
    expect(poolSize("jobs")).toBe(3);
    expect(poolSize("web")).toBe(Number(process.env.DATABASE_POOL_SIZE || 10));
    process.env.DATABASE_JOBS_POOL_SIZE = "0";
    expect(() => poolSize("jobs")).toThrow(/DATABASE_JOBS_POOL_SIZE="0" must be a whole number of connections, at least 1/);
  });

  it("runs selection statements with SELECTION_WORK_MEM, and restores the caller's setting inside its transaction", async () => {
    const db = await getDb();
    expect(await withStatementTimeout(db, 5_000, (tx) => setting(tx, "work_mem"))).toBe("32MB");
    process.env.SELECTION_WORK_MEM = "48MB";
    expect(await withStatementTimeout(db, 5_000, (tx) => setting(tx, "work_mem"))).toBe("48MB");
    const outside = await db.transaction(async (tx) => {
      const before = await setting(tx as unknown as Db, "work_mem");
      await withStatementTimeout(tx as unknown as Db, 5_000, async () => undefined);
      return [before, await setting(tx as unknown as Db, "work_mem")];
    });
    expect(outside[1]).toBe(outside[0]);
  });
});

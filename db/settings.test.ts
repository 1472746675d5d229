import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { withStatementTimeout } from "@/lib/segments/selection";
import { getDb, poolSize, queryRows, type Db } from "./client";
import { msSetting, workMemSetting } from "./settings";

afterEach(() => {
  for (const name of ["SELECTION_WORK_MEM", "TEST_WORK_MEM", "TEST_MS", "DATABASE_JOBS_POOL_SIZE"]) delete process.env[name];
});

const setting = async (db: Db, name: string) => (await queryRows<{ value: string }>(db, sql`select current_setting(${name}) as value`))[0].value;

describe("operational settings from the environment", () => {
  it("reads memory sizes as PostgreSQL writes them, and falls back (with one warning) on anything else", () => {
    expect(workMemSetting("TEST_WORK_MEM", "32MB")).toBe("32MB");
    process.env.TEST_WORK_MEM = "128 mb";
    expect(workMemSetting("TEST_WORK_MEM", "32MB")).toBe("128MB");
    process.env.TEST_WORK_MEM = "4096";
    expect(workMemSetting("TEST_WORK_MEM", "32MB")).toBe("4096kB");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      process.env.TEST_WORK_MEM = "64MB'; drop table users; --";
      expect(workMemSetting("TEST_WORK_MEM", "32MB")).toBe("32MB");
      expect(workMemSetting("TEST_WORK_MEM", "32MB")).toBe("32MB");
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("reads durations in whole milliseconds, 0 included", () => {
    expect(msSetting("TEST_MS", 15_000)).toBe(15_000);
    process.env.TEST_MS = "0";
    expect(msSetting("TEST_MS", 15_000)).toBe(0);
    process.env.TEST_MS = "-3";
    expect(msSetting("TEST_MS", 15_000)).toBe(15_000);
  });

  it("sizes each role's pool from its own variable", () => {
    expect(poolSize("jobs")).toBe(6);
    process.env.DATABASE_JOBS_POOL_SIZE = "3";
    expect(poolSize("jobs")).toBe(3);
    expect(poolSize("web")).toBe(Number(process.env.DATABASE_POOL_SIZE) || 10);
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

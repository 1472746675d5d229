import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "@/db/client";
import { runFigure } from "./subject";

const jit = async (db: Db) => (await queryRows<{ jit: string }>(db, sql`select current_setting('jit') as jit`))[0].jit;

describe("runFigure", () => {
  it("runs a figure's statement without the JIT (compiling costs more than it saves on these statements)", async () => {
    const db = await getDb();
    expect(await runFigure(db, {}, (tx) => jit(tx))).toBe("off");
  });

  it("leaves the caller's transaction with the JIT setting it had", async () => {
    const db = await getDb();
    const seen = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('jit', 'on', true)`);
      const inside = await runFigure(tx as unknown as Db, {}, (inner) => jit(inner));
      return { inside, after: await jit(tx as unknown as Db) };
    });
    expect(seen).toEqual({ inside: "off", after: "on" });
  });
});

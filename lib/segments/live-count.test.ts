import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, getHandle, queryRows } from "@/db/client";
import { addProfiles, actingUser, makeDatabase } from "./testing/fixtures";
import { cancellableOnAbort, CountAborted, liveCount } from "./live-count";
import { calculateSelection } from "./selection";

const active = (marker: string) =>
  sql`select count(*)::int as n from pg_stat_activity where state = 'active' and query like ${`%${marker}%`} and pid <> pg_backend_pid()`;

async function waitFor(check: () => Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe("the live count", () => {
  it("counts like Calculate", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "city", type: "string" }]);
    await addProfiles(db, database.id, [{ fields: { city: "Berlin" } }, { fields: { city: "Paris" } }, { fields: { city: "Berlin" } }]);
    const rule = { databaseId: database.id, conditions: { logic: "and", groups: [{ conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] } };
    const admin = actingUser("admin");
    expect(await liveCount(db, admin, rule, new AbortController().signal, { timeoutMs: 4_000 })).toBe((await calculateSelection(db, admin, rule)).count);
  });

  it("a request aborted before it runs never reaches the database", async () => {
    const controller = new AbortController();
    controller.abort();
    let ran = false;
    await expect(
      cancellableOnAbort(await getDb(), controller.signal, 4_000, async () => {
        ran = true;
        return 1;
      }),
    ).rejects.toBeInstanceOf(CountAborted);
    expect(ran).toBe(false);
  });

  it("a superseded count's statement is cancelled in PostgreSQL and leaves pg_stat_activity", async () => {
    const db = await getDb();
    const controller = new AbortController();
    const marker = `live_count_marker_${Date.now()}`;
    const slow = sql.raw(`select pg_sleep(20) as ${marker}`);
    if ((await getHandle()).driver !== "postgres") {
      // PGlite runs statements inside this process and cannot interrupt one: the answer is dropped instead.
      const quick = cancellableOnAbort(db, controller.signal, 4_000, async (tx) => {
        controller.abort();
        return queryRows(tx, sql`select 1 as one`);
      });
      await expect(quick).rejects.toBeInstanceOf(CountAborted);
      return;
    }
    const started = Date.now();
    const running = cancellableOnAbort(db, controller.signal, 30_000, (tx) => queryRows(tx, slow));
    const settled = running.catch((e: unknown) => e);
    expect(await waitFor(async () => (await queryRows<{ n: number }>(db, active(marker)))[0].n === 1)).toBe(true);
    controller.abort();
    expect(await settled).toBeInstanceOf(CountAborted);
    expect(await waitFor(async () => (await queryRows<{ n: number }>(db, active(marker)))[0].n === 0, 2_000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The pooled connection is usable again.
    expect(await queryRows(db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });
});

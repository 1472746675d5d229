import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { exportProfiles } from "./export-profiles";
import { isPostgres, makeWorld, type World } from "./testing";

// postgres.js 3.4.9 can leave a connection whose backend was terminated unable to end; don't wait for it.
afterAll(async () => {
  if (isPostgres()) await ((await getDb()) as unknown as { $client: postgres.Sql }).$client.end({ timeout: 1 });
});

const dir = mkdtempSync(path.join(os.tmpdir(), "segment-export-fault-"));

/**
 * Breaks the database under a running export: PostgreSQL's backends are terminated (what a restart
 * does to them); PGlite, which has no server to restart, loses its profiles table for a moment.
 */
async function breakDatabase(w: World): Promise<() => Promise<void>> {
  if (isPostgres()) {
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    await admin.end();
    return async () => {};
  }
  await w.db.execute(sql`alter table profiles rename to profiles_away`);
  return async () => {
    await w.db.execute(sql`alter table profiles_away rename to profiles`);
  };
}

describe("an export when the database goes away", () => {
  it("fails visibly and keeps no truncated file; the same export works again afterwards", async () => {
    const w = await makeWorld();
    // Enough rows that the server is still sending when the connection is cut (COPY on PostgreSQL).
    const extra = isPostgres() ? 150_000 : 2_600;
    await w.db.execute(sql`insert into profiles (database_id, email, fields)
      select ${w.source.id}::int, 'bulk' || g || '@example.com', jsonb_build_object('city', 'Berlin', 'note', repeat('x', 40))
      from generate_series(1, ${extra}::int) g`);
    const file = path.join(dir, "profiles.csv");
    let restore: (() => Promise<void>) | null = null;
    let spooledBesideTheFile = false;
    const failed = await exportProfiles(w.db, w.marketer, { source: { rule: w.rule }, format: "csv" }, {
      file,
      afterBatch: async (rows) => {
        // PostgreSQL splits this COPY in two; the second half waits in the export's own folder.
        spooledBesideTheFile ||= readdirSync(dir).some((name) => name.startsWith("segment-export-"));
        if (rows >= 1000 && !restore) restore = await breakDatabase(w);
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    await (restore as (() => Promise<void>) | null)?.();
    expect(failed).toBeInstanceOf(Error);
    expect(spooledBesideTheFile).toBe(isPostgres());
    expect(readdirSync(dir)).toEqual([]);

    await exportProfiles(w.db, w.marketer, { source: { rule: w.rule }, format: "csv", fields: ["id"] }, { file });
    expect(readFileSync(file, "utf8").split("\r\n").length).toBe(1 + 4 + extra + 1);
  });
});

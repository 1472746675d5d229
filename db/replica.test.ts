import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as profilesRoute from "@/app/api/v1/segments/[id]/profiles/route";
import { makeDatabase, makeSegment, makeUser } from "@/db/testing/fixtures";
import { segmentSize } from "@/lib/analytics/size";
import { call, tokenFor } from "@/lib/api/testing";
import type { ActingUser } from "@/lib/access/acting-user";
import { createSegment } from "@/lib/dynamic-segments/save";
import { insertProfiles } from "@/lib/profiles/queries";
import { explainSelection } from "@/lib/segments/explain";
import { funnelOfSelection } from "@/lib/segments/funnel";
import { calculateSelection, showSelection } from "@/lib/segments/selection";
import { closeDb, getDb, getJobsDb, queryRows, type Db } from "./client";
import { migrateDb } from "./migrate";
import { getReadDb, readStats, withReadDb } from "./replica";
import { clusterToolsMissing, createStreamingPair, type StreamingPair } from "./testing/pg-cluster";

// A real primary/standby pair of this machine's PostgreSQL (db/testing/pg-cluster.ts), on PostgreSQL
// runs only; where pg_createcluster is missing the suite is skipped and says why.
const missing = clusterToolsMissing();
const title = `read replica (DATABASE_READ_URL) on a streaming standby${missing ? ` — SKIPPED: ${missing}` : ""}`;

const inRecovery = async (db: Db) => (await queryRows<{ standby: boolean }>(db, sql`select pg_is_in_recovery() as standby`))[0].standby;

describe.runIf(process.env.TEST_DB_KIND === "postgres" && !missing)(title, () => {
  let pair: StreamingPair;
  const saved = { url: process.env.DATABASE_URL, read: process.env.DATABASE_READ_URL };
  let admin: ActingUser;

  beforeAll(async () => {
    pair = await createStreamingPair();
    await pair.admin("primary", "create database segments");
    await closeDb();
    process.env.DATABASE_URL = pair.url("primary", "segments");
    process.env.DATABASE_READ_URL = pair.url("standby", "segments");
    process.env.DATABASE_READ_RETRY_MS = "0";
    await migrateDb(); // on the primary; the standby gets the schema by streaming replication
    admin = await makeUser("admin");
  });

  afterAll(async () => {
    try {
      await closeDb();
    } finally {
      process.env.DATABASE_URL = saved.url;
      if (saved.read === undefined) delete process.env.DATABASE_READ_URL;
      else process.env.DATABASE_READ_URL = saved.read;
      delete process.env.DATABASE_READ_RETRY_MS;
      delete process.env.DATABASE_READ_WAIT_MS;
      await pair?.drop();
    }
  });

  async function profilesIn(databaseId: number, n: number) {
    const profiles = Array.from({ length: n }, (_, i) => ({ email: `p${i}@example.test` }));
    return (await insertProfiles(await getDb(), admin, databaseId, profiles)).ids;
  }

  it("sends heavy reads to the standby and keeps transactions on the primary", async () => {
    const db = await getDb();
    expect(await inRecovery(db)).toBe(false);
    expect(await withReadDb(db, inRecovery)).toBe(true);
    expect(await inRecovery(await getReadDb(db))).toBe(true);
    expect(await inRecovery(await getReadDb(await getJobsDb()))).toBe(true);
    // Inside a transaction the work must see the transaction's own writes: it stays there.
    expect(await db.transaction((tx) => withReadDb(tx as unknown as Db, inRecovery))).toBe(false);
  });

  it("counts a save made just before: Calculate and Show wait until the standby has replayed it", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    const before = readStats();
    let expected = 0;
    for (let round = 0; round < 5; round++) {
      const ids = await profilesIn(database.id, 3 + round);
      expected += ids.length;
      const { count } = await calculateSelection(db, admin, { databaseId: database.id });
      expect(count).toBe(expected);
      const shown = await showSelection(db, admin, { databaseId: database.id });
      expect(shown.at(-1)?.id).toBe(ids.at(-1));
    }
    const after = readStats();
    expect(after.replica - before.replica).toBe(10); // every one of them answered by the standby
    expect(after.fallbacks).toBe(before.fallbacks);
  });

  it("saves a new segment with a count that includes the profiles saved just before (counted in the saving transaction, on the primary)", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    await profilesIn(database.id, 4);
    const before = readStats();
    const saved = await createSegment(db, admin, { name: "Everyone", databaseId: database.id, range: { from: 0, to: 100 }, conditions: null, limit: null });
    expect(saved.count).toBe(4);
    expect(readStats().replica - before.replica).toBe(0);
    expect(readStats().primary - before.primary).toBe(1);
  });

  it("streams the API export (COPY) and counts analytics on the standby, with profiles saved just before", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    await profilesIn(database.id, 3);
    const segment = await makeSegment({ databaseId: database.id });
    const token = await tokenFor(admin);
    await profilesIn(database.id, 2);
    const before = readStats();
    const res = await call(profilesRoute.GET, "GET", `/segments/${segment.id}/profiles`, { token, params: { id: String(segment.id) }, query: { format: "csv", fields: "id,email" } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines).toHaveLength(1 + 5);
    expect((await segmentSize(db, admin, segment.id)).count).toBe(5);
    expect(readStats().replica - before.replica).toBe(2);
  });

  it("explains a profile saved just before and counts the funnel on the standby", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    await profilesIn(database.id, 2);
    const before = readStats();
    const [id] = await profilesIn(database.id, 1);
    const explained = await explainSelection(db, admin, { databaseId: database.id }, String(id));
    expect(explained).toMatchObject({ profile_id: id, member: true });
    expect((await funnelOfSelection(db, admin, { databaseId: database.id })).count).toBe(3);
    expect(readStats().replica - before.replica).toBe(2);
  });

  it("reads from the primary when the standby lags more than the wait, so the save still counts", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    await profilesIn(database.id, 2);
    await calculateSelection(db, admin, { databaseId: database.id }); // replayed up to here
    await pair.admin("standby", "select pg_wal_replay_pause()");
    process.env.DATABASE_READ_WAIT_MS = "300";
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await profilesIn(database.id, 5);
      const before = readStats();
      const { count } = await calculateSelection(db, admin, { databaseId: database.id });
      expect(count).toBe(7);
      expect(readStats().fallbacks - before.fallbacks).toBe(1);
      expect(readStats().primary - before.primary).toBe(1);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^read replica: more than 300 ms behind the primary/));
      // The standby really was behind: read there directly, the 5 new profiles are missing.
      const standby = await standbyConnection();
      const [row] = await standby`select count(*)::int as n from profiles where database_id = ${database.id}`;
      await standby.end();
      expect(row.n).toBe(2);
    } finally {
      warn.mockRestore();
      delete process.env.DATABASE_READ_WAIT_MS;
      await pair.admin("standby", "select pg_wal_replay_resume()");
    }
    expect((await calculateSelection(db, admin, { databaseId: database.id })).count).toBe(7);
  });

  it("runs the work again on the primary when the standby fails in the middle of it, with a log line", async () => {
    const db = await getDb();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      let tries = 0;
      // The standby's backend is terminated under the work (57P01), as when the standby restarts.
      const answer = await withReadDb(db, async (reader) => {
        tries++;
        const standby = await inRecovery(reader);
        if (standby) await reader.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
        return standby;
      });
      expect(answer).toBe(false);
      expect(tries).toBe(2);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^read replica: a read failed/));
    } finally {
      warn.mockRestore();
    }
  });

  it("falls back to the primary when the standby is down, says so once, and leaves it alone for a while", async () => {
    const db = await getDb();
    const database = await makeDatabase();
    await profilesIn(database.id, 3);
    await pair.stopStandby();
    process.env.DATABASE_READ_RETRY_MS = "60000";
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect((await calculateSelection(db, admin, { databaseId: database.id })).count).toBe(3);
      expect(await withReadDb(db, inRecovery)).toBe(false);
      expect((await showSelection(db, admin, { databaseId: database.id })).length).toBe(3);
      const lines = warn.mock.calls.map((c) => String(c[0]));
      expect(lines.filter((l) => l.startsWith("read replica: not answering"))).toHaveLength(1);
      expect(lines[0]).toMatch(/heavy reads go to the primary for the next 60 s$/);
    } finally {
      warn.mockRestore();
    }
  });

  /** A connection of its own to the standby, outside the app's pools. */
  async function standbyConnection() {
    const { default: postgres } = await import("postgres");
    return postgres(process.env.DATABASE_READ_URL!, { max: 1, onnotice: () => {} });
  }
});

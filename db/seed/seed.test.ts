import bcrypt from "bcryptjs";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "../client";
import { parseSelectionRule } from "@/lib/segments/script";
import { validateSelection } from "@/lib/segments/validate";
import { checkSeedRequest, EMBEDDED_MAX_PROFILES, parseSeedArgs, seedDemoData, type SeedSummary } from ".";

const now = new Date("2026-06-15T00:00:00Z");
const profiles = 300;

/** One md5 over every app table, each dumped row by row in a fixed order (ids included). */
async function digestOfAllTables(db: Db): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
  );
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await queryRows<{ digest: string }>(
      db,
      sql`SELECT md5(coalesce(string_agg(r, '|' ORDER BY r), '')) AS digest FROM (SELECT t::text AS r FROM ${sql.identifier(name)} t) d`,
    );
    digests[name] = row.digest;
  }
  return digests;
}

async function one<T>(db: Db, query: ReturnType<typeof sql>): Promise<T> {
  const [row] = await queryRows<T>(db, query);
  return row;
}

describe("demo seed", () => {
  let db: Db;
  let summary: SeedSummary;
  let firstDigest: Record<string, string>;

  beforeAll(async () => {
    db = await getDb();
    summary = await seedDemoData(db, { seed: 7, profiles, now });
    firstDigest = await digestOfAllTables(db);
  });

  it("gives the same rows, ids included, for the same seed", async () => {
    await seedDemoData(db, { seed: 7, profiles, now, reset: true });
    expect(await digestOfAllTables(db)).toEqual(firstDigest);
  });

  it("gives other profiles and events for another seed", async () => {
    await seedDemoData(db, { seed: 8, profiles, now, reset: true });
    const other = await digestOfAllTables(db);
    expect(other.profiles).not.toBe(firstDigest.profiles);
    expect(other.events).not.toBe(firstDigest.events);
    await seedDemoData(db, { seed: 7, profiles, now, reset: true });
  });

  it("creates the three demo users with the demo password", async () => {
    const users = await queryRows<{ email: string; name: string; role: string; active: boolean; hash: string }>(
      db,
      sql`SELECT email, name, role, active, password_hash AS hash FROM users ORDER BY id`,
    );
    expect(users.map(({ email, name, role, active }) => ({ email, name, role, active }))).toEqual([
      { email: "admin@example.com", name: "Ada Admin", role: "admin", active: true },
      { email: "lead@example.com", name: "Lee Lead", role: "lead", active: true },
      { email: "marketer@example.com", name: "Mara Marketer", role: "marketer", active: true },
    ]);
    for (const u of users) {
      expect(bcrypt.getRounds(u.hash)).toBe(10);
      expect(await bcrypt.compare("demo1234", u.hash)).toBe(true);
    }
  });

  it("puts the lead in both teams and the marketer only in the Retail team", async () => {
    const members = await queryRows<{ grp: string; email: string; lead: boolean }>(
      db,
      sql`SELECT g.name AS grp, u.email, m.is_lead AS lead
          FROM access_group_members m JOIN access_groups g ON g.id = m.group_id JOIN users u ON u.id = m.user_id
          ORDER BY g.name, u.email`,
    );
    expect(members).toEqual([
      { grp: "Retail team", email: "lead@example.com", lead: true },
      { grp: "Retail team", email: "marketer@example.com", lead: false },
      { grp: "Wholesale team", email: "lead@example.com", lead: true },
    ]);
  });

  it("creates a public retail database and a wholesale database for the Wholesale team, with fields of every type", async () => {
    const databases = await queryRows<{ name: string; groups: string | null; types: string; n: number }>(
      db,
      sql`SELECT d.name,
                 (SELECT string_agg(g.name, ',') FROM profile_database_access_groups a JOIN access_groups g ON g.id = a.group_id
                   WHERE a.database_id = d.id) AS groups,
                 (SELECT string_agg(DISTINCT f.type::text, ',') FROM profile_fields f WHERE f.database_id = d.id) AS types,
                 (SELECT count(*)::int FROM profiles p WHERE p.database_id = d.id) AS n
          FROM profile_databases d ORDER BY d.id`,
    );
    expect(databases).toEqual([
      { name: "Retail customers", groups: null, types: "boolean,date,number,string", n: summary.profiles.retail },
      { name: "Wholesale partners", groups: "Wholesale team", types: "boolean,date,number,string", n: summary.profiles.wholesale },
    ]);
    expect(summary.profiles.retail + summary.profiles.wholesale).toBe(profiles);
    expect(summary.profiles.retail).toBeGreaterThan(summary.profiles.wholesale * 5);
  });

  it("stores every custom field value with its declared type, or empty", async () => {
    const bad = await queryRows<{ id: number; key: string; value: string }>(
      db,
      sql`SELECT p.id, kv.key, kv.value::text AS value
          FROM profiles p
          CROSS JOIN LATERAL jsonb_each(p.fields) kv
          LEFT JOIN profile_fields f ON f.database_id = p.database_id AND f.key = kv.key
          WHERE NOT (
            kv.value = 'null'::jsonb OR kv.value = '""'::jsonb OR CASE f.type
              WHEN 'string' THEN jsonb_typeof(kv.value) = 'string'
              WHEN 'number' THEN jsonb_typeof(kv.value) = 'number'
              WHEN 'boolean' THEN jsonb_typeof(kv.value) = 'boolean'
              WHEN 'date' THEN jsonb_typeof(kv.value) = 'string'
                AND kv.value #>> '{}' ~ '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}:\\d{2}Z)?$'
              ELSE false END)
          LIMIT 5`,
    );
    expect(bad).toEqual([]);
    const dates = await queryRows<{ key: string; value: string }>(
      db,
      sql`SELECT f.key, p.fields ->> f.key AS value FROM profiles p JOIN profile_fields f ON f.database_id = p.database_id
          WHERE f.type = 'date' AND coalesce(p.fields ->> f.key, '') <> ''`,
    );
    expect(dates.length).toBeGreaterThan(100);
    for (const { value } of dates) expect(Number.isNaN(Date.parse(value))).toBe(false);
  });

  it("leaves some values empty and some filled for every retail field", async () => {
    const stats = await queryRows<{ key: string; empty: number; filled: number }>(
      db,
      sql`SELECT f.key,
                 count(*) FILTER (WHERE coalesce(p.fields ->> f.key, '') = '')::int AS empty,
                 count(*) FILTER (WHERE coalesce(p.fields ->> f.key, '') <> '')::int AS filled
          FROM profiles p JOIN profile_fields f ON f.database_id = p.database_id
          JOIN profile_databases d ON d.id = p.database_id AND d.name = 'Retail customers'
          GROUP BY f.key ORDER BY f.key`,
    );
    expect(stats.map((s) => s.key)).toEqual(["birthday", "city", "last_order_at", "loyalty_points", "loyalty_tier", "vip"]);
    for (const s of stats) {
      expect(s.empty, s.key).toBeGreaterThan(0);
      expect(s.filled, s.key).toBeGreaterThan(s.empty / 2);
    }
  });

  it("has about ten events per profile, all inside the profile's lifetime and the last year", async () => {
    const row = await one<{ events: number; early: number; future: number; old: number; wrongDb: number }>(
      db,
      sql`SELECT count(*)::int AS events,
                 count(*) FILTER (WHERE e.occurred_at < p.created_at)::int AS early,
                 count(*) FILTER (WHERE e.occurred_at > ${now.toISOString()}::timestamptz)::int AS future,
                 count(*) FILTER (WHERE e.occurred_at < ${now.toISOString()}::timestamptz - interval '366 days')::int AS old,
                 count(*) FILTER (WHERE e.database_id <> p.database_id)::int AS "wrongDb"
          FROM events e JOIN profiles p ON p.id = e.profile_id`,
    );
    expect(row.events).toBe(summary.events);
    expect(row.events / profiles).toBeGreaterThan(6);
    expect(row.events / profiles).toBeLessThan(14);
    expect({ early: row.early, future: row.future, old: row.old, wrongDb: row.wrongDb }).toEqual({ early: 0, future: 0, old: 0, wrongDb: 0 });
  });

  it("makes mailing events point at mailings of the same database, with fewer opens than deliveries and fewer clicks than opens", async () => {
    const orphans = await one<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM events e
          WHERE e.mailing_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM mailings m WHERE m.id = e.mailing_id AND m.database_id = e.database_id)`,
    );
    expect(orphans.n).toBe(0);
    const byType = await queryRows<{ type: string; n: number }>(
      db,
      sql`SELECT type, count(*)::int AS n FROM events WHERE channel = 'email' AND mailing_id IS NOT NULL GROUP BY type`,
    );
    const count = Object.fromEntries(byType.map((r) => [r.type, r.n]));
    expect(count.delivered).toBeGreaterThan(count.opened);
    expect(count.opened).toBeGreaterThan(0);
    expect(count.clicked).toBeGreaterThan(0);
    const clickers = await one<{ n: number }>(
      db,
      sql`SELECT count(DISTINCT (profile_id, mailing_id))::int AS n FROM events WHERE channel = 'email' AND type = 'clicked'`,
    );
    expect(clickers.n).toBeLessThan(count.opened);
    expect(count.bounced).toBeGreaterThan(0);
    const unmailed = await one<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM events WHERE mailing_id IS NULL AND type IN ('delivered', 'opened', 'clicked', 'bounced', 'unsubscribed')`,
    );
    expect(unmailed.n).toBe(0);
  });

  it("gives purchases an amount and a currency, and page views a path", async () => {
    const row = await one<{ purchases: number; badPurchases: number; views: number; badViews: number; lastOrderMismatch: number }>(
      db,
      sql`SELECT count(*) FILTER (WHERE type = 'purchase')::int AS purchases,
                 count(*) FILTER (WHERE type = 'purchase' AND (jsonb_typeof(properties -> 'amount') <> 'number'
                                  OR jsonb_typeof(properties -> 'currency') <> 'string' OR channel NOT IN ('web', 'app')))::int AS "badPurchases",
                 count(*) FILTER (WHERE type = 'page_view')::int AS views,
                 count(*) FILTER (WHERE type = 'page_view' AND jsonb_typeof(properties -> 'path') <> 'string')::int AS "badViews",
                 (SELECT count(*)::int FROM profiles p
                   WHERE p.fields ? 'last_order_at'
                     AND (p.fields ->> 'last_order_at')::timestamptz > ${now.toISOString()}::timestamptz - interval '365 days'
                     AND (p.fields ->> 'last_order_at')::timestamptz IS DISTINCT FROM
                         (SELECT max(e.occurred_at) FROM events e WHERE e.profile_id = p.id AND e.type = 'purchase')) AS "lastOrderMismatch"
          FROM events`,
    );
    expect(row.purchases).toBeGreaterThan(profiles / 2);
    expect(row.views).toBeGreaterThan(profiles);
    expect(row.badPurchases).toBe(0);
    expect(row.badViews).toBe(0);
    expect(row.lastOrderMismatch).toBe(0);
  });

  it("saves dynamic segments with Script v1 conditions, tags and no count yet", async () => {
    const segments = await queryRows<{
      name: string;
      database: string;
      conditions: { logic: string; groups: { logic: string; not: boolean; conditions: { kind: string }[] }[] };
      tags: string[];
      lastCount: number | null;
      groups: string | null;
      rangeTo: number;
      limit: number | null;
    }>(
      db,
      sql`SELECT s.name, d.name AS database, s.conditions, s.tags, s.last_count AS "lastCount", s.range_to::float8 AS "rangeTo",
                 s."limit",
                 (SELECT string_agg(g.name, ',') FROM dynamic_segment_access_groups a JOIN access_groups g ON g.id = a.group_id
                   WHERE a.segment_id = s.id) AS groups
          FROM dynamic_segments s JOIN profile_databases d ON d.id = s.database_id ORDER BY s.id`,
    );
    const retail = segments.filter((s) => s.database === "Retail customers");
    expect(retail.length).toBeGreaterThanOrEqual(3);
    expect(retail.find((s) => s.name === "Berlin VIPs")?.groups).toBe("Retail team");
    expect(retail.some((s) => s.rangeTo === 20 && s.limit !== null)).toBe(true);
    for (const s of segments) {
      expect(s.lastCount).toBeNull();
      expect(s.tags.length).toBeGreaterThan(0);
      expect(["and", "or"]).toContain(s.conditions.logic);
      for (const g of s.conditions.groups) {
        expect(["and", "or"]).toContain(g.logic);
        expect(typeof g.not).toBe("boolean");
        for (const c of g.conditions) expect(["field", "subscription", "interaction", "event", "segment"]).toContain(c.kind);
      }
    }
    const mailingsToSegments = await one<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM mailings WHERE segment_id IS NOT NULL`);
    expect(mailingsToSegments.n).toBeGreaterThan(0);
  });

  it("saves only rules the selection engine accepts", async () => {
    const segments = await queryRows<{ id: number; databaseId: number; from: number; to: number; conditions: unknown; limit: number | null }>(
      db,
      sql`SELECT id, database_id AS "databaseId", range_from::float8 AS "from", range_to::float8 AS "to", conditions, "limit"
          FROM dynamic_segments ORDER BY id`,
    );
    for (const s of segments) {
      const rule = parseSelectionRule({ databaseId: s.databaseId, range: { from: s.from, to: s.to }, conditions: s.conditions, limit: s.limit });
      expect(rule.ok ? [] : rule.issues).toEqual([]);
      if (!rule.ok) continue;
      const fields = await queryRows<{ key: string; type: "string" | "number" | "date" | "boolean"; label: string }>(
        db,
        sql`SELECT key, type, label FROM profile_fields WHERE database_id = ${s.databaseId}`,
      );
      expect(validateSelection(rule.value, { fields, staticSegments: new Map(), dynamicSegments: new Map(), segmentId: s.id })).toEqual([]);
    }
  });

  it("creates a static segment with members and scenarios with participants of their own database", async () => {
    expect(summary.staticSegmentMembers).toBeGreaterThan(0);
    expect(summary.scenarioParticipants).toBeGreaterThan(0);
    const strays = await one<{ n: number }>(
      db,
      sql`SELECT (SELECT count(*) FROM static_segment_members m JOIN static_segments s ON s.id = m.segment_id
                   JOIN profiles p ON p.id = m.profile_id WHERE p.database_id <> s.database_id)
               + (SELECT count(*) FROM scenario_participants m JOIN scenarios s ON s.id = m.scenario_id
                   JOIN profiles p ON p.id = m.profile_id WHERE p.database_id <> s.database_id) AS n`,
    );
    expect(Number(strays.n)).toBe(0);
  });

  it("keeps the identity sequences ahead of the ids it assigned", async () => {
    const row = await one<{ id: number }>(
      db,
      sql`INSERT INTO profiles (database_id) SELECT id FROM profile_databases ORDER BY id LIMIT 1 RETURNING id::int`,
    );
    expect(row.id).toBe(profiles + 1);
    await db.execute(sql`DELETE FROM profiles WHERE id = ${row.id}`);
  });
});

describe("db:seed command line", () => {
  it("reads --seed, --profiles and --reset, with defaults", () => {
    expect(parseSeedArgs([])).toEqual({ ok: true, args: { seed: 1, profiles: 20_000, reset: false, help: false } });
    expect(parseSeedArgs(["--seed", "42", "--profiles=1_000_000", "--reset"])).toEqual({
      ok: true,
      args: { seed: 42, profiles: 1_000_000, reset: true, help: false },
    });
  });

  it("rejects unknown options and bad numbers", () => {
    expect(parseSeedArgs(["--profile", "5"]).ok).toBe(false);
    expect(parseSeedArgs(["--profiles", "many"]).ok).toBe(false);
    expect(parseSeedArgs(["--profiles", "2"]).ok).toBe(false);
    expect(parseSeedArgs(["--seed", "-1"]).ok).toBe(false);
    expect(parseSeedArgs(["--seed"]).ok).toBe(false);
  });

  it("refuses sizes the embedded database cannot hold, pointing to DATABASE_URL", () => {
    const verdict = checkSeedRequest({ driver: "pglite", profiles: EMBEDDED_MAX_PROFILES + 1, reset: true, existingUsers: 0 });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).toContain("DATABASE_URL");
    expect(checkSeedRequest({ driver: "pglite", profiles: EMBEDDED_MAX_PROFILES, reset: false, existingUsers: 0 }).ok).toBe(true);
    expect(checkSeedRequest({ driver: "postgres", profiles: 1_000_000, reset: false, existingUsers: 0 }).ok).toBe(true);
  });

  it("refuses a database that already has users unless --reset is given", () => {
    const verdict = checkSeedRequest({ driver: "postgres", profiles: 20_000, reset: false, existingUsers: 3 });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).toContain("--reset");
    expect(checkSeedRequest({ driver: "postgres", profiles: 20_000, reset: true, existingUsers: 3 }).ok).toBe(true);
  });
});

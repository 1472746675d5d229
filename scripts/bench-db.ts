import { sql } from "drizzle-orm";
import postgres from "postgres";
import { closeDb, getDb, queryRows } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { seedDemoData, startOfUtcDay } from "@/db/seed";

/**
 * The benchmark's own database on the server of DATABASE_URL: created and seeded once, then reused.
 * A comment on the database marks it as ours and records what it holds; a database of that name
 * without the marker is never touched.
 */
/** How the bench marks its own databases (a database comment: this, then the seed and when it ended). */
export const MARKER = "dynamic-segments bench";

export type BenchDatabase = { url: string; name: string; seededAt: Date; seedSeconds: number | null };

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery<T extends object>(adminUrl: string, text: string, params: (string | number)[] = []): Promise<T[]> {
  const client = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return (await client.unsafe(text, params)) as unknown as T[];
  } finally {
    await client.end();
  }
}

export async function ensureBenchDatabase(opts: {
  serverUrl: string;
  name: string;
  profiles: number;
  seed: number;
  reseed: boolean;
  log: (message: string) => void;
}): Promise<BenchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(opts.name)) throw new Error(`Not a plain database name: ${opts.name}`);
  const adminUrl = withDatabase(opts.serverUrl, "postgres");
  const url = withDatabase(opts.serverUrl, opts.name);
  const wanted = `${MARKER}: profiles=${opts.profiles} seed=${opts.seed}`;
  const [existing] = await adminQuery<{ comment: string | null }>(
    adminUrl,
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [opts.name],
  );
  if (existing && !existing.comment?.startsWith(MARKER)) {
    throw new Error(`Database ${opts.name} exists and is not a benchmark database; pick another with --database.`);
  }
  const comment = existing?.comment ?? "";
  process.env.DATABASE_URL = url;
  process.env.DATABASE_POOL_SIZE = "1";

  if (comment.startsWith(`${wanted} seeded=`) && !opts.reseed) {
    const seededAt = new Date(comment.slice(`${wanted} seeded=`.length).split(" ")[0]);
    opts.log(`Reusing ${opts.name} (${opts.profiles.toLocaleString("en")} profiles, seeded ${seededAt.toISOString().slice(0, 10)})`);
    const before = await migrationCount();
    // New migrations may rebuild indexes over ten million events: give them memory to sort in.
    await (await getDb()).execute(sql`SET maintenance_work_mem = '1GB'`);
    await migrateDb();
    if ((await migrationCount()) !== before) {
      opts.log("New migrations applied: refreshing statistics");
      await (await getDb()).execute(sql`VACUUM (ANALYZE)`);
    }
    return { url, name: opts.name, seededAt, seedSeconds: null };
  }

  if (existing) {
    opts.log(`Dropping the old ${opts.name}`);
    await closeDb();
    await adminQuery(adminUrl, `DROP DATABASE ${opts.name} WITH (FORCE)`);
  }
  await adminQuery(adminUrl, `CREATE DATABASE ${opts.name}`);
  await adminQuery(adminUrl, `COMMENT ON DATABASE ${opts.name} IS '${MARKER}: incomplete'`);
  const started = Date.now();
  await migrateDb();
  const seededAt = startOfUtcDay(new Date());
  opts.log(`Seeding ${opts.name}: ${opts.profiles.toLocaleString("en")} profiles, seed ${opts.seed}`);
  await seedDemoData(await getDb(), {
    seed: opts.seed,
    profiles: opts.profiles,
    now: seededAt,
    onProgress: (m) => opts.log(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`),
  });
  const seedSeconds = (Date.now() - started) / 1000;
  await adminQuery(adminUrl, `COMMENT ON DATABASE ${opts.name} IS '${wanted} seeded=${seededAt.toISOString()} in ${seedSeconds.toFixed(0)}s'`);
  opts.log(`Seeded in ${seedSeconds.toFixed(1)} s`);
  return { url, name: opts.name, seededAt, seedSeconds };
}

async function migrationCount(): Promise<number> {
  const db = await getDb();
  const [journal] = await queryRows<{ present: boolean }>(db, sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`);
  if (!journal.present) return 0;
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  return row.n;
}

import { count } from "drizzle-orm";
import { closeDb, getDb } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { users } from "@/db/schema";
import { seedDemoData } from "@/db/seed";
import { describeDatabaseError } from "./db-errors";

/**
 * Brings the database up to date before the server starts (never beside it: PGlite allows one process
 * per data directory): applies migrations, and seeds the demo data when the database has no users yet.
 */
export async function prepareDatabase(opts: { seed: boolean; profiles?: number }): Promise<void> {
  try {
    await migrateDb();
    if (opts.seed) {
      const db = await getDb();
      const [{ n }] = await db.select({ n: count() }).from(users);
      if (n === 0) {
        console.log("First start: seeding demo data…");
        const started = Date.now();
        await seedDemoData(db, { seed: 1, profiles: opts.profiles ?? 20_000 });
        console.log(`Demo data ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    }
  } catch (error) {
    console.error(`\n${describeDatabaseError(error)}\n`);
    process.exitCode = 1;
    throw error;
  } finally {
    await closeDb();
  }
}

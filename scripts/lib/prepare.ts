import { asc, count, eq, isNull } from "drizzle-orm";
import { closeDb, getDb, type Db } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { dynamicSegments, users } from "@/db/schema";
import { loadActingUser } from "@/lib/access/acting-user";
import { calculateSavedSegment } from "@/lib/segments/selection";
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
        await calculateAllSegments(db);
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

/** Saving a segment calculates it once: the seeded segments get their first count the same way. */
async function calculateAllSegments(db: Db): Promise<void> {
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).orderBy(asc(users.id)).limit(1);
  const actor = admin && (await loadActingUser(db, admin.id));
  if (!actor) return;
  const segments = await db.select({ id: dynamicSegments.id }).from(dynamicSegments).where(isNull(dynamicSegments.deletedAt));
  for (const s of segments) await calculateSavedSegment(db, actor, s.id);
}

import path from "node:path";
import { getHandle } from "./client";

const migrationsFolder = path.join(process.cwd(), "drizzle");

/** Applies the committed migrations in `drizzle/` to the current database. */
export async function migrateDb(): Promise<void> {
  const handle = await getHandle();
  if (handle.driver === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder });
  }
}

import { afterAll, inject } from "vitest";
import { closeDb } from "../client";
import { migrateDb } from "../migrate";
import { adminStatement, databaseUrl, randomName } from "./pg-admin";

// Each test file gets a database of its own: an in-memory PGlite, or a clone of the run's migrated
// PostgreSQL template. Code under test reaches it through the ordinary getDb().
const kind = process.env.TEST_DB_KIND;
const adminUrl = process.env.TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";

if (kind === "postgres") {
  const name = randomName("segments_test");
  await adminStatement(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${inject("pgTemplate")}`);
  process.env.DATABASE_URL = databaseUrl(adminUrl, name);
  afterAll(async () => {
    await closeDb();
    await adminStatement(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DIR = "memory://";
  await migrateDb();
  afterAll(async () => {
    await closeDb();
  });
}

import type { TestProject } from "vitest/node";
import { adminStatement, databaseUrl, randomName } from "./pg-admin";

/**
 * Migrates one template database per run; each test file then clones it (CREATE DATABASE … TEMPLATE),
 * so files run in parallel on databases of their own and everything is dropped at the end.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  const template = randomName("segments_tpl");
  await adminStatement(adminUrl, `CREATE DATABASE ${template}`);
  process.env.DATABASE_URL = databaseUrl(adminUrl, template);
  const { migrateDb } = await import("../migrate");
  const { closeDb } = await import("../client");
  await migrateDb();
  await closeDb();
  delete process.env.DATABASE_URL;
  project.provide("pgTemplate", template);
  return async () => {
    await adminStatement(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

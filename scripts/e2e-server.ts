import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminStatement, databaseUrl, randomName } from "@/db/testing/pg-admin";
import { buildIfNeeded } from "./lib/build";
import { prepareDatabase } from "./lib/prepare";

/**
 * The server Playwright tests run against: the production build on a fresh database made for this
 * run — a new PostgreSQL database on DATABASE_URL's server when that is set, a temporary PGlite
 * directory otherwise — seeded with the demo data, and removed again when the run ends.
 */
async function main() {
  const port = process.env.E2E_PORT || "3100";
  process.env.AUTH_SECRET ||= randomBytes(32).toString("base64url");
  buildIfNeeded();

  let cleanup: () => Promise<void>;
  if (process.env.DATABASE_URL) {
    const adminUrl = databaseUrl(process.env.DATABASE_URL, "postgres");
    const name = randomName("segments_e2e");
    await adminStatement(adminUrl, `CREATE DATABASE ${name}`);
    process.env.DATABASE_URL = databaseUrl(adminUrl, name);
    cleanup = () => adminStatement(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "segments-e2e-"));
    process.env.PGLITE_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }

  await prepareDatabase({ seed: true, profiles: Number(process.env.E2E_PROFILES || 3000) });
  // A rule naming this marker counts slowly in the builder's live count (app/api/segments/count), for e2e/feedback.spec.ts.
  process.env.E2E_SLOW_COUNT_MARKER ||= "slow-count-e2e";
  // A request with the e2e-slow-page cookie renders the list, builder or analytics that much later (lib/e2e/slow-page.ts).
  process.env.E2E_SLOW_PAGES = "1";
  const server = spawn(process.execPath, ["scripts/serve.mjs", "-p", port, "-H", "127.0.0.1"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    await cleanup().catch((e: unknown) => console.error("e2e cleanup failed:", e));
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.on("exit", (code) => {
    if (!stopping) cleanup().finally(() => process.exit(code ?? 1));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

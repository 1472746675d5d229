import { spawn } from "node:child_process";
import { buildIfNeeded } from "./lib/build";
import { redact } from "./lib/db-errors";
import { checkEnvironment } from "@/lib/env";
import { ensureAuthSecret } from "./lib/env";
import { prepareDatabase } from "./lib/prepare";

/**
 * `npm start`: everything a fresh clone needs, in order — a secret, a build, the database
 * (migrated, seeded on first start), then `next start`.
 */
async function main() {
  ensureAuthSecret();
  const settings = checkEnvironment(); // a bad setting stops here, with its name, before the build
  buildIfNeeded();
  await prepareDatabase({ seed: true });
  const port = String(settings.PORT);
  // scripts/serve.mjs is `next start` with honest X-Forwarded-For (see lib/net/client-address.ts).
  const server = spawn(process.execPath, ["scripts/serve.mjs", "-p", port], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /Ready|started server/i.test(chunk.toString())) {
      announced = true;
      console.log(`
  Dynamic Segments is running at http://localhost:${port}
  Database: ${settings.DATABASE_URL ? redact(settings.DATABASE_URL) : "embedded (PGlite, .data/pglite)"}
  Demo sign-ins (password demo1234):
    admin@example.com     admin
    lead@example.com      team lead
    marketer@example.com  marketer
`);
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((error: unknown) => {
  if (process.exitCode !== 1) console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import net from "node:net";
import { parseArgs } from "node:util";
import { closeDb, databaseKind, getDb } from "@/db/client";
import { createTokenForEmail } from "@/lib/api-tokens/create";
import { checkEnvironment } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { loadEnvLocal } from "./lib/env";
import { prepareDatabase } from "./lib/prepare";

const usage = `Usage: npm run token -- --email <user email> [--name <label>]

Prints a new API token for an active user (it acts as that user, with the same access).
Only its hash is stored: copy it now. Revoke it under Settings -> API tokens.`;

/** True when something answers on the port (the app, most likely). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(500);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });
}

async function main(): Promise<number> {
  let values: { email?: string; name?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { email: { type: "string" }, name: { type: "string" }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${usage}`);
    return 2;
  }
  if (values.help) return console.log(usage), 0;
  if (!values.email) return console.error(usage), 2;

  loadEnvLocal();
  if (databaseKind() === "pglite" && (await listening(checkEnvironment().PORT))) {
    console.error(
      "The app seems to be running with the embedded database, which allows one process at a time.\n" +
        "Create the token in the app (Settings -> API tokens), or stop the app, run this again, then start it.",
    );
    return 1;
  }
  // A fresh clone has no database yet: prepare it as `npm start` would (migrations, demo data once).
  // Its progress goes to stderr, so that stdout is the token alone (`TOKEN=$(npm run -s token …)`).
  const log = console.log;
  console.log = console.error;
  try {
    await prepareDatabase({ seed: true });
  } finally {
    console.log = log;
  }
  try {
    const name = values.name?.trim() || `CLI token ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
    const { token, user } = await createTokenForEmail(await getDb(), values.email, name);
    console.error(`New API token "${name}" for ${user.name} <${user.email}> (${user.role}). It is shown only now:`);
    console.log(token);
    return 0;
  } catch (error) {
    if (isAppError(error)) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await closeDb();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, appendFileSync } from "node:fs";
import path from "node:path";

const envFile = path.join(process.cwd(), ".env.local");

/** Reads KEY=VALUE lines of .env.local into process.env (without overriding what is already set). */
export function loadEnvLocal(): void {
  if (!existsSync(envFile)) return;
  for (const line of readFileSync(envFile, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match && process.env[match[1]] === undefined) process.env[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
}

/** The embedded default needs no setup: a random AUTH_SECRET is generated once into .env.local (git-ignored). */
export function ensureAuthSecret(): void {
  loadEnvLocal();
  if (process.env.AUTH_SECRET) return;
  const secret = randomBytes(32).toString("base64url");
  appendFileSync(envFile, `AUTH_SECRET=${secret}\n`);
  process.env.AUTH_SECRET = secret;
  console.log("Generated AUTH_SECRET into .env.local");
}

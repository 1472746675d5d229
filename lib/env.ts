import path from "node:path";
import { z } from "zod";

/**
 * The app's settings from the environment, each checked once by one schema: a value that is set but
 * wrong (`SELECTION_TIMEOUT_MS=30s`, `DATABASE_POOL_SIZE=0`) is an error that names the variable and
 * what it takes — at start (`checkEnvironment()` in scripts/start.ts and scripts/prepare-db.ts) and at
 * any later use — never a silent fallback to the default. An unset or empty variable means its default.
 * The table of every variable is in docs/security.md.
 *
 * Read at each call (cached while the variables stay the same), so tests and tools that set
 * `process.env` at run time see their values.
 */

const text = (what: string) => z.string({ error: `must be ${what}` });
const whole = (min: number, what: string) => text(what).regex(/^\d{1,12}$/, `must be ${what}`).transform(Number).pipe(z.number().int().min(min, `must be ${what}`));
const decimal = (what: string) =>
  text(what)
    .regex(/^\d{1,12}(\.\d{1,6})?$/, `must be ${what}`)
    .transform(Number)
    .pipe(z.number().positive(`must be ${what}`));
const postgresUrl = text("a postgres:// or postgresql:// URL").regex(/^postgres(ql)?:\/\/\S*$/, "must be a postgres:// or postgresql:// URL");
/** A `work_mem` value as PostgreSQL writes it (`64MB`, `512kB`, `1GB`; a bare number is kB). */
const memorySize = text("a memory size like 64MB, 512kB or 1GB")
  .regex(/^\d{1,7}\s*(kB|MB|GB)?$/i, "must be a memory size like 64MB, 512kB or 1GB")
  .transform((value) => {
    const [, amount, unit] = /^(\d+)\s*([a-z]*)$/i.exec(value)!;
    return `${Number(amount)}${unit ? { kb: "kB", mb: "MB", gb: "GB" }[unit.toLowerCase()] : "kB"}`;
  });

const schema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_READ_URL: postgresUrl.optional(),
  PGLITE_DIR: text("a directory or memory://").default(() => path.join(process.cwd(), ".data", "pglite")),
  DATABASE_POOL_SIZE: whole(1, "a whole number of connections, at least 1").default(10),
  DATABASE_JOBS_POOL_SIZE: whole(1, "a whole number of connections, at least 1").default(6),
  DATABASE_READ_POOL_SIZE: whole(1, "a whole number of connections, at least 1").default(10),
  DATABASE_CONNECTION_CHECK_MS: whole(0, "whole milliseconds (0 turns the check off)").default(1000),
  DATABASE_READ_WAIT_MS: whole(0, "whole milliseconds").default(500),
  DATABASE_READ_RETRY_MS: whole(0, "whole milliseconds").default(30_000),
  DATABASE_READ_CONNECT_TIMEOUT_S: whole(1, "whole seconds, at least 1").default(3),
  SELECTION_TIMEOUT_MS: whole(1, "whole milliseconds, at least 1").default(30_000),
  SELECTION_WORK_MEM: memorySize.default("32MB"),
  ACTION_TIMEOUT_MS: whole(1, "whole milliseconds, at least 1").default(20 * 60_000),
  ACTION_LOCK_TIMEOUT_MS: whole(0, "whole milliseconds (0 = no limit)").default(15_000),
  ACTION_WORK_MEM: memorySize.default("64MB"),
  /** Unset: 1 on the embedded database (one process), 2 on PostgreSQL. */
  JOBS_CONCURRENCY: whole(1, "a whole number of jobs, at least 1").optional(),
  EXPORTS_DIR: text("a directory").default(() => path.join(process.cwd(), ".data", "exports")),
  EXPORT_RETENTION_DAYS: decimal("a number of days above 0").default(7),
  SESSION_IDLE_MINUTES: decimal("a number of minutes, at least 1").pipe(z.number().min(1, "must be a number of minutes, at least 1")).default(60),
  API_RATE_LIMIT_BURST: whole(1, "a whole number of requests, at least 1").default(120),
  API_RATE_LIMIT_PER_SECOND: decimal("a number of requests per second above 0").default(10),
  /** Unset: postgres on PostgreSQL, memory on the embedded database. */
  API_RATE_LIMIT_STORE: z.enum(["memory", "postgres"], { error: "must be memory or postgres" }).optional(),
  PORT: whole(1, "a TCP port (1–65535)").pipe(z.number().max(65_535, "must be a TCP port (1–65535)")).default(3000),
});

export type Env = z.output<typeof schema>;
export type EnvName = keyof typeof schema.shape;

const NAMES = Object.keys(schema.shape) as EnvName[];

export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  ${p}`).join("\n")}\n(Unset a variable to use its default; docs/security.md lists them.)`);
    this.name = "EnvironmentError";
  }
}

/** Parses the given variables; throws an EnvironmentError naming every bad one. */
export function parseEnvironment(source: Record<string, string | undefined>): Env {
  const raw = Object.fromEntries(NAMES.map((name) => [name, source[name]?.trim() || undefined]));
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new EnvironmentError(parsed.error.issues.map((issue) => `${String(issue.path[0])}=${JSON.stringify(raw[issue.path[0] as EnvName])} ${issue.message}`));
}

let cached: { key: string; env: Env } | undefined;

/** The settings of this process (process.env), checked. */
export function env(): Env {
  const key = JSON.stringify(NAMES.map((name) => process.env[name] ?? null));
  if (cached?.key !== key) cached = { key, env: parseEnvironment(process.env) };
  return cached.env;
}

/** For command-line starts: a bad environment prints what is wrong and exits, before anything runs. */
export function checkEnvironment(): Env {
  try {
    return env();
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

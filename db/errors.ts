/**
 * What the database drivers' errors mean, in one place. postgres.js and PGlite both put PostgreSQL's
 * SQLSTATE on `code`, sometimes on an error's `cause` (drizzle wraps driver errors), and socket faults
 * carry Node's or postgres.js's own codes. Everything here walks that cause chain the same way.
 *
 * Two kinds of fault matter to a client:
 * - the database is not answering (server down or restarting, network cut): pages show "The database
 *   is not answering; try again in a moment.", the API answers 503 `unavailable` with Retry-After, and
 *   nothing needs a restart — the pool reconnects on the next query;
 * - a value PostgreSQL refused as data (number out of range, NUL in text, …) that slipped past the
 *   schemas: a 400 for the client, never a 500 (the schemas should catch these first, with a path).
 * Client-safe (no driver imports): the error page imports the digest.
 */
import { AppError } from "@/lib/errors";

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is not answering; try again in a moment.";
/** Set on the error a page throws, so that the error boundary recognises it in production too (Next keeps a given digest). */
export const DATABASE_UNAVAILABLE_DIGEST = "DATABASE_UNAVAILABLE";
/** Seconds a client should wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

type DriverError = { code?: unknown; message?: unknown; digest?: unknown; constraint_name?: unknown; constraint?: unknown };

/** The error and its causes, outermost first (at most 5 deep). */
function* causes(error: unknown): Generator<DriverError> {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e as DriverError;
}

/** The driver's own code of an error or its causes (a SQLSTATE, or e.g. `ECONNREFUSED`), outermost first. */
export function driverCode(error: unknown): string | undefined {
  for (const e of causes(error)) if (typeof e.code === "string" && e.code) return e.code;
  return undefined;
}

/** The SQLSTATE of a driver error (five digits or capitals), if it or a cause carries one. */
export function sqlState(error: unknown): string | undefined {
  for (const e of causes(error)) if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return undefined;
}

/** A unique violation (23505), on the constraint or index `name` when given. */
export function isUniqueViolation(error: unknown, name?: string): boolean {
  for (const e of causes(error)) {
    if (e.code !== "23505") continue;
    if (!name || e.constraint_name === name || e.constraint === name || String(e.message ?? "").includes(name)) return true;
  }
  return false;
}

/** Whether an error means the database went away or cannot be reached (restart, failover, network). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of causes(error)) {
    if (e.digest === DATABASE_UNAVAILABLE_DIGEST) return true;
    const code = String(e.code ?? "");
    // 08xxx connection exceptions, 57P01-03 admin/crash shutdown and "cannot connect now" (starting up).
    if (/^(57P0[123]|08\d{3})$/.test(code)) return true;
    if (/^(CONNECTION_(CLOSED|ENDED|DESTROYED)|CONNECT_TIMEOUT|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code)) return true;
  }
  return false;
}

/**
 * Why PostgreSQL cancelled a statement (SQLSTATE 57014), or null for any other error: its own
 * statement_timeout (`limitMs`) or a request from outside (pg_cancel_backend, an operator). The server's
 * message says which in English; with other server languages the time it ran decides.
 */
export function cancelReason(error: unknown, elapsedMs: number, limitMs: number): "timeout" | "request" | null {
  for (const e of causes(error)) {
    if (e.code !== "57014") continue;
    const message = String(e.message ?? "");
    if (/statement timeout/i.test(message)) return "timeout";
    if (/user request/i.test(message)) return "request";
    return elapsedMs >= limitMs * 0.95 ? "timeout" : "request";
  }
  return null;
}

/** The error a page or action throws when the database is not answering (no stack or SQL in it). */
export class DatabaseUnavailableError extends AppError {
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
  constructor() {
    super("unavailable", DATABASE_UNAVAILABLE_MESSAGE);
    this.name = "DatabaseUnavailableError";
  }
}

/** Runs `work`; a database that is not answering becomes a DatabaseUnavailableError. */
export async function orUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DatabaseUnavailableError) && isDatabaseUnavailable(error)) throw new DatabaseUnavailableError();
    throw error;
  }
}

/**
 * PostgreSQL's data exceptions that only a client's value can cause (class 22: numeric value out of
 * range, NUL or untranslatable characters, invalid text for a type; 54001: a value nested too deeply),
 * as a 400. The schemas refuse these with a path; this is the net under them.
 */
export function clientValueError(error: unknown): AppError | null {
  for (const e of causes(error)) {
    const code = String(e.code ?? "");
    if (/^22(003|P05|021|P02|007|008|023|P01)$/.test(code) || code === "54001")
      return new AppError("validation_failed", "A value in the request cannot be stored or compared.", [{ path: "", message: "A value is out of range or contains characters that cannot be stored." }]);
  }
  return null;
}

/** A database fault that a client should hear about in plain words (503 or 400), or null. */
export function knownDatabaseError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) return new DatabaseUnavailableError();
  return clientValueError(error);
}

/** Whether an error that reached an error boundary is the database not answering (by its digest: production hides messages). */
export function isDatabaseUnavailableDigest(error: unknown): boolean {
  return !!error && typeof error === "object" && (error as { digest?: unknown }).digest === DATABASE_UNAVAILABLE_DIGEST;
}

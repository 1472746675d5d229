/**
 * Database faults as the app reports them. Two kinds matter to a client:
 * - the database is not answering (server down or restarting, network cut): pages show "The database
 *   is not answering; try again in a moment.", the API answers 503 `unavailable` with Retry-After, and
 *   nothing needs a restart — the pool reconnects on the next query;
 * - a value PostgreSQL refused as data (number out of range, NUL in text, …) that slipped past the
 *   schemas: a 400 for the client, never a 500 (the schemas should catch these first, with a path).
 * Client-safe: the error page imports the digest.
 */
import { AppError } from "@/lib/errors";

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is not answering; try again in a moment.";
/** Set on the error a page throws, so that the error boundary recognises it in production too (Next keeps a given digest). */
export const DATABASE_UNAVAILABLE_DIGEST = "DATABASE_UNAVAILABLE";
/** Seconds a client should wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

function* causes(error: unknown): Generator<Record<string, unknown>> {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e as Record<string, unknown>;
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

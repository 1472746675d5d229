import { driverCode } from "@/db/errors";

/** Turns a failure to reach or open the database into a sentence a person can act on. */
export function describeDatabaseError(error: unknown): string {
  const url = process.env.DATABASE_URL;
  const where = url ? redact(url) : `the embedded database (${process.env.PGLITE_DIR || ".data/pglite"})`;
  const e = error as { message?: string; cause?: { message?: string } };
  const code = driverCode(error);
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code === "CONNECT_TIMEOUT")
    return `Cannot reach PostgreSQL at ${where} (${code}). Is the server running? Start it, fix DATABASE_URL, or unset DATABASE_URL to use the embedded database.`;
  if (code === "3D000")
    return `The database in DATABASE_URL (${where}) does not exist. Create it first, e.g.: createdb -h <host> -U <user> <name>`;
  if (code === "28P01" || code === "28000")
    return `PostgreSQL refused the credentials in DATABASE_URL (${where}). Check the user and password.`;
  const message = e?.cause?.message ?? e?.message ?? String(error);
  return `Could not prepare ${where}: ${message}`;
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(an invalid DATABASE_URL)";
  }
}

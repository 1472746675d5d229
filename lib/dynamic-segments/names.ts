import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { AppError } from "@/lib/errors";

/**
 * SPEC §2: segment names are unique among the live (not binned) segments of one profile database,
 * compared trimmed and case-insensitively. The unique index `dynamic_segments_live_name_unique`
 * (migration 0011) enforces it; these helpers find a clash first so the form can say so next to Name.
 */
export const NAME_TAKEN = "Another segment of this profile database already has this name. Choose another one.";

export const nameConflict = () => new AppError("conflict", NAME_TAKEN, [{ path: "name", message: NAME_TAKEN }]);

const key = (name: string) => name.trim().toLowerCase();

/** Throws a `conflict` when a live segment of the database (other than `exceptId`) has the name. */
export async function assertNameFree(db: Db, databaseId: number, name: string, exceptId?: number): Promise<void> {
  const rows = await queryRows<{ one: number }>(
    db,
    sql`select 1 as one from dynamic_segments
        where database_id = ${databaseId} and deleted_at is null and lower(btrim(name)) = lower(btrim(${name}))
          and id <> ${exceptId ?? 0}
        limit 1`,
  );
  if (rows.length) throw nameConflict();
}

/** The lower-cased, trimmed names of live segments of a database that start with `prefix`. */
async function takenWithPrefix(db: Db, databaseId: number, prefix: string, exceptId?: number): Promise<Set<string>> {
  const pattern = key(prefix).replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select lower(btrim(name)) as name from dynamic_segments
        where database_id = ${databaseId} and deleted_at is null and lower(btrim(name)) like ${pattern}
          and id <> ${exceptId ?? 0}`,
  );
  return new Set(rows.map((r) => r.name));
}

const MAX_NAME = 200;

/** `base`, else `base (2)`, `base (3)`, … — the first one no live segment of the database uses. */
export async function firstFreeName(db: Db, databaseId: number, base: string, exceptId?: number): Promise<string> {
  const trimmed = base.trim().slice(0, MAX_NAME - 8);
  const taken = await takenWithPrefix(db, databaseId, trimmed, exceptId);
  if (!taken.has(key(trimmed))) return trimmed;
  for (let n = 2; ; n++) {
    const candidate = `${trimmed} (${n})`;
    if (!taken.has(key(candidate))) return candidate;
  }
}

/** A clone's name: `Copy of <name>`, then `Copy of <name> (2)`, … */
export const cloneName = (db: Db, databaseId: number, name: string) => firstFreeName(db, databaseId, `Copy of ${name.trim()}`);

/** True for PostgreSQL's unique violation on the live-name index (a race between two saves). */
export function isNameIndexViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name, constraint, message } = e as { code?: string; constraint_name?: string; constraint?: string; message?: string };
    if (code === "23505" && [constraint_name, constraint, message].some((s) => typeof s === "string" && s.includes("dynamic_segments_live_name_unique"))) return true;
  }
  return false;
}

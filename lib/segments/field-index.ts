import "server-only";
/**
 * Indexed custom fields: a database owner marks a few fields whose conditions are common, and the
 * profiles table gets a partial expression index per field — `(<the engine's value expression>) WHERE
 * database_id = <db>` — that the planner matches with the compiled `p.database_id = … AND <expression>
 * <op> …` (equality, ranges, `in` lists). See docs/scaling.md ("Indexed custom fields").
 *
 * On PostgreSQL the index is built `CONCURRENTLY`, outside any transaction, so a big table stays
 * writable meanwhile; a build that fails leaves an invalid index, which is dropped before the error is
 * reported, and the field is marked only once its index is valid — never a half state. (PGlite has a
 * single connection and nothing to block: a plain CREATE INDEX.)
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { databaseKind, queryRows, type Db } from "@/db/client";
import { profileFields } from "@/db/schema";
import { requireVisibleDatabase } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { forbidden, invalid, notFound } from "@/lib/errors";
import type { FieldType } from "./fields";

/** Keys an index can be named after and written into DDL as a literal. */
const INDEXABLE_KEY = /^[a-z_][a-z0-9_]{0,39}$/;

/** The index of one field of one database. */
export function fieldIndexName(databaseId: number, key: string): string {
  return `profiles_db${Math.trunc(databaseId)}_field_${key}_idx`;
}

/**
 * The value expression over `fields` exactly as the compiler writes it for a field of this type
 * (compile-field.ts `jsonValueSource`), without the table alias.
 */
export function fieldIndexExpression(type: FieldType, key: string): SQL {
  if (!INDEXABLE_KEY.test(key)) throw new Error(`Not an indexable field key: ${key}`);
  const k = sql.raw(`'${key}'`);
  switch (type) {
    case "string":
      return sql`(fields ->> ${k})`;
    case "number":
      return sql`segment_number(fields -> ${k})`;
    case "date":
      return sql`segment_instant(fields ->> ${k})`;
    case "boolean":
      return sql`(fields -> ${k})`;
  }
}

export function createFieldIndexStatement(databaseId: number, field: { key: string; type: FieldType }, concurrently: boolean): SQL {
  const name = sql.raw(`"${fieldIndexName(databaseId, field.key)}"`);
  return sql`create index ${sql.raw(concurrently ? "concurrently " : "")}if not exists ${name} on profiles (${fieldIndexExpression(field.type, field.key)}) where database_id = ${sql.raw(String(Math.trunc(databaseId)))}`;
}

function dropFieldIndexStatement(databaseId: number, key: string, concurrently: boolean): SQL {
  return sql`drop index ${sql.raw(concurrently ? "concurrently " : "")}if exists ${sql.raw(`"${fieldIndexName(databaseId, key)}"`)}`;
}

/**
 * Marks a custom field as indexed (building its index first) or not (dropping it after). Admins and
 * leads who can see the database may; bad keys and field types answer a validation error and change
 * nothing. `db` must not be inside a transaction (CONCURRENTLY cannot run in one).
 */
export async function setFieldIndexed(db: Db, user: ActingUser, input: { databaseId: number; key: string; indexed: boolean }): Promise<{ key: string; indexed: boolean }> {
  await requireVisibleDatabase(db, user, input.databaseId);
  if (user.role !== "admin" && user.role !== "lead") throw forbidden("Only admins and leads may change which fields are indexed.");
  const [field] = await db
    .select({ key: profileFields.key, type: profileFields.type })
    .from(profileFields)
    .where(and(eq(profileFields.databaseId, input.databaseId), eq(profileFields.key, input.key)));
  if (!field) throw notFound("The field");
  if (!INDEXABLE_KEY.test(field.key)) {
    throw invalid([{ path: "key", message: "Only fields whose key is lower-case letters, digits and underscores (up to 40) can be indexed." }]);
  }
  const concurrently = databaseKind() === "postgres";
  const setFlag = (indexed: boolean) =>
    db.update(profileFields).set({ indexed }).where(and(eq(profileFields.databaseId, input.databaseId), eq(profileFields.key, field.key)));
  if (!input.indexed) {
    await setFlag(false);
    await db.execute(dropFieldIndexStatement(input.databaseId, field.key, concurrently));
    return { key: field.key, indexed: false };
  }
  // A build interrupted earlier may have left an invalid index of that name: IF NOT EXISTS would keep it.
  if (!(await indexValid(db, fieldIndexName(input.databaseId, field.key)))) await db.execute(dropFieldIndexStatement(input.databaseId, field.key, concurrently));
  try {
    await db.execute(createFieldIndexStatement(input.databaseId, field, concurrently));
  } catch (error) {
    await db.execute(dropFieldIndexStatement(input.databaseId, field.key, concurrently)).catch(() => {});
    throw error;
  }
  await setFlag(true);
  return { key: field.key, indexed: true };
}

/** Whether the index exists and is valid; true when it does not exist (nothing to clean up). */
async function indexValid(db: Db, name: string): Promise<boolean> {
  const [row] = await queryRows<{ valid: boolean | null }>(
    db,
    sql`select (select i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = ${name} and c.relkind = 'i') as valid`,
  );
  return row.valid !== false;
}

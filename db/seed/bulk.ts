import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { queryRows } from "../client";

/** Rows a statement wrote, whichever driver ran it (postgres.js: `count`, PGlite: `affectedRows`). */
export function affectedRows(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}

const nameList = (names: readonly string[]) =>
  sql.join(
    names.map((n) => sql`${n}`),
    sql`, `,
  );

/** Constraints of the tables that `where` picks (over `pg_constraint c`), with what re-creates each. */
function constraintsOf(db: Db, tables: readonly string[], where: SQL) {
  return queryRows<{ name: string; tableName: string; definition: string }>(
    db,
    sql`SELECT quote_ident(c.conname) AS name, c.conrelid::regclass::text AS "tableName",
               pg_get_constraintdef(c.oid) AS definition
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace ns ON ns.oid = t.relnamespace
        WHERE ${where} AND ns.nspname = current_schema() AND t.relname IN (${nameList(tables)})
        ORDER BY t.relname, c.conname`,
  );
}

/** Empties every table of the app (not the migrations journal) and restarts their id sequences. */
export async function truncateAppTables(db: Db): Promise<void> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
  );
  if (tables.length === 0) return;
  await db.execute(sql.raw(`TRUNCATE TABLE ${tables.map((t) => t.name).join(", ")} RESTART IDENTITY CASCADE`));
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM users`);
  return row.n;
}

/**
 * Runs a bulk load with the tables' secondary indexes, foreign keys and unreferenced keys set aside, then rebuilds them:
 * building an index once over ten million rows is several times faster than maintaining it row by
 * row, and re-adding a foreign key checks it with one join instead of a trigger per row. Whatever
 * the schema declares (today or after a later migration) is read from the catalog and restored as it was.
 * Run it inside a transaction so that a failure leaves the schema untouched.
 */
export async function withIndexesDeferred<T>(
  db: Db,
  tables: readonly string[],
  load: () => Promise<T>,
  onStep: (message: string) => void = () => {},
): Promise<T> {
  const indexes = await queryRows<{ name: string; definition: string }>(
    db,
    sql`SELECT quote_ident(i.relname) AS name, pg_get_indexdef(i.oid) AS definition
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace ns ON ns.oid = t.relnamespace
        WHERE ns.nspname = current_schema() AND t.relname IN (${nameList(tables)})
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.contype IN ('p', 'u', 'x'))
        ORDER BY t.relname, i.relname`,
  );
  const foreignKeys = await constraintsOf(db, tables, sql`c.contype = 'f'`);
  for (const fk of foreignKeys) await db.execute(sql.raw(`ALTER TABLE ${fk.tableName} DROP CONSTRAINT ${fk.name}`));
  for (const index of indexes) await db.execute(sql.raw(`DROP INDEX ${index.name}`));
  // Primary keys too, where no remaining foreign key depends on them (events' is; profiles' is not).
  const keys = await constraintsOf(
    db,
    tables,
    sql`c.contype IN ('p', 'u') AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.conrelid)`,
  );
  for (const key of keys) await db.execute(sql.raw(`ALTER TABLE ${key.tableName} DROP CONSTRAINT ${key.name}`));

  const result = await load();

  for (const key of keys) {
    const started = Date.now();
    await db.execute(sql.raw(`ALTER TABLE ${key.tableName} ADD CONSTRAINT ${key.name} ${key.definition}`));
    onStep(`key ${key.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  for (const index of indexes) {
    const started = Date.now();
    await db.execute(sql.raw(index.definition));
    onStep(`index ${index.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  for (const fk of foreignKeys) {
    const started = Date.now();
    await db.execute(sql.raw(`ALTER TABLE ${fk.tableName} ADD CONSTRAINT ${fk.name} ${fk.definition}`));
    onStep(`foreign key ${fk.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return result;
}

/** Moves an identity sequence past ids the seed assigned itself. */
export async function syncIdentity(db: Db, table: string): Promise<void> {
  await db.execute(
    sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce((SELECT max(id) FROM ${sql.identifier(table)}), 0) + 1, false)`,
  );
}

/** Fresh statistics and visibility map, so the first segment calculation plans well and scans index-only. */
export async function vacuumAnalyze(db: Db): Promise<void> {
  await db.execute(sql`VACUUM (ANALYZE)`);
}

import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { databaseSizeSql } from "@/db/database-size";
import { accessGroups, profileDatabaseAccessGroups, profileDatabases, profileFields, type FieldType } from "@/db/schema";
import { databaseVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError, invalid, notFound } from "@/lib/errors";
import { formatPath, type FieldDefinition } from "@/lib/profiles/schema";
import { createDatabaseSchema, type CreateDatabaseInput, type FieldTypeName } from "./schema";

// The form's list of types and the database enum are one fact: the typecheck fails if they drift apart.
type SameTypes = [FieldType] extends [FieldTypeName] ? ([FieldTypeName] extends [FieldType] ? true : false) : false;
const fieldTypesAgree: SameTypes = true;
void fieldTypesAgree;

export type AccessGroupRef = { id: number; name: string };

/** A profile database as the pages and the API show it. */
export type DatabaseSummary = {
  id: number;
  name: string;
  createdAt: string;
  fields: FieldDefinition[];
  accessGroups: AccessGroupRef[];
  profileCount: number;
};

/**
 * One statement for any number of databases: fields, groups and sizes come from correlated subqueries.
 * The outer id is written out qualified (Drizzle would render a bare "id", which a subquery over a
 * table with its own id column would capture).
 */
const outerId = sql.raw(`"profile_databases"."id"`);

function summaryQuery(db: Db) {
  return db
    .select({
      id: profileDatabases.id,
      name: profileDatabases.name,
      createdAt: profileDatabases.createdAt,
      fields: sql<FieldDefinition[]>`coalesce((
        select json_agg(json_build_object('key', f.key, 'type', f.type, 'label', f.label) order by f.position, f.key)
        from ${profileFields} f where f.database_id = ${outerId}), '[]'::json)`,
      accessGroups: sql<AccessGroupRef[]>`coalesce((
        select json_agg(json_build_object('id', ag.id, 'name', ag.name) order by ag.name)
        from ${profileDatabaseAccessGroups} dg join ${accessGroups} ag on ag.id = dg.group_id
        where dg.database_id = ${outerId}), '[]'::json)`,
      // The size the row triggers keep, not a count: the list and every page that names a database
      // would otherwise count a big one each time.
      profileCount: sql<number>`${databaseSizeSql(outerId)}`.mapWith(Number),
    })
    .from(profileDatabases)
    .$dynamic();
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>["execute"]>>[number];

const toSummary = (row: SummaryRow): DatabaseSummary => ({
  ...row,
  // json comes back parsed from both drivers; be tolerant of a driver that hands over text.
  fields: typeof row.fields === "string" ? JSON.parse(row.fields) : row.fields,
  accessGroups: typeof row.accessGroups === "string" ? JSON.parse(row.accessGroups) : row.accessGroups,
  createdAt: row.createdAt.toISOString(),
});

/** Databases the user may see (SPEC §3), by name, with their fields, access groups and profile counts. */
export async function listDatabases(db: Db, user: ActingUser): Promise<DatabaseSummary[]> {
  const rows = await summaryQuery(db).where(databaseVisible(user, profileDatabases.id)).orderBy(asc(profileDatabases.name), asc(profileDatabases.id));
  return rows.map(toSummary);
}

/** One database the user may see; a 404 AppError when it is missing or invisible. */
export async function getDatabase(db: Db, user: ActingUser, databaseId: number): Promise<DatabaseSummary> {
  if (!Number.isSafeInteger(databaseId) || databaseId <= 0 || databaseId > 2_147_483_647) throw notFound("The profile database");
  const [row] = await summaryQuery(db).where(and(eq(profileDatabases.id, databaseId), databaseVisible(user, profileDatabases.id)));
  if (!row) throw notFound("The profile database");
  return toSummary(row);
}

/** The custom fields a database declares, in display order. The caller has checked visibility. */
export async function databaseFields(db: Db, databaseId: number): Promise<FieldDefinition[]> {
  return db
    .select({ key: profileFields.key, type: profileFields.type, label: profileFields.label })
    .from(profileFields)
    .where(eq(profileFields.databaseId, databaseId))
    .orderBy(asc(profileFields.position), asc(profileFields.key));
}

/** Groups the user may give a new database: their own; an admin, every group. */
export async function listAssignableAccessGroups(db: Db, user: ActingUser): Promise<AccessGroupRef[]> {
  if (user.role !== "admin" && user.groupIds.length === 0) return [];
  return db
    .select({ id: accessGroups.id, name: accessGroups.name })
    .from(accessGroups)
    .where(user.role === "admin" ? undefined : inArray(accessGroups.id, user.groupIds))
    .orderBy(asc(accessGroups.name));
}

const conflict = (name: string) =>
  new AppError("conflict", `A profile database named "${name}" already exists.`, [{ path: "name", message: "This name is taken; choose another." }]);

function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

/**
 * Creates a database with its fields and access groups. Every role may create one; the groups must be
 * among those the user may assign. A taken name (ignoring case) is a conflict.
 */
export async function createDatabase(db: Db, user: ActingUser, input: CreateDatabaseInput): Promise<DatabaseSummary> {
  const parsed = createDatabaseSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: formatPath(i.path) || "body", message: i.message })));
  const { name, fields, accessGroupIds } = parsed.data;

  const groupIds = [...new Set(accessGroupIds)];
  if (groupIds.length) {
    const assignable = new Set((await listAssignableAccessGroups(db, user)).map((g) => g.id));
    const refused = groupIds.filter((id) => !assignable.has(id));
    if (refused.length)
      throw invalid([{ path: "accessGroupIds", message: `You cannot give a database access group ${refused.join(", ")}: you are not a member of it, or it does not exist.` }]);
  }

  let id: number;
  try {
    id = await db.transaction(async (tx) => {
      const [taken] = await tx
        .select({ id: profileDatabases.id })
        .from(profileDatabases)
        .where(sql`lower(${profileDatabases.name}) = lower(${name})`);
      if (taken) throw conflict(name);
      const [created] = await tx.insert(profileDatabases).values({ name }).returning({ id: profileDatabases.id });
      if (fields.length)
        await tx
          .insert(profileFields)
          .values(fields.map((f, position) => ({ databaseId: created.id, key: f.key, type: f.type, label: f.label || f.key, position })));
      if (groupIds.length) await tx.insert(profileDatabaseAccessGroups).values(groupIds.map((groupId) => ({ databaseId: created.id, groupId })));
      return created.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(name);
    throw error;
  }
  return getDatabase(db, user, id);
}

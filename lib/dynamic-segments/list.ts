import "server-only";
import { and, asc, desc, eq, ilike, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { dynamicSegments, profileDatabases, users } from "@/db/schema";
import { databaseVisible, dynamicSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";

export const segmentSorts = ["updated", "name", "count", "calculated", "created"] as const;
export type SegmentSort = (typeof segmentSorts)[number];

export type SegmentListQuery = {
  q?: string;
  tag?: string;
  databaseId?: number;
  sort?: SegmentSort;
  dir?: "asc" | "desc";
  page?: number;
  pageSize?: number;
};

export type SegmentListRow = {
  id: number;
  name: string;
  databaseId: number;
  databaseName: string;
  rangeFrom: number;
  rangeTo: number;
  limit: number | null;
  tags: string[];
  lastCount: number | null;
  lastCalculatedAt: Date | null;
  updatedAt: Date;
};

const sortColumns = {
  updated: dynamicSegments.updatedAt,
  name: dynamicSegments.name,
  count: dynamicSegments.lastCount,
  calculated: dynamicSegments.lastCalculatedAt,
  created: dynamicSegments.createdAt,
} as const;

/** Segments and databases both visible to the user: the one predicate every segment read uses. */
export function visibleSegment(user: ActingUser): SQL {
  return and(dynamicSegmentVisible(user, dynamicSegments.id), databaseVisible(user, dynamicSegments.databaseId))!;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One page of the live segments the user may see, filtered and sorted in SQL, with the total. */
export async function listSegments(db: Db, user: ActingUser, query: SegmentListQuery = {}) {
  const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 100);
  const page = Math.max(query.page ?? 1, 1);
  const where = and(
    isNull(dynamicSegments.deletedAt),
    visibleSegment(user),
    query.q ? ilike(dynamicSegments.name, `%${escapeLike(query.q)}%`) : undefined,
    query.tag ? sql`${query.tag} = any(${dynamicSegments.tags})` : undefined,
    query.databaseId ? eq(dynamicSegments.databaseId, query.databaseId) : undefined,
  );
  const column = sortColumns[query.sort ?? "updated"];
  const order = query.dir === "asc" ? asc(column) : sql`${column} desc nulls last`;
  const rows = await db
    .select({
      id: dynamicSegments.id,
      name: dynamicSegments.name,
      databaseId: dynamicSegments.databaseId,
      databaseName: profileDatabases.name,
      rangeFrom: dynamicSegments.rangeFrom,
      rangeTo: dynamicSegments.rangeTo,
      limit: dynamicSegments.limit,
      tags: dynamicSegments.tags,
      lastCount: dynamicSegments.lastCount,
      lastCalculatedAt: dynamicSegments.lastCalculatedAt,
      updatedAt: dynamicSegments.updatedAt,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(dynamicSegments)
    .innerJoin(profileDatabases, eq(profileDatabases.id, dynamicSegments.databaseId))
    .where(where)
    .orderBy(order, desc(dynamicSegments.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  const total = rows[0]?.total ?? (page > 1 ? await countSegments(db, where) : 0);
  return { rows: rows.map(({ total: _t, ...r }) => r satisfies SegmentListRow), total, page, pageSize };
}

async function countSegments(db: Db, where: SQL | undefined): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(dynamicSegments).where(where);
  return row?.n ?? 0;
}

/** Tags in use on segments the user may see, for the filter and the tag picker. */
export async function listSegmentTags(db: Db, user: ActingUser): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tag: sql<string>`unnest(${dynamicSegments.tags})` })
    .from(dynamicSegments)
    .where(and(isNull(dynamicSegments.deletedAt), visibleSegment(user)));
  return rows.map((r) => r.tag).sort((a, b) => a.localeCompare(b));
}

/** Binned segments the user may see, newest deletion first, with who deleted them. */
export async function listBinnedSegments(db: Db, user: ActingUser) {
  return db
    .select({
      id: dynamicSegments.id,
      name: dynamicSegments.name,
      databaseName: profileDatabases.name,
      deletedAt: dynamicSegments.deletedAt,
      deletedBy: users.name,
    })
    .from(dynamicSegments)
    .innerJoin(profileDatabases, eq(profileDatabases.id, dynamicSegments.databaseId))
    .leftJoin(users, eq(users.id, dynamicSegments.deletedBy))
    .where(and(isNotNull(dynamicSegments.deletedAt), visibleSegment(user)))
    .orderBy(desc(dynamicSegments.deletedAt));
}

/** Databases the user may see, for the list's database filter. */
export async function databaseFilterOptions(db: Db, user: ActingUser) {
  return db
    .select({ id: profileDatabases.id, name: profileDatabases.name })
    .from(profileDatabases)
    .where(databaseVisible(user, profileDatabases.id))
    .orderBy(profileDatabases.name);
}

/** Names of the mailings and scenarios using each of the given segments (for delete confirmations). */
export async function dependentsBySegment(db: Db, segmentIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!segmentIds.length) return out;
  const ids = sql.join(segmentIds.map((id) => sql`${id}`), sql`, `);
  const rows = await queryRows<{ segment_id: number; label: string }>(
    db,
    sql`select segment_id, 'mailing “' || name || '”' as label from mailings where segment_id in (${ids})
        union all
        select segment_id, 'scenario “' || name || '”' from scenarios where segment_id in (${ids})
        order by 2`,
  );
  for (const row of rows) out.set(row.segment_id, [...(out.get(row.segment_id) ?? []), row.label]);
  return out;
}

import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { ActingUser } from "@/lib/access/acting-user";

/**
 * SPEC §3 as SQL: an object with access groups is visible to members of at least one of them (and to
 * admins); an object with none is visible to every signed-in user. `table` names the join table of the
 * object's access groups and `column` the object's id column in the outer query.
 */
function visibleThrough(user: ActingUser, table: string, keyColumn: string, idColumn: AnyPgColumn | SQL): SQL {
  if (user.role === "admin") return sql`true`;
  const groups = sql.raw(table);
  const key = sql.raw(keyColumn);
  const mine = user.groupIds.length
    ? sql`or exists (select 1 from ${groups} g where g.${key} = ${idColumn} and g.group_id in (${sql.join(
        user.groupIds.map((id) => sql`${id}`),
        sql`, `,
      )}))`
    : sql``;
  return sql`(not exists (select 1 from ${groups} g where g.${key} = ${idColumn}) ${mine})`;
}

export const databaseVisible = (user: ActingUser, databaseId: AnyPgColumn | SQL) =>
  visibleThrough(user, "profile_database_access_groups", "database_id", databaseId);

export const dynamicSegmentVisible = (user: ActingUser, segmentId: AnyPgColumn | SQL) =>
  visibleThrough(user, "dynamic_segment_access_groups", "segment_id", segmentId);

export const staticSegmentVisible = (user: ActingUser, segmentId: AnyPgColumn | SQL) =>
  visibleThrough(user, "static_segment_access_groups", "segment_id", segmentId);

import "server-only";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dynamicSegmentAccessGroups, dynamicSegments, mailings, staticSegments } from "@/db/schema";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { databaseVisible, staticSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { listAssignableAccessGroups, listDatabases } from "@/lib/databases/queries";
import { listSegmentTags, visibleSegment } from "./list";

/** Behaviour types offered as suggestions; any other type may be typed in. */
const SUGGESTED_EVENT_TYPES = ["purchase", "page_view", "add_to_cart", "app_open", "search", "signup"];

/** What the builder's pickers offer this user: only what they may see (SPEC §3). */
export async function loadBuilderOptions(db: Db, user: ActingUser): Promise<BuilderOptions> {
  const databases = await listDatabases(db, user);
  const ids = databases.map((d) => d.id);
  if (!ids.length)
    return { databases: [], mailings: [], dynamicSegments: [], staticSegments: [], accessGroups: await listAssignableAccessGroups(db, user), tags: [], eventTypes: {} };
  const [mailingRows, dynamicRows, staticRows, groups, tags] = await Promise.all([
    db
      .select({ id: mailings.id, name: mailings.name, databaseId: mailings.databaseId })
      .from(mailings)
      .where(and(inArray(mailings.databaseId, ids), databaseVisible(user, mailings.databaseId)))
      .orderBy(asc(mailings.name)),
    db
      .select({ id: dynamicSegments.id, name: dynamicSegments.name, databaseId: dynamicSegments.databaseId })
      .from(dynamicSegments)
      .where(and(isNull(dynamicSegments.deletedAt), visibleSegment(user)))
      .orderBy(asc(dynamicSegments.name)),
    db
      .select({ id: staticSegments.id, name: staticSegments.name, databaseId: staticSegments.databaseId })
      .from(staticSegments)
      .where(and(isNull(staticSegments.deletedAt), staticSegmentVisible(user, staticSegments.id), inArray(staticSegments.databaseId, ids)))
      .orderBy(asc(staticSegments.name)),
    listAssignableAccessGroups(db, user),
    listSegmentTags(db, user),
  ]);
  return {
    databases: databases.map((d) => ({ id: d.id, name: d.name, profileCount: d.profileCount, fields: d.fields })),
    mailings: mailingRows,
    dynamicSegments: dynamicRows,
    staticSegments: staticRows,
    accessGroups: groups,
    tags,
    eventTypes: Object.fromEntries(ids.map((id) => [id, SUGGESTED_EVENT_TYPES])),
  };
}

/** The access groups on a segment. */
export async function segmentGroupIds(db: Db, segmentId: number): Promise<number[]> {
  const rows = await db.select({ id: dynamicSegmentAccessGroups.groupId }).from(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, segmentId));
  return rows.map((r) => r.id);
}

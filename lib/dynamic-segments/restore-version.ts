import "server-only";
import type { Db } from "@/db/client";
import { dynamicSegmentAccessGroups, accessGroups } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { eq } from "drizzle-orm";
import { updateSegment, type SaveResult } from "./save";
import { getSegmentVersion } from "./versions";

/**
 * "Restore this version": saves version `n`'s definition (range, conditions, limit) as a new version,
 * recalculated, logged as restored from `n`; name, description, tags and access stay. Nothing is
 * rewritten. When the segment already has that definition, nothing is saved (`version: null`).
 */
export async function restoreSegmentVersion(db: Db, user: ActingUser, segmentId: number, n: number): Promise<SaveResult & { version: number | null }> {
  const version = await getSegmentVersion(db, user, segmentId, n);
  const current = await requireVisibleDynamicSegment(db, user, segmentId);
  const groups = (await db.select({ id: dynamicSegmentAccessGroups.groupId }).from(dynamicSegmentAccessGroups).where(eq(dynamicSegmentAccessGroups.segmentId, segmentId))).map((g) => g.id);
  const assignable = user.role === "admin" ? new Set((await db.select({ id: accessGroups.id }).from(accessGroups)).map((g) => g.id)) : new Set(user.groupIds);
  // Groups the user cannot assign are kept by updateSegment itself.
  return updateSegment(
    db,
    user,
    segmentId,
    {
      name: current.name,
      databaseId: current.databaseId,
      range: version.range,
      conditions: version.conditions,
      limit: version.limit,
      description: current.description,
      tags: current.tags,
      accessGroupIds: groups.filter((g) => assignable.has(g)),
    },
    { restoredFrom: n },
  );
}

import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dynamicSegments, profileDatabases } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import { notFound } from "@/lib/errors";
import { databaseVisible, dynamicSegmentVisible } from "./visibility";

/** The database if the user may see it; otherwise a 404 (its existence does not leak). */
export async function requireVisibleDatabase(db: Db, user: ActingUser, databaseId: number) {
  const [row] = await db
    .select()
    .from(profileDatabases)
    .where(and(eq(profileDatabases.id, databaseId), databaseVisible(user, profileDatabases.id)));
  if (!row) throw notFound("The profile database");
  return row;
}

/** A live (not binned) dynamic segment the user may see, in a database the user may see. */
export async function requireVisibleDynamicSegment(db: Db, user: ActingUser, segmentId: number, opts: { binned?: boolean } = {}) {
  const [row] = await db
    .select()
    .from(dynamicSegments)
    .where(
      and(
        eq(dynamicSegments.id, segmentId),
        opts.binned ? undefined : isNull(dynamicSegments.deletedAt),
        dynamicSegmentVisible(user, dynamicSegments.id),
        databaseVisible(user, dynamicSegments.databaseId),
      ),
    );
  if (!row) throw notFound("The segment");
  return row;
}


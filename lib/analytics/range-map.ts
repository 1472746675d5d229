import "server-only";
/**
 * The range map: every live saved segment of the same database that the user may see, as its
 * from–to range over 0–100 %, so that a marketer sees where ranges overlap and which parts are free.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { dynamicSegments } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import { dynamicSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { freeRanges, overlaps, type PercentRange } from "./ranges";

/** Bars the map draws at most; the rest are counted, not drawn. */
export const RANGE_MAP_LIMIT = 60;

export type RangeMapSegment = { id: number; name: string; from: number; to: number; count: number | null; current: boolean };

export type RangeMap = {
  segments: RangeMapSegment[];
  /** Visible segments beyond RANGE_MAP_LIMIT (the current one is always drawn). */
  hidden: number;
  /** Parts of 0–100 % that no visible segment uses. */
  free: PercentRange[];
  /** Other segments whose range shares a part with the current one. */
  overlapping: { id: number; name: string }[];
};

export async function rangeMap(db: Db, user: ActingUser, segmentId: number): Promise<RangeMap> {
  const current = await requireVisibleDynamicSegment(db, user, segmentId);
  const rows = await db
    .select({
      id: dynamicSegments.id,
      name: dynamicSegments.name,
      from: dynamicSegments.rangeFrom,
      to: dynamicSegments.rangeTo,
      count: dynamicSegments.lastCount,
    })
    .from(dynamicSegments)
    .where(
      and(
        eq(dynamicSegments.databaseId, current.databaseId),
        isNull(dynamicSegments.deletedAt),
        dynamicSegmentVisible(user, dynamicSegments.id),
      ),
    )
    .orderBy(asc(dynamicSegments.rangeFrom), asc(dynamicSegments.rangeTo), asc(dynamicSegments.name), asc(dynamicSegments.id));
  const all = rows.map((r) => ({ id: r.id, name: r.name, from: Number(r.from), to: Number(r.to), count: r.count, current: r.id === segmentId }));
  const me = all.find((s) => s.current)!;
  const drawn = all.length <= RANGE_MAP_LIMIT ? all : [...all.filter((s) => !s.current).slice(0, RANGE_MAP_LIMIT - 1), me].sort(byRange);
  return {
    segments: drawn,
    hidden: all.length - drawn.length,
    free: freeRanges(all),
    overlapping: all.filter((s) => !s.current && overlaps(s, me)).map(({ id, name }) => ({ id, name })),
  };
}

const byRange = (a: RangeMapSegment, b: RangeMapSegment) => a.from - b.from || a.to - b.to || a.name.localeCompare(b.name) || a.id - b.id;

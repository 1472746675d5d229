import "server-only";
/**
 * Lists of profiles that belong to something: a static segment's members, a scenario's participants.
 * Both are (owner, profile, added at) rows; their pages read the same way.
 */
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { profiles, scenarioParticipants, staticSegmentMembers } from "@/db/schema";

/** A profile on a list, as the list's page shows it. */
export type ListedProfile = { id: number; email: string | null; firstName: string | null; lastName: string | null; addedAt: Date };

const lists = {
  staticSegment: { table: staticSegmentMembers, owner: staticSegmentMembers.segmentId },
  scenario: { table: scenarioParticipants, owner: scenarioParticipants.scenarioId },
};

/** One page of a list's profiles in profile id order (keyset on id, after `afterId`), with whether more follow. */
export async function profileListPage(
  db: Db,
  list: keyof typeof lists,
  ownerId: number,
  opts: { afterId?: number; pageSize?: number } = {},
): Promise<{ profiles: ListedProfile[]; hasMore: boolean }> {
  const { table, owner } = lists[list];
  const pageSize = Math.min(Math.max(opts.pageSize ?? 50, 1), 500);
  const rows = await db
    .select({ id: profiles.id, email: profiles.email, firstName: profiles.firstName, lastName: profiles.lastName, addedAt: table.addedAt })
    .from(table)
    .innerJoin(profiles, eq(profiles.id, table.profileId))
    .where(and(eq(owner, ownerId), opts.afterId ? gt(table.profileId, opts.afterId) : undefined))
    .orderBy(asc(table.profileId))
    .limit(pageSize + 1);
  return { profiles: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
}

import "server-only";
/**
 * What every analytics figure starts from: a saved segment the acting user may see, its rule checked
 * and compiled by the selection engine, and the SQL that reads the selection's profiles. A figure
 * aggregates over that SQL in one statement; no profile is ever loaded into Node.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { withReadDb } from "@/db/replica";
import type { dynamicSegments } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { selectionStatement, type CompiledSelection } from "@/lib/segments/compile";
import { prepareSelection, withStatementTimeout } from "@/lib/segments/selection";

export type AnalyticsOptions = {
  /** The clock for relative periods; tests pin it. Default: now. */
  now?: Date;
  /** Statement timeout per figure on PostgreSQL. Default: SELECTION_TIMEOUT_MS or 30 s. */
  timeoutMs?: number;
};

export type AnalyticsSubject = {
  segment: typeof dynamicSegments.$inferSelect;
  selection: CompiledSelection;
  now: Date;
};

/**
 * The segment (404 when absent, binned or invisible) and its compiled selection. Every segment the
 * rule refers to is checked too, exactly as Calculate checks it.
 */
export async function loadAnalyticsSubject(db: Db, user: ActingUser, segmentId: number, opts: AnalyticsOptions = {}): Promise<AnalyticsSubject> {
  const segment = await requireVisibleDynamicSegment(db, user, segmentId);
  const prepared = await prepareSelection(
    db,
    user,
    {
      databaseId: segment.databaseId,
      range: { from: segment.rangeFrom, to: segment.rangeTo },
      conditions: segment.conditions,
      limit: segment.limit,
    },
    { now: opts.now, segmentId },
  );
  return { segment, selection: prepared.selection, now: prepared.now };
}

/**
 * The selection's profile rows as a FROM item aliased `p`: `(SELECT p.* … [ORDER BY p.id LIMIT n]) p`.
 * Without a limit (and without a limited nested segment, whose CTE keeps the subquery apart)
 * PostgreSQL pulls the subquery up, so an aggregate over it plans exactly like one written against
 * `profiles p WHERE …`; with a limit it is the first `limit` profiles in id order (SPEC §2), as Show
 * and exports take them.
 */
export function selectedProfiles(selection: CompiledSelection): SQL {
  return sql`(${selectionStatement(selection, sql`"p".*`, { unordered: selection.limit === null })}) "p"`;
}

/**
 * Runs one figure's statement under the selection engine's statement timeout, on the read replica
 * when there is one (the segment was loaded and checked on the primary).
 */
export function runFigure<T>(db: Db, opts: AnalyticsOptions, work: (tx: Db) => Promise<T>): Promise<T> {
  const ms = opts.timeoutMs ?? (Number(process.env.SELECTION_TIMEOUT_MS) || 30_000);
  return withReadDb(db, (reader) => withStatementTimeout(reader, ms, work));
}

/** A count or sum as the drivers hand it over (bigint and numeric come back as text) → number. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** `part / whole`, or null when the whole is zero (a rate of nothing is not 0 %). */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

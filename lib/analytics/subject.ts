import "server-only";
/**
 * What every analytics figure starts from: a saved segment the acting user may see, its rule checked
 * and compiled by the selection engine, and the SQL that reads the selection's profiles. A figure
 * aggregates over that SQL in one statement; no profile is ever loaded into Node.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { databaseSizeSql } from "@/db/database-size";
import { withReadDb } from "@/db/replica";
import type { dynamicSegments } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { selectionCountQuery, selectionStatement, type CompiledSelection } from "@/lib/segments/compile";
import { NO_NESTED_LOOPS, PAGE_SETTINGS, prepareSavedSegment, selectionTimeoutMs, withStatementTimeout, type Setting } from "@/lib/segments/selection";

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
  const prepared = await prepareSavedSegment(db, user, segment, { now: opts.now });
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
 * What a figure's statement reads: the selection's profiles as a FROM item aliased `p`, the statement
 * that counts them, and their database. Alone, a figure reads the compiled selection itself
 * (`selectionSource`); on the page, every figure reads one materialized copy of it (lib/analytics/report.ts).
 */
export type FigureSource = {
  databaseId: number;
  profiles: SQL;
  count: SQL;
  /** The selection is every profile of the database (`CompiledSelection.everyProfile`): its events need no test of their profile. */
  everyProfile: boolean;
};

export function selectionSource(selection: CompiledSelection): FigureSource {
  // Every profile: the database's size as its row triggers keep it, one row read instead of a count.
  const count = selection.everyProfile ? sql`select ${databaseSizeSql(sql`${selection.databaseId}::int`)}::int as count` : selectionCountQuery(selection);
  return { databaseId: selection.databaseId, profiles: selectedProfiles(selection), count, everyProfile: selection.everyProfile };
}

/**
 * The largest limit under which a statement over the selection's events keeps the planner's own
 * choice: a selection of at most this many profiles may probe the events index per profile (three
 * interaction types × ~3.5 µs each at 1M), cheaper than reading every interaction of the period once
 * (0.5 s for 1.26M in 30 days at 1M).
 */
export const PROBED_LIMIT = 50_000;

/**
 * The planner settings of a statement over the selection's events (the page's report, Engagement and
 * top mailings alone): no nested loops, unless the selection's limit keeps it under `PROBED_LIMIT`
 * profiles. The period's events are a semi-join with the materialized selection, whose ids
 * PostgreSQL, without statistics for a CTE, counts as 200 distinct values: it then probed the events
 * index once per profile, 144,430 times for "Engaged openers" at 1M (1.9 s), where hashing the ids and
 * reading the period's interactions from one index takes 0.6 s.
 */
export const figureSettings = (selection: Pick<CompiledSelection, "limit">): readonly Setting[] =>
  selection.limit !== null && selection.limit <= PROBED_LIMIT ? [] : NO_NESTED_LOOPS;

/**
 * Runs one figure's statement under the selection engine's statement timeout, on the read replica
 * when there is one (the segment was loaded and checked on the primary), with planner `settings` for
 * this transaction only.
 */
export function runFigure<T>(db: Db, opts: AnalyticsOptions, work: (tx: Db) => Promise<T>, settings: readonly Setting[] = []): Promise<T> {
  const ms = selectionTimeoutMs(opts);
  // Aggregates over every event of a period are costly enough for the JIT to compile them, which
  // costs more than it saves on statements of a second or two (docs/benchmarks.md).
  return withReadDb(db, (reader) => withStatementTimeout(reader, ms, work, [...PAGE_SETTINGS, ...settings]));
}

/** A count or sum as the drivers hand it over (bigint and numeric come back as text) → number. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** `part / whole`, or null when the whole is zero (a rate of nothing is not 0 %). */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

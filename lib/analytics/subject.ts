import "server-only";
/**
 * What every analytics figure starts from: a saved segment the acting user may see, its rule checked
 * and compiled by the selection engine, and the SQL that reads the selection's profiles. A figure
 * aggregates over that SQL in one statement; no profile is ever loaded into Node.
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { withReadDb } from "@/db/replica";
import type { dynamicSegments } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { selectionCountQuery, selectionStatement, type CompiledSelection } from "@/lib/segments/compile";
import { prepareSavedSegment, withStatementTimeout } from "@/lib/segments/selection";
import { env } from "@/lib/env";

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
export type FigureSource = { databaseId: number; profiles: SQL; count: SQL };

export function selectionSource(selection: CompiledSelection): FigureSource {
  return { databaseId: selection.databaseId, profiles: selectedProfiles(selection), count: selectionCountQuery(selection) };
}

/**
 * Runs one figure's statement under the selection engine's statement timeout, on the read replica
 * when there is one (the segment was loaded and checked on the primary).
 */
export function runFigure<T>(db: Db, opts: AnalyticsOptions, work: (tx: Db) => Promise<T>): Promise<T> {
  const ms = opts.timeoutMs ?? env().SELECTION_TIMEOUT_MS;
  return withReadDb(db, (reader) =>
    withStatementTimeout(reader, ms, async (tx) => {
      // Aggregates over every event of a period are costly enough for the JIT to compile them, which
      // costs more than it saves on statements of a second or two (docs/benchmarks.md).
      // Restored after, in case this runs inside a caller's transaction (then it is a savepoint).
      const [before] = await queryRows<{ jit: string }>(tx, sql`select current_setting('jit') as jit, set_config('jit', 'off', true)`);
      const result = await work(tx);
      await tx.execute(sql`select set_config('jit', ${before.jit}, true)`);
      return result;
    }),
  );
}

/** A count or sum as the drivers hand it over (bigint and numeric come back as text) → number. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** `part / whole`, or null when the whole is zero (a rate of nothing is not 0 %). */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { databaseSizeSql } from "@/db/database-size";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { loadAnalyticsSubject, num, ratio, runFigure, selectionSource, type AnalyticsOptions, type FigureSource } from "./subject";

/** How many calculations the chart shows at most (the latest ones). */
export const SIZE_HISTORY_LIMIT = 500;

export type SizePoint = { at: string; count: number };

export type SegmentSize = {
  /** The selection counted now (not written to the update log). */
  count: number;
  /** Every profile of the source database. */
  databaseTotal: number;
  /** count / databaseTotal; null for an empty database. */
  share: number | null;
  /** Every "calculated" row of the update log, oldest first (the latest SIZE_HISTORY_LIMIT). */
  history: SizePoint[];
  countedAt: string;
};

/**
 * One statement: the selection's count now (as Calculate counts it), the database's size and the
 * segment's calculations from the update log.
 */
export function segmentSizeQuery(source: FigureSource, segmentId: number): SQL {
  return sql`select
    (${source.count}) as count,
    ${databaseSizeSql(sql`${source.databaseId}::int`)}::int as total,
    (select coalesce(json_agg(json_build_object('at', l.at, 'count', l.count) order by l.at, l.id), '[]'::json)
       from (select id, at, count from segment_update_log
              where segment_id = ${segmentId}::int and kind = 'calculated' and count is not null
              order by at desc, id desc limit ${SIZE_HISTORY_LIMIT}) l) as history`;
}

export type SizeRow = { count: number | string; total: number | string; history: { at: string; count: number | string }[] | string };

export async function segmentSize(db: Db, user: ActingUser, segmentId: number, opts: AnalyticsOptions = {}): Promise<SegmentSize> {
  const { selection, now } = await loadAnalyticsSubject(db, user, segmentId, opts);
  const [row] = await runFigure(db, opts, (tx) => queryRows<SizeRow>(tx, segmentSizeQuery(selectionSource(selection), segmentId)));
  return sizeFromRow(row, now);
}

export function sizeFromRow(row: SizeRow, now: Date): SegmentSize {
  const history = typeof row.history === "string" ? (JSON.parse(row.history) as { at: string; count: number }[]) : row.history;
  const count = num(row.count);
  const databaseTotal = num(row.total);
  return {
    count,
    databaseTotal,
    share: ratio(count, databaseTotal),
    history: history.map((h) => ({ at: new Date(h.at).toISOString(), count: num(h.count) })),
    countedAt: now.toISOString(),
  };
}

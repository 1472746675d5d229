import "server-only";
/**
 * The analytics page in two statements instead of five. Each figure alone (size.ts, engagement.ts,
 * reachability.ts, composition.ts) evaluates the segment's selection once; the page shows five of
 * them, so a selection that costs seconds (event conditions over a million profiles: "Lapsed buyers")
 * cost five times that. Here size, the selection's side of Engagement, top mailings, reachability and
 * the composition read one evaluation of the selection: a MATERIALIZED CTE holding only the columns
 * they read (the profile's id, subscriptions, email, phone, and the one composition field), each figure
 * the same SQL as alone over that CTE, one JSON column each; Engagement and top mailings read one
 * materialized copy of the selection's deliveries, opens and clicks of the period, taken from an index
 * alone (drizzle/0020). The database's side of Engagement — every event of the period in the database,
 * no selection — runs beside it on a second connection: in the same statement it would add its time to
 * the others' instead of overlapping them (measured: docs/benchmarks.md, "Segment analytics"). A
 * selection of every profile of its database materializes nothing: its side of Engagement is the
 * database's. Same numbers as the figures alone (lib/analytics/report.test.ts).
 */
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import type { CompiledSelection } from "@/lib/segments/compile";
import { jsonKey } from "@/lib/segments/predicate";
import { compositionField, compositionQuery, toComposition, type Composition, type CompositionField, type Row } from "./composition";
import { databaseEngagementQuery, engagementFromRow, mailingsFromRows, selectionEngagementQuery, selectionInteractionsQuery, topMailingsQuery, type Engagement, type MailingEngagement } from "./engagement";
import { TOP_MAILINGS, type EngagementPeriod } from "./labels";
import { reachabilityFromRow, reachabilityQuery, type Reachability } from "./reachability";
import { segmentSizeQuery, sizeFromRow, type SegmentSize, type SizeRow } from "./size";
import { figureSettings, loadAnalyticsSubject, runFigure, selectedProfiles, selectionSource, type AnalyticsOptions, type FigureSource } from "./subject";

export type AnalyticsReport = {
  size: SegmentSize;
  engagement: Engagement;
  topMailings: { days: EngagementPeriod; mailings: MailingEngagement[] };
  reachability: Reachability;
  /** Null when the database declares no custom fields. */
  composition: Composition | null;
};

const SELECTION = sql.raw(`"analytics_selection"`);
const INTERACTIONS = sql.raw(`"analytics_interactions"`);

/**
 * The page's statement for every figure over the selection but the database's side of Engagement.
 * `fields` keeps only the composition field (present or absent as it is on the profile, so "missing"
 * and JSON null stay apart), so that the materialized copy stays small. The selection's deliveries,
 * opens and clicks of the period are materialized too, once for Engagement and top mailings. When the
 * selection is every profile of the database, its side of Engagement is the database's side, which
 * the page computes beside this statement: the `engagement` column is then null.
 */
export function analyticsReportQuery(selection: CompiledSelection, opts: { segmentId: number; now: Date; days: number; field: CompositionField | null }): SQL {
  const figure = (query: SQL) => sql`(select coalesce(json_agg(f), '[]'::json) from (${query}) f)`;
  const figures = (source: FigureSource, interactions: SQL | undefined) =>
    sql`select ${figure(segmentSizeQuery(source, opts.segmentId))} as size,
      ${source.everyProfile ? sql`null::json` : figure(selectionEngagementQuery(source, opts.now, opts.days, interactions))} as engagement,
      ${figure(topMailingsQuery(source, opts.now, opts.days, TOP_MAILINGS, interactions))} as top_mailings,
      ${figure(reachabilityQuery(source))} as reachability,
      ${opts.field ? figure(compositionQuery(source, opts.field)) : sql`null::json`} as composition`;
  // Every profile of the database: nothing to evaluate once, and its interactions are the database's,
  // which top mailings reads from their index; each figure reads the profiles (in parallel) itself.
  if (selection.everyProfile) return figures(selectionSource(selection), undefined);
  const k = opts.field ? jsonKey(opts.field.key) : null;
  const fields = k ? sql`case when "p"."fields" ? ${k} then jsonb_build_object((${k})::text, "p"."fields" -> ${k}) else '{}'::jsonb end` : sql`'{}'::jsonb`;
  const source: FigureSource = {
    databaseId: selection.databaseId,
    profiles: sql`${SELECTION} "p"`,
    count: sql`select count(*)::int as count from ${SELECTION}`,
    everyProfile: false,
  };
  return sql`with ${SELECTION} as materialized (
      select "p"."id", "p"."email_subscription", "p"."sms_subscription", "p"."push_subscription", "p"."email", "p"."phone", ${fields} as fields
      from ${selectedProfiles(selection)}
    ), ${INTERACTIONS} as materialized (${selectionInteractionsQuery(source, opts.now, opts.days)})
    ${figures(source, INTERACTIONS)}`;
}

type ReportRow = { size: unknown; engagement: unknown; top_mailings: unknown; reachability: unknown; composition: unknown };

/** json comes back parsed from postgres.js and as text from PGlite's raw queries: read both. */
const rowsOf = <T>(value: unknown): T[] => (typeof value === "string" ? (JSON.parse(value) as T[]) : ((value ?? []) as T[]));

/**
 * Every figure of the segment's analytics page but the range map (which reads no profiles): the
 * report statement and the engagement statement at once, each under the selection statement timeout.
 */
export async function analyticsReport(
  db: Db,
  user: ActingUser,
  segmentId: number,
  view: { days: EngagementPeriod; fieldKey: string | undefined },
  opts: AnalyticsOptions = {},
): Promise<AnalyticsReport> {
  const { selection, now } = await loadAnalyticsSubject(db, user, segmentId, opts);
  const field = compositionField(await databaseFields(db, selection.databaseId), view.fieldKey);
  const [[row], [database]] = await Promise.all([
    runFigure(db, opts, (tx) => queryRows<ReportRow>(tx, analyticsReportQuery(selection, { segmentId, now, days: view.days, field })), figureSettings(selection)),
    runFigure(db, opts, (tx) => queryRows<Record<string, unknown>>(tx, databaseEngagementQuery(selection.databaseId, now, view.days))),
  ]);
  return {
    size: sizeFromRow(rowsOf<SizeRow>(row.size)[0], now),
    engagement: engagementFromRow({ ...rowsOf<Record<string, unknown>>(row.engagement)[0], ...database }, now, view.days, selection.everyProfile),
    topMailings: { days: view.days, mailings: mailingsFromRows(rowsOf(row.top_mailings)) },
    reachability: reachabilityFromRow(rowsOf<Record<string, unknown>>(row.reachability)[0]),
    composition: field ? toComposition(field, rowsOf<Row>(row.composition)) : null,
  };
}

import "server-only";
/**
 * Engagement over the last N days: what the selection received, opened, clicked and bought, beside
 * the whole database. Deliveries, opens and clicks are the events of those types on any channel,
 * counted exactly as an `interaction` condition counts them (so "opened in the last 30 days" and the
 * open figure agree); purchases are `purchase` events, their value the sum of `properties.amount`
 * where it is a number (the row's `purchase_amount`). The period is `now − N days ≤ occurred_at ≤
 * now`, as `{ "last_days": N }` reads in a condition.
 */
import { sql, type SQL } from "drizzle-orm";
import { databaseSizeSql } from "@/db/database-size";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { TOP_MAILINGS, type EngagementPeriod } from "./labels";
import { figureSettings, loadAnalyticsSubject, num, ratio, runFigure, selectionSource, type AnalyticsOptions, type FigureSource } from "./subject";

export type EngagementTotals = {
  /** Profiles in the population (the selection, or the whole database). */
  profiles: number;
  deliveries: number;
  opens: number;
  clicks: number;
  /** Profiles with at least one delivery / open / click in the period. */
  deliveredProfiles: number;
  openers: number;
  clickers: number;
  /** openers / deliveredProfiles and clickers / deliveredProfiles; null when nobody received anything. */
  openRate: number | null;
  clickRate: number | null;
  purchases: number;
  /** Sum of the purchases' numeric `properties.amount`. */
  purchaseAmount: number;
  buyers: number;
};

export type Engagement = {
  days: EngagementPeriod;
  from: string;
  to: string;
  selection: EngagementTotals;
  database: EngagementTotals;
};

const MS_PER_DAY = 86_400_000;

export function periodBounds(now: Date, days: number): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - days * MS_PER_DAY), to: now };
}

/** The events that count, restricted to one database and the period. */
function periodEvents(databaseId: number, from: Date, to: Date, types: SQL): SQL {
  return sql`"e"."database_id" = ${databaseId}::int
    and "e"."occurred_at" >= ${from.toISOString()}::timestamptz and "e"."occurred_at" <= ${to.toISOString()}::timestamptz
    and ${types}`;
}

const TOTALS = ["profiles", "deliveries", "delivered_profiles", "opens", "openers", "clicks", "clickers", "purchases", "amount", "buyers"] as const;

const INTERACTIONS = [
  ["delivered", "deliveries", "delivered_profiles"],
  ["opened", "opens", "openers"],
  ["clicked", "clicks", "clickers"],
] as const;

/** Each interaction type's events and distinct profiles, as `<prefix>_deliveries`, `<prefix>_delivered_profiles`, …, over rows of `"e"`. */
function interactionTotals(prefix: "sel" | "db"): SQL {
  return sql.join(
    INTERACTIONS.map(([type, name, people]) => {
      const t = sql.raw(`'${type}'`);
      return sql`count(*) filter (where "e"."type" = ${t})::bigint as ${sql.raw(`${prefix}_${name}`)},
        count(distinct "e"."profile_id") filter (where "e"."type" = ${t})::int as ${sql.raw(`${prefix}_${people}`)}`;
    }),
    sql`, `,
  );
}

/** The purchases' count, value and distinct buyers, as `<prefix>_purchases`, `<prefix>_amount`, `<prefix>_buyers`, over rows of `"e"`. */
function purchaseTotals(prefix: "sel" | "db"): SQL {
  return sql`count(*)::bigint as ${sql.raw(`${prefix}_purchases`)},
    coalesce(sum("e"."purchase_amount"), 0)::float8 as ${sql.raw(`${prefix}_amount`)},
    count(distinct "e"."profile_id")::int as ${sql.raw(`${prefix}_buyers`)}`;
}

/**
 * The database's side of Engagement (`db_*` columns): its size, from the row triggers keep, and every
 * delivery, open, click and purchase of the period in the database, counted and counted per distinct
 * profile. It reads no selection, so the page runs it beside the report statement, which computes the
 * selection's side over its one evaluation of the selection (lib/analytics/report.ts). Both read an
 * index alone (drizzle/0020): interactions `events_database_type_time_idx`, purchases with their
 * `purchase_amount` the partial `events_database_purchase_time_idx`.
 */
export function databaseEngagementQuery(databaseId: number, now: Date, days: number): SQL {
  const { from, to } = periodBounds(now, days);
  const scope = (types: SQL) => periodEvents(databaseId, from, to, types);
  return sql`select ${databaseSizeSql(sql`${databaseId}::int`)}::int as db_profiles, i.*, b.*
    from (select ${interactionTotals("db")} from events "e" where ${scope(sql`"e"."type" in ('delivered', 'opened', 'clicked')`)}) i
    cross join (select ${purchaseTotals("db")} from events "e" where ${scope(sql`"e"."type" = 'purchase'`)}) b`;
}

const INTERACTIONS_OF = sql`"e"."type" in ('delivered', 'opened', 'clicked')`;

/**
 * The events of the period of `types` whose profile is one of the selection's, as a WHERE over `"e"`:
 * a semi-join (`in`), so that the planner hashes the smaller side, the selection's ids or the period's
 * events. Every profile of the database needs no test.
 */
function selectionEvents(source: FigureSource, from: Date, to: Date, types: SQL): SQL {
  const scope = periodEvents(source.databaseId, from, to, types);
  return source.everyProfile ? scope : sql`${scope} and "e"."profile_id" in (select "p"."id" from ${source.profiles})`;
}

/**
 * The selection's deliveries, opens and clicks of the period, one row each (`profile_id`, `type`,
 * `mailing_id`): what the selection's side of Engagement and its top mailings count. The page
 * materializes it once for both (lib/analytics/report.ts); a figure alone reads it inline.
 */
export function selectionInteractionsQuery(source: FigureSource, now: Date, days: number): SQL {
  const { from, to } = periodBounds(now, days);
  return sql`select "e"."profile_id", "e"."type", "e"."mailing_id" from events "e" where ${selectionEvents(source, from, to, INTERACTIONS_OF)}`;
}

const FIGURE_SELECTION = sql.raw(`"figure_selection"`);
const FIGURE_INTERACTIONS = sql.raw(`"figure_interactions"`);

/**
 * A figure alone reads the selection's ids more than once (its count, its interactions, its
 * purchases): `with` materializes them once as `figure_selection`, and `source` reads them from there.
 * Every profile of the database needs no ids (nothing to test an event's profile against).
 */
function selectionOnce(source: FigureSource): { with: SQL[]; source: FigureSource } {
  if (source.everyProfile) return { with: [], source };
  return {
    with: [sql`${FIGURE_SELECTION} as materialized (select "p"."id" from ${source.profiles})`],
    source: { ...source, profiles: sql`${FIGURE_SELECTION} "p"`, count: sql`select count(*)::int as count from ${FIGURE_SELECTION}` },
  };
}

const withClause = (ctes: SQL[]): SQL => (ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ` : sql``);

/**
 * The selection's side of Engagement (`sel_*` columns): the same totals over the selection's
 * interactions of the period and over its purchases of the period. On the page (`interactions`: its
 * materialized copy of `selectionInteractionsQuery`) it reads the report's rows; alone, its own.
 */
export function selectionEngagementQuery(source: FigureSource, now: Date, days: number, interactions?: SQL): SQL {
  if (interactions) return engagementOver(source, now, days, interactions);
  const once = selectionOnce(source);
  return sql`${withClause(once.with)}${engagementOver(once.source, now, days, sql`(${selectionInteractionsQuery(once.source, now, days)})`)}`;
}

function engagementOver(source: FigureSource, now: Date, days: number, interactions: SQL): SQL {
  const { from, to } = periodBounds(now, days);
  return sql`select (${source.count})::int as sel_profiles, i.*, b.*
    from (select ${interactionTotals("sel")} from ${interactions} "e") i
    cross join (select ${purchaseTotals("sel")} from events "e" where ${selectionEvents(source, from, to, sql`"e"."type" = 'purchase'`)}) b`;
}

/** Engagement as one statement (the figure alone): the selection's side beside the database's. */
export function engagementQuery(source: FigureSource, now: Date, days: number): SQL {
  return sql`select s.*, d.* from (${selectionEngagementQuery(source, now, days)}) s cross join (${databaseEngagementQuery(source.databaseId, now, days)}) d`;
}

function toTotals(row: Record<string, unknown>, prefix: "sel" | "db"): EngagementTotals {
  const v = Object.fromEntries(TOTALS.map((k) => [k, num(row[`${prefix}_${k}`])])) as Record<(typeof TOTALS)[number], number>;
  return {
    profiles: v.profiles,
    deliveries: v.deliveries,
    opens: v.opens,
    clicks: v.clicks,
    deliveredProfiles: v.delivered_profiles,
    openers: v.openers,
    clickers: v.clickers,
    openRate: ratio(v.openers, v.delivered_profiles),
    clickRate: ratio(v.clickers, v.delivered_profiles),
    purchases: v.purchases,
    purchaseAmount: v.amount,
    buyers: v.buyers,
  };
}

export async function engagement(
  db: Db,
  user: ActingUser,
  segmentId: number,
  days: EngagementPeriod,
  opts: AnalyticsOptions = {},
): Promise<Engagement> {
  const { selection, now } = await loadAnalyticsSubject(db, user, segmentId, opts);
  const [row] = await runFigure(db, opts, (tx) => queryRows<Record<string, unknown>>(tx, engagementQuery(selectionSource(selection), now, days)), figureSettings(selection));
  return engagementFromRow(row, now, days);
}

/**
 * Engagement from a row of `sel_*` and `db_*` columns. `selectionIsDatabase`: the selection is every
 * profile of the database, and its totals are the `db_*` ones (the page computes them once).
 */
export function engagementFromRow(row: Record<string, unknown>, now: Date, days: EngagementPeriod, selectionIsDatabase = false): Engagement {
  const { from, to } = periodBounds(now, days);
  return { days, from: from.toISOString(), to: to.toISOString(), selection: toTotals(row, selectionIsDatabase ? "db" : "sel"), database: toTotals(row, "db") };
}

export type MailingEngagement = { mailingId: number; name: string; deliveries: number; opens: number; clicks: number; clickers: number };

/**
 * The selection's top mailings by clicks in the period (mailings without a click are left out), with
 * their deliveries and opens. A mailing of another database never lends its name. The counts are one
 * hashed grouping of the selection's interactions by mailing; the distinct clickers, which need their
 * rows sorted, are counted over the clicks alone.
 */
export function topMailingsQuery(source: FigureSource, now: Date, days: number, limit = TOP_MAILINGS, interactions?: SQL): SQL {
  if (interactions) return topMailingsOver(source, interactions, limit);
  // Alone: the selection's interactions once (both groupings read them); every profile's are the
  // database's, read from their index by each grouping, the clicks alone for the clickers.
  if (source.everyProfile) return topMailingsOver(source, sql`(${selectionInteractionsQuery(source, now, days)})`, limit);
  const once = selectionOnce(source);
  const ctes = [...once.with, sql`${FIGURE_INTERACTIONS} as materialized (${selectionInteractionsQuery(once.source, now, days)})`];
  return sql`${withClause(ctes)}${topMailingsOver(once.source, FIGURE_INTERACTIONS, limit)}`;
}

function topMailingsOver(source: FigureSource, rows: SQL, limit: number): SQL {
  return sql`select c.mailing_id, m.name as name, c.deliveries, c.opens, c.clicks, k.clickers
    from (select "e"."mailing_id",
            count(*) filter (where "e"."type" = 'delivered')::int as deliveries,
            count(*) filter (where "e"."type" = 'opened')::int as opens,
            count(*) filter (where "e"."type" = 'clicked')::int as clicks
          from ${rows} "e" where "e"."mailing_id" is not null
          group by "e"."mailing_id"
          having count(*) filter (where "e"."type" = 'clicked') > 0) c
    join (select "e"."mailing_id", count(distinct "e"."profile_id")::int as clickers
          from ${rows} "e" where "e"."type" = 'clicked' and "e"."mailing_id" is not null
          group by "e"."mailing_id") k on k.mailing_id = c.mailing_id
    left join mailings m on m.id = c.mailing_id and m.database_id = ${source.databaseId}::int
    order by c.clicks desc, c.mailing_id
    limit ${limit}::int`;
}

export async function topMailings(
  db: Db,
  user: ActingUser,
  segmentId: number,
  days: EngagementPeriod,
  opts: AnalyticsOptions = {},
): Promise<{ days: EngagementPeriod; mailings: MailingEngagement[] }> {
  const { selection, now } = await loadAnalyticsSubject(db, user, segmentId, opts);
  const rows = await runFigure(db, opts, (tx) =>
    queryRows<{ mailing_id: number; name: string | null; deliveries: number; opens: number; clicks: number; clickers: number }>(
      tx,
      topMailingsQuery(selectionSource(selection), now, days),
    ),
    figureSettings(selection),
  );
  return { days, mailings: mailingsFromRows(rows) };
}

export function mailingsFromRows(rows: { mailing_id: number; name: string | null; deliveries: number; opens: number; clicks: number; clickers: number }[]): MailingEngagement[] {
  return rows.map((r) => ({
    mailingId: num(r.mailing_id),
    name: r.name ?? `Mailing #${r.mailing_id}`,
    deliveries: num(r.deliveries),
    opens: num(r.opens),
    clicks: num(r.clicks),
    clickers: num(r.clickers),
  }));
}

import "server-only";
/**
 * Engagement over the last N days: what the selection received, opened, clicked and bought, beside
 * the whole database. Deliveries, opens and clicks are the events of those types on any channel,
 * counted exactly as an `interaction` condition counts them (so "opened in the last 30 days" and the
 * open figure agree); purchases are `purchase` events, their value the sum of `properties.amount`
 * where it is a number. The period is `now − N days ≤ occurred_at ≤ now`, as `{ "last_days": N }`
 * reads in a condition.
 */
import { sql, type SQL } from "drizzle-orm";
import { databaseSizeSql } from "@/db/database-size";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { TOP_MAILINGS, type EngagementPeriod } from "./labels";
import { loadAnalyticsSubject, num, ratio, runFigure, selectionSource, type AnalyticsOptions, type FigureSource } from "./subject";

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
    coalesce(sum(segment_number("e"."properties" -> 'amount')), 0)::float8 as ${sql.raw(`${prefix}_amount`)},
    count(distinct "e"."profile_id")::int as ${sql.raw(`${prefix}_buyers`)}`;
}

/**
 * The database's side of Engagement (`db_*` columns): its size, from the row triggers keep, and every
 * delivery, open, click and purchase of the period in the database, counted and counted per distinct
 * profile. It reads no selection, so the page runs it beside the report statement, which computes the
 * selection's side over its one evaluation of the selection (lib/analytics/report.ts). Interactions
 * come from the `(database_id, type, occurred_at) INCLUDE (profile_id)` index alone; purchases (which
 * need `properties.amount` from the table) from their own index range.
 */
export function databaseEngagementQuery(databaseId: number, now: Date, days: number): SQL {
  const { from, to } = periodBounds(now, days);
  const scope = (types: SQL) => periodEvents(databaseId, from, to, types);
  return sql`select ${databaseSizeSql(sql`${databaseId}::int`)}::int as db_profiles, i.*, b.*
    from (select ${interactionTotals("db")} from events "e" where ${scope(sql`"e"."type" in ('delivered', 'opened', 'clicked')`)}) i
    cross join (select ${purchaseTotals("db")} from events "e" where ${scope(sql`"e"."type" = 'purchase'`)}) b`;
}

/**
 * The selection's side of Engagement (`sel_*` columns): the same totals over the events of the
 * selection's profiles (its ids once, a CTE), joined by profile id — for a small selection, a probe of the
 * `(profile_id, type, occurred_at)` index per profile; for a large one, a hash join with the period's
 * events.
 */
export function selectionEngagementQuery(source: FigureSource, now: Date, days: number): SQL {
  const { from, to } = periodBounds(now, days);
  const scope = (types: SQL) => periodEvents(source.databaseId, from, to, types);
  return sql`with sel as (select "p"."id" from ${source.profiles})
    select (select count(*) from sel)::int as sel_profiles, i.*, b.*
    from (select ${interactionTotals("sel")} from sel s join events "e" on "e"."profile_id" = s.id
          where ${scope(sql`"e"."type" in ('delivered', 'opened', 'clicked')`)}) i
    cross join (select ${purchaseTotals("sel")} from sel s join events "e" on "e"."profile_id" = s.id
          where ${scope(sql`"e"."type" = 'purchase'`)}) b`;
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
  const [row] = await runFigure(db, opts, (tx) => queryRows<Record<string, unknown>>(tx, engagementQuery(selectionSource(selection), now, days)));
  return engagementFromRow(row, now, days);
}

export function engagementFromRow(row: Record<string, unknown>, now: Date, days: EngagementPeriod): Engagement {
  const { from, to } = periodBounds(now, days);
  return { days, from: from.toISOString(), to: to.toISOString(), selection: toTotals(row, "sel"), database: toTotals(row, "db") };
}

export type MailingEngagement = { mailingId: number; name: string; deliveries: number; opens: number; clicks: number; clickers: number };

/**
 * The selection's top mailings by clicks in the period (mailings without a click are left out), with
 * their deliveries and opens. A mailing of another database never lends its name.
 */
export function topMailingsQuery(source: FigureSource, now: Date, days: number, limit = TOP_MAILINGS): SQL {
  const { from, to } = periodBounds(now, days);
  const types = sql`"e"."type" in ('delivered', 'opened', 'clicked') and "e"."mailing_id" is not null`;
  return sql`select "e"."mailing_id" as mailing_id, m.name as name,
      count(*) filter (where "e"."type" = 'delivered')::int as deliveries,
      count(*) filter (where "e"."type" = 'opened')::int as opens,
      count(*) filter (where "e"."type" = 'clicked')::int as clicks,
      count(distinct "e"."profile_id") filter (where "e"."type" = 'clicked')::int as clickers
    from events "e"
    join (select "p"."id" from ${source.profiles}) s on s.id = "e"."profile_id"
    left join mailings m on m.id = "e"."mailing_id" and m.database_id = ${source.databaseId}::int
    where ${periodEvents(source.databaseId, from, to, types)}
    group by "e"."mailing_id", m.name
    having count(*) filter (where "e"."type" = 'clicked') > 0
    order by clicks desc, "e"."mailing_id"
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

import { sql, type SQL } from "drizzle-orm";
import { behaviour, type DatabaseKind } from "./catalog";
import { Draws, int, num, timestampLiteral } from "./random";

/** What every generator needs: the seed and the fixed "now" all demo times are relative to. */
export type SeedContext = {
  seed: number;
  now: Date;
  /** `now` as a SQL timestamptz constant. */
  nowSql: SQL;
};

export function createSeedContext(seed: number, now: Date): SeedContext {
  return { seed, now, nowSql: timestampLiteral(now) };
}

export const DAY = 86_400;
export const YEAR = 365 * DAY;

/** `now` minus a number of seconds (a SQL integer expression), as a timestamptz. */
export function secondsAgo(ctx: SeedContext, seconds: SQL): SQL {
  return sql`(${ctx.nowSql} - (${seconds}) * interval '1 second')`;
}

/** A contiguous block of profiles of one database: ordinals `from..to`, stored as id `idBase + ordinal`. */
export type ProfileBlock = { databaseId: number; kind: DatabaseKind; from: number; to: number; idBase: number };

/**
 * The traits of each profile that both the profile row and its events depend on, so the two stay
 * consistent (no event before the profile existed, a purchase at exactly `last_order_at`, mailings
 * only to those with a subscription status): one row per ordinal `n` of the block, with columns
 * n, created_secs, window_secs (seconds of event history: its age, at most a year), email_sub,
 * sms_sub, push_sub, buyer, last_order_secs, purchase_count, unsubscribed_from (which email mailing,
 * 1-based, an unsubscribed profile left with) and page_views. OFFSET 0 keeps each layer from being
 * inlined into the next, so every value is computed once per profile.
 */
export function profileTraits(ctx: SeedContext, block: ProfileBlock, emailMailings: number): SQL {
  const d = new Draws(ctx.seed, "th");
  const { buyerRate, maxPageViews } = behaviour[block.kind];
  const createdSecs = d.below("created", 3 * YEAR);
  const subscription = (channel: string, subscribed: number, unsubscribed: number) => {
    const draw = d.below(`sub_${channel}`, 100);
    return sql`(CASE WHEN ${draw} < ${int(subscribed)} THEN 'subscribed'
                     WHEN ${draw} < ${int(subscribed + unsubscribed)} THEN 'unsubscribed' END)::subscription_status`;
  };
  const middle = sql`
    SELECT h.*, ${createdSecs} AS created_secs, least(${createdSecs}, ${int(YEAR)}) AS window_secs,
           ${subscription("email", 78, 12)} AS email_sub,
           ${subscription("sms", 35, 15)} AS sms_sub,
           ${subscription("push", 25, 10)} AS push_sub,
           (${d.unit("buyer")} < ${num(buyerRate)} AND ${createdSecs} > ${int(DAY)}) AS buyer,
           1 + ${d.below("unsubscribed_from", Math.max(emailMailings, 1))}::int AS unsubscribed_from,
           ${d.below("page_views", maxPageViews + 1)}::int AS page_views`;
  const outer = sql`
    CASE WHEN buyer THEN floor(${d.unit("last_order", 32)} ^ 2 * window_secs)::bigint
         WHEN created_secs > ${int(YEAR + DAY)} AND ${d.unit("old_order")} < 0.3
           THEN ${int(YEAR)} + floor(${d.unit("old_order_at", 32)} * (created_secs - ${int(YEAR)}))::bigint
    END AS last_order_secs,
    CASE WHEN buyer THEN 1 + floor(${d.unit("purchases")} ^ 2 * 6)::int ELSE 0 END AS purchase_count`;
  return sql`(
    SELECT m.*, ${outer}
    FROM (${middle}
          FROM (SELECT n, ${d.columns(sql`n`)}
                FROM generate_series(${int(block.from)}::bigint, ${int(block.to)}::bigint) AS n
                OFFSET 0) h
          OFFSET 0) m
    OFFSET 0
  )`;
}

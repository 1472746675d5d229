import { sql, type SQL } from "drizzle-orm";
import { createRng, int, num, timestampLiteral, type Rng } from "./random";

/** What every generator needs: the seed's randomness and the fixed "now" all demo times are relative to. */
export type SeedContext = {
  seed: number;
  now: Date;
  rng: Rng;
  /** `now` as a SQL timestamptz constant. */
  nowSql: SQL;
};

export function createSeedContext(seed: number, now: Date): SeedContext {
  return { seed, now, rng: createRng(seed), nowSql: timestampLiteral(now) };
}

export const DAY = 86_400;
export const YEAR = 365 * DAY;

/** `now` minus a number of seconds (a SQL integer expression), as a timestamptz. */
export function secondsAgo(ctx: SeedContext, seconds: SQL): SQL {
  return sql`(${ctx.nowSql} - (${seconds}) * interval '1 second')`;
}

/** A contiguous block of profiles of one database: ordinals `from..to`, stored as id `idBase + ordinal`. */
export type ProfileBlock = { databaseId: number; from: number; to: number; idBase: number };

/**
 * The traits of each profile that both the profile row and its events depend on, so the two stay
 * consistent (no event before the profile existed, a purchase at exactly `last_order_at`, mailings
 * only to those with a subscription status): one row per ordinal `n` in `from..to`.
 * OFFSET 0 keeps PostgreSQL from inlining it, so each trait is computed once per profile.
 */
export function profileTraits(ctx: SeedContext, from: number, to: number, buyerRate: number): SQL {
  const { rng } = ctx;
  const n = sql`n`;
  const createdSecs = rng.below(n, "created", 3 * YEAR);
  const windowSecs = sql`least(${createdSecs}, ${int(YEAR)})`;
  const subscription = (channel: string, subscribed: number, unsubscribed: number) =>
    sql`(CASE WHEN ${rng.below(n, `sub_${channel}`, 100)} < ${int(subscribed)} THEN 'subscribed'
              WHEN ${rng.below(n, `sub_${channel}`, 100)} < ${int(subscribed + unsubscribed)} THEN 'unsubscribed'
         END)::subscription_status`;
  return sql`(
    SELECT n, created_secs, window_secs, email_sub, sms_sub, push_sub, buyer,
           CASE WHEN buyer THEN floor(${rng.unit(n, "last_order")} ^ 2 * window_secs)::bigint
                WHEN created_secs > ${int(YEAR + DAY)} AND ${rng.unit(n, "old_order")} < 0.3
                  THEN ${int(YEAR)} + floor(${rng.unit(n, "old_order_at")} * (created_secs - ${int(YEAR)}))::bigint
           END AS last_order_secs,
           CASE WHEN buyer THEN 1 + floor(${rng.unit(n, "purchases")} ^ 2 * 6)::int ELSE 0 END AS purchase_count
    FROM (
      SELECT n, ${createdSecs} AS created_secs, ${windowSecs} AS window_secs,
             ${subscription("email", 78, 12)} AS email_sub,
             ${subscription("sms", 35, 15)} AS sms_sub,
             ${subscription("push", 25, 10)} AS push_sub,
             (${rng.unit(n, "buyer")} < ${num(buyerRate)} AND ${windowSecs} > ${int(DAY)}) AS buyer
      FROM generate_series(${int(from)}::bigint, ${int(to)}::bigint) AS n
      OFFSET 0
    ) base
    OFFSET 0
  )`;
}

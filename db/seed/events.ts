import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { affectedRows } from "./bulk";
import * as catalog from "./catalog";
import { bounceRate, type DemoMailing } from "./catalog";
import { profileTraits, secondsAgo, type ProfileBlock, type SeedContext } from "./context";
import { buyerRate, type DatabaseKind } from "./profiles";
import { int, num, textArray, unitOf, weighted } from "./random";

/** A mailing row as stored, with the shares the generator draws its interactions from. */
export type SentMailing = DemoMailing & { id: number };

/** How the profiles of one kind of database behave outside mailings. */
const behaviour: Record<DatabaseKind, { amountMin: number; amountMax: number; appShare: number; maxPageViews: number }> = {
  retail: { amountMin: 5, amountMax: 300, appShare: 0.35, maxPageViews: 5 },
  wholesale: { amountMin: 200, amountMax: 20_000, appShare: 0.05, maxPageViews: 2 },
};

const currencies = weighted([
  ["EUR", 18],
  ["CHF", 1],
  ["GBP", 1],
]);

/** Mailings go out at 08:00 UTC on their day. */
const sentSecondsAgo = (m: DemoMailing) => m.daysAgo * 86_400 - 8 * 3_600;

/** Array constants written into the statement, after checking they are plain numbers. */
function intArray(values: readonly number[]): SQL {
  values.forEach(int);
  return sql.raw(`'{${values.join(",")}}'::int[]`);
}

function floatArray(values: readonly number[]): SQL {
  values.forEach(num);
  return sql.raw(`'{${values.join(",")}}'::float8[]`);
}

/**
 * Deliveries (or bounces), opens, clicks and the odd unsubscribe of every mailing of the database,
 * for each profile of the block that had a subscription status on the mailing's channel and existed
 * when it went out. One hash per (profile, mailing) decides all of it, so opens ⊂ deliveries and
 * (on email) clicks ⊂ opens.
 */
async function insertInteractions(
  db: Db,
  ctx: SeedContext,
  block: ProfileBlock,
  kind: DatabaseKind,
  mailings: readonly SentMailing[],
): Promise<number> {
  if (mailings.length === 0) return 0;
  const { rng } = ctx;
  const emailCount = mailings.filter((m) => m.channel === "email").length;
  const pairKey = sql`t.n * 64 + mm.idx`;
  const h = sql`hh.h`;
  const h2 = sql`hh.h2`;
  const u = sql`x.u`;
  const result = await db.execute(sql`
    INSERT INTO events (database_id, profile_id, channel, type, mailing_id, occurred_at)
    SELECT ${int(block.databaseId)}, ${int(block.idBase)} + m.n, m.channel::event_channel,
           CASE WHEN k = 1 THEN (CASE WHEN m.u < ${num(bounceRate)} THEN 'bounced' ELSE 'delivered' END)
                WHEN k <= 1 + m.opens THEN 'opened'
                WHEN k <= 1 + m.opens + m.clicks THEN 'clicked'
                ELSE 'unsubscribed' END,
           m.id,
           ${secondsAgo(
             ctx,
             sql`m.sent_secs - (CASE WHEN k = 1 THEN m.d_deliver
                                     WHEN k <= 1 + m.opens THEN m.d_deliver + m.d_open
                                     WHEN k <= 1 + m.opens + m.clicks THEN m.d_deliver + m.d_open + (k - 1 - m.opens) * m.d_click
                                     ELSE m.d_deliver + m.d_open + 3600 + m.d_click END)`,
           )}
    FROM ${profileTraits(ctx, block.from, block.to, buyerRate[kind])} t
    CROSS JOIN LATERAL (
      SELECT t.n, mm.id, mm.channel, mm.sent_secs, ${u} AS u,
             ${h2} & 4095 AS d_deliver,
             300 + ((${h2} >> 12) & 131071) AS d_open,
             30 + ((${h2} >> 29) & 1023) AS d_click,
             x.opens, x.clicks,
             1 + x.opens + x.clicks
               + (CASE WHEN mm.channel = 'email' AND t.email_sub = 'unsubscribed' AND x.opens = 1
                        AND mm.idx = 1 + ${rng.below(sql`t.n`, "unsubscribed_from", Math.max(emailCount, 1))}
                       THEN 1 ELSE 0 END) AS cnt
      FROM unnest(${intArray(mailings.map((_, i) => i + 1))}, ${intArray(mailings.map((m) => m.id))},
                  ${textArray(mailings.map((m) => m.channel))}, ${intArray(mailings.map(sentSecondsAgo))},
                  ${floatArray(mailings.map((m) => m.delivered))}, ${floatArray(mailings.map((m) => m.opened))},
                  ${floatArray(mailings.map((m) => m.clicked))})
           AS mm(idx, id, channel, sent_secs, p_delivered, p_opened, p_clicked)
      CROSS JOIN LATERAL (SELECT ${rng.hash(pairKey, "mailing")} AS h, ${rng.hash(pairKey, "mailing_times")} AS h2) hh
      CROSS JOIN LATERAL (
        SELECT ${unitOf(h)} AS u,
               CASE WHEN ${unitOf(h)} >= ${num(bounceRate)} AND ${unitOf(h)} < mm.p_opened THEN 1 ELSE 0 END AS opens,
               CASE WHEN ${unitOf(h)} >= ${num(bounceRate)} AND ${unitOf(h)} < mm.p_clicked
                    THEN 1 + (((${h2} >> 39) & 7) >= 5)::int + (((${h2} >> 39) & 7) >= 7)::int ELSE 0 END AS clicks
      ) x
      WHERE ${u} < mm.p_delivered
        AND mm.sent_secs < t.created_secs
        AND CASE mm.channel WHEN 'email' THEN t.email_sub IS NOT NULL
                            WHEN 'sms' THEN t.sms_sub = 'subscribed'
                            ELSE t.push_sub = 'subscribed' END
      OFFSET 0
    ) m
    CROSS JOIN LATERAL generate_series(1, m.cnt) AS k
  `);
  return affectedRows(result);
}

/** Purchases in the last year: the latest at exactly the profile's `last_order_at`, the others before it. */
async function insertPurchases(db: Db, ctx: SeedContext, block: ProfileBlock, kind: DatabaseKind): Promise<number> {
  const { rng } = ctx;
  const { amountMin, amountMax, appShare } = behaviour[kind];
  const key = sql`t.n * 16 + k`;
  const result = await db.execute(sql`
    INSERT INTO events (database_id, profile_id, channel, type, occurred_at, properties)
    SELECT ${int(block.databaseId)}, ${int(block.idBase)} + t.n,
           (CASE WHEN ${rng.unit(key, "purchase_channel")} < ${num(appShare)} THEN 'app' ELSE 'web' END)::event_channel,
           'purchase',
           ${secondsAgo(
             ctx,
             sql`CASE WHEN k = 1 THEN t.last_order_secs
                      ELSE t.last_order_secs + (${rng.hash(key, "purchase_at")} & 2147483647) % greatest(1, t.window_secs - t.last_order_secs) END`,
           )},
           jsonb_build_object(
             'amount', round((${num(amountMin)} + ${rng.unit(key, "amount")} ^ 2 * ${num(amountMax - amountMin)})::numeric, 2),
             'currency', ${rng.pick(key, "currency", currencies)})
    FROM ${profileTraits(ctx, block.from, block.to, buyerRate[kind])} t
    CROSS JOIN LATERAL generate_series(1, t.purchase_count) AS k
    WHERE t.buyer
  `);
  return affectedRows(result);
}

/** A few page views per profile, anywhere in the profile's last year. */
async function insertPageViews(db: Db, ctx: SeedContext, block: ProfileBlock, kind: DatabaseKind): Promise<number> {
  const { rng } = ctx;
  const key = sql`t.n * 16 + k`;
  const result = await db.execute(sql`
    INSERT INTO events (database_id, profile_id, channel, type, occurred_at, properties)
    SELECT ${int(block.databaseId)}, ${int(block.idBase)} + t.n,
           (CASE WHEN ${rng.unit(key, "page_view_channel")} < 0.2 THEN 'app' ELSE 'web' END)::event_channel,
           'page_view',
           ${secondsAgo(ctx, sql`(${rng.hash(key, "page_view_at")} & 2147483647) % greatest(1, t.window_secs)`)},
           jsonb_build_object('path', ${rng.pick(key, "page_path", catalog.pagePaths)})
    FROM ${profileTraits(ctx, block.from, block.to, buyerRate[kind])} t
    CROSS JOIN LATERAL generate_series(1, ${rng.below(sql`t.n`, "page_views", behaviour[kind].maxPageViews + 1)}::int) AS k
  `);
  return affectedRows(result);
}

/** All events of one block of profiles: mailing interactions, purchases, page views. */
export async function insertEvents(
  db: Db,
  ctx: SeedContext,
  block: ProfileBlock,
  kind: DatabaseKind,
  mailings: readonly SentMailing[],
): Promise<number> {
  return (
    (await insertInteractions(db, ctx, block, kind, mailings)) +
    (await insertPurchases(db, ctx, block, kind)) +
    (await insertPageViews(db, ctx, block, kind))
  );
}


import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { affectedRows } from "./bulk";
import * as catalog from "./catalog";
import { behaviour, bounceRate, type DemoMailing } from "./catalog";
import { profileTraits, secondsAgo, type ProfileBlock, type SeedContext } from "./context";
import { Draws, int, num, textArray, weighted } from "./random";

/** A mailing row as stored, with the shares the generator draws its interactions from. */
export type SentMailing = DemoMailing & { id: number };

const currencies = weighted([
  ["EUR", 18],
  ["CHF", 1],
  ["GBP", 1],
]);

// Properties are written as JSON text and parsed once (cheaper than jsonb_build_object per row),
// so the words that go into them must need no escaping.
for (const word of [...currencies, ...catalog.pagePaths])
  if (/["\\\u0000-\u001f]/.test(word)) throw new Error(`not safe inside a JSON string: ${word}`);

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
 * for each profile that had a status on the mailing's channel and existed when it went out. One hash
 * per (profile, mailing) decides all of it; opens ⊂ deliveries and (on email) clicks ⊂ opens because
 * they compare the same draw with ever smaller shares.
 */
function interactions(ctx: SeedContext, block: ProfileBlock, mailings: readonly SentMailing[]): SQL {
  const d = new Draws(ctx.seed, "mh");
  const u = d.unit("share");
  const clickDraw = d.below("clicks", 8);
  const dDeliver = d.below("deliver_delay", 4096);
  const dOpen = sql`(300 + ${d.below("open_delay", 131_072)})`;
  const dClick = sql`(30 + ${d.below("click_delay", 1024)})`;
  const received = sql`${u} >= ${num(bounceRate)}`;
  const opens = sql`(CASE WHEN ${received} AND ${u} < p_opened THEN 1 ELSE 0 END)`;
  const clicks = sql`(CASE WHEN ${received} AND ${u} < p_clicked
                           THEN 1 + (${clickDraw} >= 5)::int + (${clickDraw} >= 7)::int ELSE 0 END)`;
  const unsubscribes = sql`(CASE WHEN channel = 'email' AND email_sub = 'unsubscribed' AND idx = unsubscribed_from
                                 THEN ${opens} ELSE 0 END)`;
  const pairs = sql`
    SELECT t.n, t.email_sub, t.unsubscribed_from, mm.*, ${d.columns(sql`t.n * 64 + mm.idx`)}
    FROM t
    CROSS JOIN unnest(${intArray(mailings.map((_, i) => i + 1))}, ${intArray(mailings.map((m) => m.id))},
                      ${textArray(mailings.map((m) => m.channel))}, ${intArray(mailings.map(sentSecondsAgo))},
                      ${floatArray(mailings.map((m) => m.delivered))}, ${floatArray(mailings.map((m) => m.opened))},
                      ${floatArray(mailings.map((m) => m.clicked))})
         AS mm(idx, id, channel, sent_secs, p_delivered, p_opened, p_clicked)
    WHERE mm.sent_secs < t.created_secs
      AND CASE mm.channel WHEN 'email' THEN t.email_sub IS NOT NULL
                          WHEN 'sms' THEN t.sms_sub = 'subscribed'
                          ELSE t.push_sub = 'subscribed' END
    OFFSET 0`;
  const offset = sql`CASE WHEN k = 1 THEN m.d_deliver
                          WHEN k <= 1 + m.opens THEN m.d_deliver + m.d_open
                          WHEN k <= 1 + m.opens + m.clicks THEN m.d_deliver + m.d_open + (k - 1 - m.opens) * m.d_click
                          ELSE m.d_deliver + m.d_open + 3600 + m.d_click END`;
  return sql`
    SELECT m.n, m.channel::event_channel AS channel,
           CASE WHEN k = 1 THEN (CASE WHEN m.u < ${num(bounceRate)} THEN 'bounced' ELSE 'delivered' END)
                WHEN k <= 1 + m.opens THEN 'opened'
                WHEN k <= 1 + m.opens + m.clicks THEN 'clicked'
                ELSE 'unsubscribed' END AS type,
           m.id AS mailing_id,
           ${secondsAgo(ctx, sql`m.sent_secs - (${offset})`)} AS occurred_at,
           NULL::jsonb AS properties
    FROM (
      SELECT c.*, generate_series(1, c.cnt) AS k
      FROM (
        SELECT n, id, channel, sent_secs, ${u} AS u, ${opens} AS opens, ${clicks} AS clicks,
               ${dDeliver} AS d_deliver, ${dOpen} AS d_open, ${dClick} AS d_click,
               1 + ${opens} + ${clicks} + ${unsubscribes} AS cnt
        FROM (${pairs}) pair
        WHERE ${u} < p_delivered
        OFFSET 0
      ) c
    ) m`;
}

/** Purchases in the last year: the latest at exactly the profile's `last_order_at`, the others before it. */
function purchases(ctx: SeedContext, block: ProfileBlock): SQL {
  const d = new Draws(ctx.seed, "bh");
  const { amountMin, amountMax, appShare } = behaviour[block.kind];
  const channel = sql`(CASE WHEN ${d.unit("channel")} < ${num(appShare)} THEN 'app' ELSE 'web' END)::event_channel`;
  const earlier = d.below("at", 2 ** 26);
  const amount = sql`round((${num(amountMin)} + ${d.unit("amount", 32)} ^ 2 * ${num(amountMax - amountMin)})::numeric, 2)`;
  const currency = d.pick("currency", currencies);
  return sql`
    SELECT n, ${channel} AS channel, 'purchase' AS type, NULL::int AS mailing_id,
           ${secondsAgo(
             ctx,
             sql`CASE WHEN k = 1 THEN last_order_secs
                      ELSE last_order_secs + ${earlier} % greatest(1, window_secs - last_order_secs) END`,
           )} AS occurred_at,
           ('{"amount":' || ${amount} || ',"currency":"' || ${currency} || '"}')::jsonb AS properties
    FROM (SELECT p.*, ${d.columns(sql`p.n * 16 + p.k`)}
          FROM (SELECT t.n, t.last_order_secs, t.window_secs, generate_series(1, t.purchase_count) AS k FROM t WHERE t.buyer) p
          OFFSET 0) b`;
}

/** A few page views per profile, anywhere in the profile's last year. */
function pageViews(ctx: SeedContext): SQL {
  const d = new Draws(ctx.seed, "vh");
  const channel = sql`(CASE WHEN ${d.unit("channel")} < 0.2 THEN 'app' ELSE 'web' END)::event_channel`;
  const at = d.below("at", 2 ** 26);
  const path = d.pick("path", catalog.pagePaths);
  return sql`
    SELECT n, ${channel} AS channel, 'page_view' AS type, NULL::int AS mailing_id,
           ${secondsAgo(ctx, sql`${at} % greatest(1, window_secs)`)} AS occurred_at,
           ('{"path":"' || ${path} || '"}')::jsonb AS properties
    FROM (SELECT v.*, ${d.columns(sql`v.n * 16 + v.k`)}
          FROM (SELECT t.n, t.window_secs, generate_series(1, t.page_views) AS k FROM t) v
          OFFSET 0) v`;
}

/**
 * All events of one block of profiles — mailing interactions, purchases, page views — in one
 * statement, with ids assigned from `firstId` in generation order (so a reseed repeats them).
 * Returns how many were inserted.
 */
export async function insertEvents(
  db: Db,
  ctx: SeedContext,
  block: ProfileBlock,
  mailings: readonly SentMailing[],
  firstId: number,
): Promise<number> {
  const emailMailings = mailings.filter((m) => m.channel === "email").length;
  const parts = [...(mailings.length > 0 ? [interactions(ctx, block, mailings)] : []), purchases(ctx, block), pageViews(ctx)];
  const result = await db.execute(sql`
    WITH t AS MATERIALIZED ${profileTraits(ctx, block, emailMailings)}
    INSERT INTO events (id, database_id, profile_id, channel, type, mailing_id, occurred_at, properties)
    SELECT ${int(firstId)} - 1 + row_number() OVER (), ${int(block.databaseId)}, ${int(block.idBase)} + e.n,
           e.channel, e.type, e.mailing_id, e.occurred_at, e.properties
    FROM (${sql.join(parts, sql` UNION ALL `)}) e
  `);
  return affectedRows(result);
}

import { berlinVip, emailSubscribed, group, neverBouncedOrUnsubscribed, oneGroup, type ConditionInput } from "@/db/seed/demo-rules";
import type { ScriptInput } from "@/lib/segments/script";

/**
 * The benchmark's questions: each as a selection rule for the engine and as the SQL a DBA would write
 * by hand for the same answer — written independently of the engine's shape. Where more than one form
 * is plausible (a WHERE over profiles with IN or EXISTS; an aggregate over events without the profiles
 * join; total minus distinct; a UNION; a materialized CTE), every form is listed: the bench checks
 * that they agree, times each, and compares the engine with the fastest. The hand-written side binds
 * the database id as `$1` and writes its other values as literals.
 */
export type BenchRefs = {
  databaseId: number;
  /** Mailing ids of the retail database by name. */
  mailing: (name: string) => number;
  /** Saved dynamic segments of the retail database by name (the demo's and the bench's own). */
  segment: (name: string) => number;
  /** Static segments of the retail database by name. */
  staticSegment: (name: string) => number;
  /** The moment relative periods are measured from, shared by both sides. */
  now: Date;
};

/** One hand-written statement: a count (`count` column) or a Show page (Show's columns, id order). */
export type HandSql = { label: string; sql: string; /** Run with this work_mem (a per-statement setting) instead of the server's. */ workMem?: string };

export type BenchCase = {
  name: string;
  rule: { range?: { from: number; to: number }; conditions: ScriptInput | null; limit?: number | null };
  /** Hand-written Calculate statements; the fastest is the baseline. */
  handCount: HandSql[];
  /** Hand-written Show statements (the first min(100, limit) profiles in id order); the fastest is the baseline. */
  handShow: HandSql[];
  /** The question as one WHERE over `profiles p` (before the limit), where it can be written so: other benches build on it. */
  handWhere?: string;
  limit?: number;
};

export const LIMITED_BUYERS = "Bench: first 100,000 recent buyers";
export const SUBSCRIBED_BUYERS = "Bench: subscribed among the first 100,000 recent buyers";

/**
 * Saved segments the nested-segment cases refer to, created in the bench database when missing:
 * `first` is a limited segment, `second` refers to it (two levels). `idOf` resolves a name.
 */
export function benchSegments(idOf: (name: string) => number): { name: string; conditions: ScriptInput; limit: number }[] {
  return [
    {
      name: LIMITED_BUYERS,
      conditions: oneGroup([{ kind: "event", type: "purchase", period: { last_days: 90 } }]),
      limit: 100_000,
    },
    {
      name: SUBSCRIBED_BUYERS,
      conditions: oneGroup([{ kind: "segment", segment_type: "dynamic", segment_id: idOf(LIMITED_BUYERS), member: true }, emailSubscribed]),
      limit: 20_000,
    },
  ];
}

/** The columns Show returns (SPEC §5), in the engine's order. */
export const SHOW_COLUMNS =
  "p.id, p.email, p.phone, p.first_name, p.last_name, p.created_at, p.updated_at, p.fields, " +
  "p.email_subscription, p.sms_subscription, p.push_subscription";

/** SPEC §2 range bounds, computed the documented way (integer maths on basis points). */
export function rangeKeyBounds(from: number, to: number): { lo: bigint; hi: bigint } {
  const space = 2n ** 32n;
  return {
    lo: (BigInt(Math.round(from * 100)) * space) / 10000n,
    hi: (BigInt(Math.round(to * 100)) * space) / 10000n,
  };
}

const SHOW = 100;

/** Calculate and Show as plain `WHERE` over `profiles p`, the first form any DBA writes. */
function whereForms(where: string, limit?: number): { count: HandSql; show: HandSql } {
  return {
    count: {
      label: "WHERE over profiles",
      sql:
        limit === undefined
          ? `SELECT count(*)::int AS count FROM profiles p WHERE ${where}`
          : `SELECT count(*)::int AS count FROM (SELECT 1 FROM profiles p WHERE ${where} LIMIT ${limit}) s`,
    },
    show: { label: "WHERE over profiles", sql: `SELECT ${SHOW_COLUMNS} FROM profiles p WHERE ${where} ORDER BY p.id LIMIT ${Math.min(SHOW, limit ?? SHOW)}` },
  };
}

/** A Show page of the profiles whose ids a subquery answers. */
const showOfIds = (label: string, ids: string): HandSql => ({
  label,
  sql: `SELECT ${SHOW_COLUMNS} FROM profiles p WHERE p.id IN (${ids}) ORDER BY p.id LIMIT ${SHOW}`,
});

export function benchCases(refs: BenchRefs): BenchCase[] {
  // The database id is bound as $1, as application code would bind it, so that both sides pay the same
  // protocol round trip that postgres.js makes to describe a statement with parameters.
  const db = "$1::int";
  const ago = (days: number) => `'${new Date(refs.now.getTime() - days * 86_400_000).toISOString()}'::timestamptz`;
  const now = `'${refs.now.toISOString()}'::timestamptz`;
  const within = (days: number) => `e.occurred_at >= ${ago(days)} AND e.occurred_at <= ${now}`;
  const slice = rangeKeyBounds(20, 30);
  const half = rangeKeyBounds(0, 50);
  const blackFriday = refs.mailing("Black Friday deals");
  const engaged = refs.segment("Engaged openers");
  const limitedBuyers = refs.segment(LIMITED_BUYERS);
  const subscribedBuyers = refs.segment(SUBSCRIBED_BUYERS);
  const invitees = refs.staticSegment("Store opening invitees (Berlin)");
  const total = `(SELECT count(*) FROM profiles p WHERE p.database_id = ${db})`;
  // The first 100,000 recent buyers, as a DBA would write the saved segment: by the events index.
  const recentBuyers = `SELECT p.id FROM profiles p WHERE p.database_id = ${db} AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'purchase' AND ${within(90)}) ORDER BY p.id LIMIT 100000`;
  const recentBuyersFromEvents = `SELECT e.profile_id AS id FROM events e WHERE e.database_id = ${db} AND e.type = 'purchase' AND ${within(90)} GROUP BY e.profile_id ORDER BY e.profile_id LIMIT 100000`;
  const subscribedOfBuyers = (buyers: string) =>
    `SELECT p.id FROM profiles p JOIN (${buyers}) b ON b.id = p.id WHERE p.email_subscription = 'subscribed' ORDER BY p.id LIMIT 20000`;
  const cities30 = ["Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig", "Dresden", "Hanover", "Nuremberg", "Bremen", "Vienna", "Zurich", "Amsterdam", "Copenhagen", "Prague", "Warsaw", "Paris", "Milan"];
  const mailings5 = ["Spring sale", "Summer collection", "Back to school", "Autumn newsletter", "Weekly picks"].map((m) => refs.mailing(m));
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

  const cases: BenchCase[] = [];
  const add = (name: string, rule: BenchCase["rule"], where: string | null, more: { count?: HandSql[]; show?: HandSql[] } = {}, limit?: number) => {
    const plain = where === null ? null : whereForms(where, limit);
    cases.push({
      name,
      rule,
      handCount: [...(plain ? [plain.count] : []), ...(more.count ?? [])],
      handShow: [...(plain ? [plain.show] : []), ...(more.show ?? [])],
      ...(where === null ? {} : { handWhere: where }),
      ...(limit === undefined ? {} : { limit }),
    });
  };

  add("Range slice 20–30 %", { range: { from: 20, to: 30 }, conditions: null }, `p.database_id = ${db} AND p.range_key >= ${slice.lo} AND p.range_key < ${slice.hi}`);
  add("Custom field: city = Berlin", { conditions: oneGroup([{ kind: "field", field: "city", op: "eq", value: "Berlin" }]) }, `p.database_id = ${db} AND p.fields ->> 'city' = 'Berlin'`);
  {
    const munich = `p.fields ->> 'city' = 'Munich' AND p.fields ->> 'loyalty_tier' IN ('gold', 'platinum')`;
    const vip = `p.fields -> 'vip' = 'true' AND (p.fields ->> 'loyalty_points')::numeric >= 10000`;
    add(
      "OR of two groups (Munich gold/platinum, or VIP with 10k points)",
      {
        conditions: {
          logic: "or",
          groups: [
            group([
              { kind: "field", field: "city", op: "eq", value: "Munich" },
              { kind: "field", field: "loyalty_tier", op: "in", value: ["gold", "platinum"] },
            ]),
            group([
              { kind: "field", field: "vip", op: "is_true" },
              { kind: "field", field: "loyalty_points", op: "gte", value: 10000 },
            ]),
          ],
        },
      },
      `p.database_id = ${db} AND ((${munich}) OR (${vip}))`,
      {
        count: [{ label: "UNION of the two groups", sql: `SELECT count(*)::int AS count FROM (SELECT p.id FROM profiles p WHERE p.database_id = ${db} AND ${munich} UNION SELECT p.id FROM profiles p WHERE p.database_id = ${db} AND ${vip}) u` }],
      },
    );
  }
  {
    const openers = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(30)}`;
    add(
      "Email subscribed and opened an email in the last 30 days",
      { conditions: oneGroup([emailSubscribed, { kind: "interaction", channel: "email", type: "opened", period: { last_days: 30 } }]) },
      `p.database_id = ${db} AND p.email_subscription = 'subscribed' AND p.id IN (${openers})`,
      {
        count: [
          { label: "EXISTS per profile", sql: `SELECT count(*)::int AS count FROM profiles p WHERE p.database_id = ${db} AND p.email_subscription = 'subscribed' AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(30)})` },
          { label: "join to distinct openers", sql: `SELECT count(*)::int AS count FROM profiles p JOIN (SELECT DISTINCT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(30)}) o ON o.profile_id = p.id WHERE p.email_subscription = 'subscribed'` },
        ],
      },
    );
  }
  {
    const clickers = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.mailing_id = ${blackFriday} AND e.type = 'clicked' GROUP BY e.profile_id HAVING count(*) >= 2`;
    add(
      "Clicked the Black Friday mailing at least twice",
      { conditions: oneGroup([{ kind: "interaction", type: "clicked", mailing_id: blackFriday, count: { op: "gte", value: 2 } }]) },
      `p.database_id = ${db} AND p.id IN (${clickers})`,
      { count: [{ label: "aggregate over events alone", sql: `SELECT count(*)::int AS count FROM (${clickers}) c` }], show: [showOfIds("ids from events", clickers)] },
    );
  }
  {
    const openers = `SELECT DISTINCT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(90)}`;
    add(
      "Did not open an email in the last 90 days",
      { conditions: oneGroup([{ kind: "interaction", channel: "email", type: "opened", count: { op: "eq", value: 0 }, period: { last_days: 90 } }]) },
      `p.database_id = ${db} AND NOT EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(90)})`,
      { count: [{ label: "total minus distinct openers", sql: `SELECT (${total} - (SELECT count(*) FROM (${openers}) o))::int AS count` }] },
    );
  }
  {
    const buyers = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'purchase' AND ${within(180)} AND (e.properties ->> 'amount')::numeric > 50 GROUP BY e.profile_id HAVING count(*) >= 3`;
    // The amount as the row stores it (migration 0020): the partial purchases index alone.
    const storedBuyers = buyers.replace("(e.properties ->> 'amount')::numeric", "e.purchase_amount");
    add(
      "Bought at least 3 times for over 50 in the last 180 days",
      { conditions: oneGroup([{ kind: "event", type: "purchase", where: [{ property: "amount", op: "gt", value: 50 }], count: { op: "gte", value: 3 }, period: { last_days: 180 } }]) },
      `p.database_id = ${db} AND p.id IN (${buyers})`,
      {
        count: [
          { label: "aggregate over events alone", sql: `SELECT count(*)::int AS count FROM (${buyers}) b` },
          { label: "aggregate over events alone, work_mem 64MB", sql: `SELECT count(*)::int AS count FROM (${buyers}) b`, workMem: "64MB" },
          { label: "aggregate over the stored purchase_amount", sql: `SELECT count(*)::int AS count FROM (${storedBuyers}) b` },
        ],
        show: [showOfIds("ids from events", buyers), showOfIds("ids from the stored purchase_amount", storedBuyers)],
      },
    );
  }
  {
    const where =
      `p.database_id = ${db} AND p.range_key < ${half.hi} AND p.email_subscription = 'subscribed'` +
      ` AND p.fields ->> 'city' IN ('Berlin', 'Hamburg', 'Munich')` +
      ` AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'purchase' AND ${within(90)})` +
      ` AND NOT EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type IN ('bounced', 'unsubscribed') AND e.channel = 'email')`;
    add(
      "Combination with a limit: half the base, subscribed, big cities, bought in 90 days, never bounced or unsubscribed; first 5,000",
      {
        range: { from: 0, to: 50 },
        limit: 5000,
        conditions: {
          logic: "and",
          groups: [
            group([
              emailSubscribed,
              { kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg", "Munich"] },
              { kind: "event", type: "purchase", period: { last_days: 90 } },
            ]),
            neverBouncedOrUnsubscribed,
          ],
        },
      },
      where,
      {},
      5000,
    );
  }
  {
    const lapsed = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'purchase' GROUP BY e.profile_id HAVING count(*) FILTER (WHERE ${within(180)}) = 0`;
    add(
      "Lapsed buyers: bought before, but not in the last 180 days",
      { conditions: oneGroup([{ kind: "event", type: "purchase" }, { kind: "event", type: "purchase", count: { op: "eq", value: 0 }, period: { last_days: 180 } }]) },
      `p.database_id = ${db} AND EXISTS (SELECT 1 FROM events e WHERE e.database_id = ${db} AND e.profile_id = p.id AND e.type = 'purchase')` +
        ` AND NOT EXISTS (SELECT 1 FROM events e WHERE e.database_id = ${db} AND e.profile_id = p.id AND e.type = 'purchase' AND ${within(180)})`,
      { count: [{ label: "one aggregate over purchases", sql: `SELECT count(*)::int AS count FROM (${lapsed}) l` }], show: [showOfIds("ids from one aggregate", lapsed)] },
    );
  }

  // Nested segments. "Engaged openers" has no limit: its rule is the profile's own predicate.
  {
    const openers = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(30)}`;
    add(
      "Nested dynamic segment without a limit (member of Engaged openers, in Berlin)",
      { conditions: oneGroup([{ kind: "segment", segment_type: "dynamic", segment_id: engaged, member: true }, { kind: "field", field: "city", op: "eq", value: "Berlin" }]) },
      `p.database_id = ${db} AND p.fields ->> 'city' = 'Berlin' AND p.email_subscription = 'subscribed' AND p.id IN (${openers})`,
      { count: [{ label: "EXISTS per profile", sql: `SELECT count(*)::int AS count FROM profiles p WHERE p.database_id = ${db} AND p.fields ->> 'city' = 'Berlin' AND p.email_subscription = 'subscribed' AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(30)})` }] },
    );
  }
  {
    const join = (buyers: string) => `SELECT count(*)::int AS count FROM profiles p JOIN (${buyers}) b ON b.id = p.id WHERE p.email_subscription = 'subscribed'`;
    add(
      "Nested dynamic segment with a limit, members (first 100,000 recent buyers, subscribed)",
      { conditions: oneGroup([{ kind: "segment", segment_type: "dynamic", segment_id: limitedBuyers, member: true }, emailSubscribed]) },
      null,
      {
        count: [
          { label: "join to the limited subquery", sql: join(recentBuyers) },
          { label: "join to limited ids from events", sql: join(recentBuyersFromEvents) },
        ],
        show: [
          { label: "join to the limited subquery", sql: `SELECT ${SHOW_COLUMNS} FROM profiles p JOIN (${recentBuyers}) b ON b.id = p.id WHERE p.email_subscription = 'subscribed' ORDER BY p.id LIMIT ${SHOW}` },
          { label: "join to limited ids from events", sql: `SELECT ${SHOW_COLUMNS} FROM profiles p JOIN (${recentBuyersFromEvents}) b ON b.id = p.id WHERE p.email_subscription = 'subscribed' ORDER BY p.id LIMIT ${SHOW}` },
        ],
      },
    );
  }
  {
    const anti = (buyers: string, tail: string) =>
      `WITH b AS MATERIALIZED (${buyers}) ${tail} FROM profiles p WHERE p.database_id = ${db} AND p.fields ->> 'city' = 'Berlin' AND NOT EXISTS (SELECT 1 FROM b WHERE b.id = p.id)`;
    add(
      "Nested dynamic segment with a limit, non-members (not among the first 100,000 recent buyers, in Berlin)",
      { conditions: oneGroup([{ kind: "segment", segment_type: "dynamic", segment_id: limitedBuyers, member: false }, { kind: "field", field: "city", op: "eq", value: "Berlin" }]) },
      null,
      {
        count: [
          { label: "NOT EXISTS over a materialized CTE", sql: anti(recentBuyers, "SELECT count(*)::int AS count") },
          { label: "NOT EXISTS, limited ids from events", sql: anti(recentBuyersFromEvents, "SELECT count(*)::int AS count") },
          { label: "NOT IN", sql: `SELECT count(*)::int AS count FROM profiles p WHERE p.database_id = ${db} AND p.fields ->> 'city' = 'Berlin' AND p.id NOT IN (${recentBuyers})` },
        ],
        show: [
          { label: "NOT EXISTS over a materialized CTE", sql: `${anti(recentBuyers, `SELECT ${SHOW_COLUMNS}`)} ORDER BY p.id LIMIT ${SHOW}` },
          { label: "NOT EXISTS, limited ids from events", sql: `${anti(recentBuyersFromEvents, `SELECT ${SHOW_COLUMNS}`)} ORDER BY p.id LIMIT ${SHOW}` },
        ],
      },
    );
  }
  {
    const inner = (buyers: string) => subscribedOfBuyers(buyers);
    add(
      "Nested dynamic segments two levels deep (member of a limited segment that refers to another limited one)",
      { conditions: oneGroup([{ kind: "segment", segment_type: "dynamic", segment_id: subscribedBuyers, member: true }]) },
      null,
      {
        count: [
          { label: "limited subqueries", sql: `SELECT count(*)::int AS count FROM (${inner(recentBuyers)}) s` },
          { label: "limited subqueries, buyers from events", sql: `SELECT count(*)::int AS count FROM (${inner(recentBuyersFromEvents)}) s` },
        ],
        show: [
          showOfIds("ids of the limited subqueries", inner(recentBuyers)),
          showOfIds("ids of the limited subqueries, buyers from events", inner(recentBuyersFromEvents)),
        ],
      },
    );
  }
  {
    const members = `SELECT m.profile_id FROM static_segment_members m WHERE m.segment_id = ${invitees}`;
    add(
      "Static segment membership (Store opening invitees)",
      { conditions: oneGroup([{ kind: "segment", segment_type: "static", segment_id: invitees, member: true }]) },
      `p.database_id = ${db} AND p.id IN (${members})`,
      { count: [{ label: "join from the members", sql: `SELECT count(*)::int AS count FROM static_segment_members m JOIN profiles p ON p.id = m.profile_id WHERE m.segment_id = ${invitees} AND p.database_id = ${db}` }] },
    );
    add(
      "Static segment non-membership (not an invitee, in Berlin)",
      { conditions: oneGroup([{ kind: "segment", segment_type: "static", segment_id: invitees, member: false }, { kind: "field", field: "city", op: "eq", value: "Berlin" }]) },
      `p.database_id = ${db} AND p.fields ->> 'city' = 'Berlin' AND NOT EXISTS (SELECT 1 FROM static_segment_members m WHERE m.segment_id = ${invitees} AND m.profile_id = p.id)`,
    );
  }
  add("Subscription status none (no SMS status recorded)", { conditions: oneGroup([{ kind: "subscription", channel: "sms", status: "none" }]) }, `p.database_id = ${db} AND p.sms_subscription IS NULL`);
  {
    const buyers = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'purchase' AND (e.properties ->> 'amount')::numeric > 100 AND e.properties ->> 'currency' = 'EUR'`;
    add(
      "Event with two property filters (a purchase over 100 in EUR)",
      {
        conditions: oneGroup([
          {
            kind: "event",
            type: "purchase",
            where: [
              { property: "amount", op: "gt", value: 100 },
              { property: "currency", op: "eq", value: "EUR" },
            ],
          },
        ]),
      },
      `p.database_id = ${db} AND p.id IN (${buyers})`,
      {
        count: [
          { label: "distinct buyers from events alone", sql: `SELECT count(DISTINCT e.profile_id)::int AS count FROM events e WHERE e.database_id = ${db} AND e.type = 'purchase' AND (e.properties ->> 'amount')::numeric > 100 AND e.properties ->> 'currency' = 'EUR'` },
          { label: "distinct buyers, the stored purchase_amount", sql: `SELECT count(DISTINCT e.profile_id)::int AS count FROM events e WHERE e.database_id = ${db} AND e.type = 'purchase' AND e.purchase_amount > 100 AND e.properties ->> 'currency' = 'EUR'` },
        ],
        show: [
          { label: "EXISTS per profile", sql: `SELECT ${SHOW_COLUMNS} FROM profiles p WHERE p.database_id = ${db} AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'purchase' AND (e.properties ->> 'amount')::numeric > 100 AND e.properties ->> 'currency' = 'EUR') ORDER BY p.id LIMIT ${SHOW}` },
          { label: "EXISTS per profile, the stored purchase_amount", sql: `SELECT ${SHOW_COLUMNS} FROM profiles p WHERE p.database_id = ${db} AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'purchase' AND e.purchase_amount > 100 AND e.properties ->> 'currency' = 'EUR') ORDER BY p.id LIMIT ${SHOW}` },
        ],
      },
    );
  }
  {
    const openers = `SELECT DISTINCT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.mailing_id = ${blackFriday} AND e.type = 'opened'`;
    add(
      "Count eq 0 on a mailing (did not open Black Friday deals)",
      { conditions: oneGroup([{ kind: "interaction", type: "opened", mailing_id: blackFriday, count: { op: "eq", value: 0 } }]) },
      `p.database_id = ${db} AND NOT EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.mailing_id = ${blackFriday} AND e.type = 'opened')`,
      { count: [{ label: "total minus distinct openers", sql: `SELECT (${total} - (SELECT count(*) FROM (${openers}) o))::int AS count` }] },
    );
  }
  {
    const many = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email' AND ${within(180)} GROUP BY e.profile_id HAVING count(*) >= 3`;
    add(
      "Count lt 3 (opened fewer than 3 emails in the last 180 days, none included)",
      { conditions: oneGroup([{ kind: "interaction", channel: "email", type: "opened", count: { op: "lt", value: 3 }, period: { last_days: 180 } }]) },
      `p.database_id = ${db} AND p.id NOT IN (${many})`,
      {
        count: [
          { label: "total minus those with 3 or more", sql: `SELECT (${total} - (SELECT count(*) FROM (${many}) m))::int AS count` },
          { label: "NOT EXISTS over the counted set", sql: `SELECT count(*)::int AS count FROM profiles p WHERE p.database_id = ${db} AND NOT EXISTS (SELECT 1 FROM (${many}) m WHERE m.profile_id = p.id)` },
        ],
      },
    );
  }
  {
    const few = `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'clicked' GROUP BY e.profile_id HAVING count(*) > 2`;
    add(
      "Count lte 2 (clicked at most twice ever, none included)",
      { conditions: oneGroup([{ kind: "interaction", type: "clicked", count: { op: "lte", value: 2 } }]) },
      `p.database_id = ${db} AND p.id NOT IN (${few})`,
      { count: [{ label: "total minus those with more than 2", sql: `SELECT (${total} - (SELECT count(*) FROM (${few}) m))::int AS count` }] },
    );
  }
  add(
    "Date field within the last 30 days (last order)",
    { conditions: oneGroup([{ kind: "field", field: "last_order_at", op: "within_last_days", value: 30 }]) },
    `p.database_id = ${db} AND segment_instant(p.fields ->> 'last_order_at') >= ${ago(30)} AND segment_instant(p.fields ->> 'last_order_at') <= ${now}`,
  );
  add(
    "A not group (not a Berlin VIP)",
    { conditions: oneGroup(berlinVip, { not: true }) },
    `p.database_id = ${db} AND NOT coalesce(p.fields ->> 'city' = 'Berlin' AND p.fields -> 'vip' = 'true', false)`,
  );
  {
    const tiers = ["gold", "platinum"];
    const conditions: ConditionInput[] = [
      ...cities30.map((c) => ({ kind: "field" as const, field: "city", op: "eq" as const, value: c })),
      ...tiers.map((t) => ({ kind: "field" as const, field: "loyalty_tier", op: "eq" as const, value: t })),
      { kind: "field", field: "loyalty_points", op: "gte", value: 20000 },
      { kind: "field", field: "vip", op: "is_true" },
      ...mailings5.map((m) => ({ kind: "interaction" as const, type: "clicked" as const, mailing_id: m })),
      { kind: "subscription", channel: "push", status: "subscribed" },
    ];
    const where =
      `p.database_id = ${db} AND (p.fields ->> 'city' IN (${cities30.map(quote).join(", ")}) OR p.fields ->> 'loyalty_tier' IN ('gold', 'platinum')` +
      ` OR (p.fields ->> 'loyalty_points')::numeric >= 20000 OR p.fields -> 'vip' = 'true' OR p.push_subscription = 'subscribed'` +
      ` OR EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'clicked' AND e.mailing_id IN (${mailings5.join(", ")})))`;
    add(`An OR group of ${conditions.length} conditions (20 cities, tiers, points, VIP, 5 mailings clicked, push)`, { conditions: oneGroup(conditions, { logic: "or" }) }, where);
  }
  return cases;
}

import type { ScriptInput } from "@/lib/segments/script";

/**
 * The benchmark's questions: each as a selection rule for the engine and as the SQL a DBA would write
 * by hand for the same answer, on the same indexes. The hand-written side binds the database id as
 * `$1` and writes its other values as literals, uses `IN`/`EXISTS` as the question suggests, and the
 * columns Show returns.
 */
export type BenchRefs = {
  databaseId: number;
  /** Mailing ids of the retail database by name. */
  mailing: (name: string) => number;
  /** The moment relative periods are measured from, shared by both sides. */
  now: Date;
};

export type BenchCase = {
  name: string;
  rule: { range?: { from: number; to: number }; conditions: ScriptInput | null; limit?: number | null };
  /** `WHERE` over `profiles p` (without the limit); the harness wraps it into Calculate and Show. */
  handWhere: string;
  limit?: number;
};

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

type GroupInput = NonNullable<ScriptInput["groups"]>[number];
type ConditionInput = NonNullable<GroupInput["conditions"]>[number];

const group = (conditions: ConditionInput[], extra: { logic?: "and" | "or"; not?: boolean } = {}): GroupInput => ({
  logic: extra.logic ?? "and",
  not: extra.not ?? false,
  conditions,
});

export function benchCases(refs: BenchRefs): BenchCase[] {
  // The database id is bound as $1, as application code would bind it, so that both sides pay the same
  // protocol round trip that postgres.js makes to describe a statement with parameters.
  const db = "$1::int";
  const ago = (days: number) => `'${new Date(refs.now.getTime() - days * 86_400_000).toISOString()}'::timestamptz`;
  const now = `'${refs.now.toISOString()}'::timestamptz`;
  const slice = rangeKeyBounds(20, 30);
  const half = rangeKeyBounds(0, 50);
  const blackFriday = refs.mailing("Black Friday deals");

  return [
    {
      name: "Range slice 20–30 %",
      rule: { range: { from: 20, to: 30 }, conditions: null },
      handWhere: `p.database_id = ${db} AND p.range_key >= ${slice.lo} AND p.range_key < ${slice.hi}`,
    },
    {
      name: "Custom field: city = Berlin",
      rule: { conditions: { logic: "and", groups: [group([{ kind: "field", field: "city", op: "eq", value: "Berlin" }])] } },
      handWhere: `p.database_id = ${db} AND p.fields ->> 'city' = 'Berlin'`,
    },
    {
      name: "OR of two groups (Munich gold/platinum, or VIP with 10k points)",
      rule: {
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
      handWhere:
        `p.database_id = ${db} AND ((p.fields ->> 'city' = 'Munich' AND p.fields ->> 'loyalty_tier' IN ('gold', 'platinum'))` +
        ` OR (p.fields -> 'vip' = 'true' AND (p.fields ->> 'loyalty_points')::numeric >= 10000))`,
    },
    {
      name: "Email subscribed and opened an email in the last 30 days",
      rule: {
        conditions: {
          logic: "and",
          groups: [
            group([
              { kind: "subscription", channel: "email", status: "subscribed" },
              { kind: "interaction", channel: "email", type: "opened", period: { last_days: 30 } },
            ]),
          ],
        },
      },
      handWhere:
        `p.database_id = ${db} AND p.email_subscription = 'subscribed' AND p.id IN (` +
        `SELECT e.profile_id FROM events e WHERE e.database_id = ${db} AND e.type = 'opened' AND e.channel = 'email'` +
        ` AND e.occurred_at >= ${ago(30)} AND e.occurred_at <= ${now})`,
    },
    {
      name: "Clicked the Black Friday mailing at least twice",
      rule: {
        conditions: {
          logic: "and",
          groups: [group([{ kind: "interaction", type: "clicked", mailing_id: blackFriday, count: { op: "gte", value: 2 } }])],
        },
      },
      handWhere:
        `p.database_id = ${db} AND p.id IN (SELECT e.profile_id FROM events e` +
        ` WHERE e.database_id = ${db} AND e.mailing_id = ${blackFriday} AND e.type = 'clicked'` +
        ` GROUP BY e.profile_id HAVING count(*) >= 2)`,
    },
    {
      name: "Did not open an email in the last 90 days",
      rule: {
        conditions: {
          logic: "and",
          groups: [
            group([{ kind: "interaction", channel: "email", type: "opened", count: { op: "eq", value: 0 }, period: { last_days: 90 } }]),
          ],
        },
      },
      handWhere:
        `p.database_id = ${db} AND NOT EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'opened'` +
        ` AND e.channel = 'email' AND e.occurred_at >= ${ago(90)} AND e.occurred_at <= ${now})`,
    },
    {
      name: "Bought at least 3 times for over 50 in the last 180 days",
      rule: {
        conditions: {
          logic: "and",
          groups: [
            group([
              {
                kind: "event",
                type: "purchase",
                where: [{ property: "amount", op: "gt", value: 50 }],
                count: { op: "gte", value: 3 },
                period: { last_days: 180 },
              },
            ]),
          ],
        },
      },
      handWhere:
        `p.database_id = ${db} AND p.id IN (SELECT e.profile_id FROM events e WHERE e.database_id = ${db}` +
        ` AND e.type = 'purchase' AND e.occurred_at >= ${ago(180)} AND e.occurred_at <= ${now}` +
        ` AND (e.properties ->> 'amount')::numeric > 50 GROUP BY e.profile_id HAVING count(*) >= 3)`,
    },
    {
      name: "Combination with a limit: half the base, subscribed, big cities, bought in 90 days, never bounced or unsubscribed; first 5,000",
      rule: {
        range: { from: 0, to: 50 },
        limit: 5000,
        conditions: {
          logic: "and",
          groups: [
            group([
              { kind: "subscription", channel: "email", status: "subscribed" },
              { kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg", "Munich"] },
              { kind: "event", type: "purchase", period: { last_days: 90 } },
            ]),
            group(
              [
                { kind: "interaction", channel: "email", type: "bounced" },
                { kind: "interaction", channel: "email", type: "unsubscribed" },
              ],
              { logic: "or", not: true },
            ),
          ],
        },
      },
      handWhere:
        `p.database_id = ${db} AND p.range_key < ${half.hi} AND p.email_subscription = 'subscribed'` +
        ` AND p.fields ->> 'city' IN ('Berlin', 'Hamburg', 'Munich')` +
        ` AND EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type = 'purchase'` +
        ` AND e.occurred_at >= ${ago(90)} AND e.occurred_at <= ${now})` +
        ` AND NOT EXISTS (SELECT 1 FROM events e WHERE e.profile_id = p.id AND e.database_id = ${db} AND e.type IN ('bounced', 'unsubscribed') AND e.channel = 'email')`,
      limit: 5000,
    },
    {
      name: "Lapsed buyers: bought before, but not in the last 180 days",
      rule: {
        conditions: {
          logic: "and",
          groups: [
            group([
              { kind: "event", type: "purchase" },
              { kind: "event", type: "purchase", count: { op: "eq", value: 0 }, period: { last_days: 180 } },
            ]),
          ],
        },
      },
      handWhere:
        `p.database_id = ${db} AND EXISTS (SELECT 1 FROM events e WHERE e.database_id = ${db} AND e.profile_id = p.id AND e.type = 'purchase')` +
        ` AND NOT EXISTS (SELECT 1 FROM events e WHERE e.database_id = ${db} AND e.profile_id = p.id AND e.type = 'purchase'` +
        ` AND e.occurred_at >= ${ago(180)} AND e.occurred_at <= ${now})`,
    },
  ];
}

import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { makeSegment } from "@/db/testing/fixtures";
import { actingUser, addProfiles, makeDatabase } from "@/lib/segments/testing/fixtures";
import { composition } from "./composition";
import { engagement, topMailings } from "./engagement";
import { reachability } from "./reachability";
import { segmentSize } from "./size";
import { buildWorld, daysAgo, inIds, NOW, one, type World } from "./testing";

const admin = actingUser("admin");
const opts = { now: NOW };
let world: World;

beforeAll(async () => {
  world = await buildWorld(await getDb());
});

const n = (v: unknown) => Number(v ?? 0);

describe("size over time", () => {
  it("counts the selection now, the database, and lists every calculation of the update log", async () => {
    const db = await getDb();
    const size = await segmentSize(db, admin, world.segment.id, opts);
    const expected = await one<{ count: number; total: number }>(
      db,
      sql`select (select count(*) from profiles where ${inIds(sql`id`, world.selected)})::int as count,
                 (select count(*) from profiles where database_id = ${world.database.id})::int as total`,
    );
    const log = await queryRows<{ at: string | Date; count: string | number }>(
      db,
      sql`select at, count from segment_update_log where segment_id = ${world.segment.id} and kind = 'calculated' order by at`,
    );
    expect(size.count).toBe(expected.count);
    expect(size.count).toBe(7);
    expect(size.databaseTotal).toBe(expected.total);
    expect(size.share).toBeCloseTo(expected.count / expected.total, 10);
    expect(size.history).toEqual(log.map((l) => ({ at: new Date(l.at).toISOString(), count: n(l.count) })));
    expect(size.history.map((h) => h.count)).toEqual([5, 6, 7]);
  });

  it("takes only the first `limit` profiles of a limited segment", async () => {
    const size = await segmentSize(await getDb(), admin, world.limited.id, opts);
    expect(size.count).toBe(3);
    expect(size.history.map((h) => h.count)).toEqual([3]);
  });

  it("answers zero, not an error, for an empty selection without history", async () => {
    const size = await segmentSize(await getDb(), admin, world.empty.id, opts);
    expect(size).toMatchObject({ count: 0, share: 0, history: [] });
  });
});

describe("reachability", () => {
  const direct = async (ids: number[]) =>
    one<Record<string, number>>(
      await getDb(),
      sql`select count(*)::int as total,
        sum(case when email_subscription = 'subscribed' then 1 else 0 end)::int as email_subscribed,
        sum(case when email_subscription = 'unsubscribed' then 1 else 0 end)::int as email_unsubscribed,
        sum(case when email_subscription is null then 1 else 0 end)::int as email_none,
        sum(case when sms_subscription = 'subscribed' then 1 else 0 end)::int as sms_subscribed,
        sum(case when sms_subscription = 'unsubscribed' then 1 else 0 end)::int as sms_unsubscribed,
        sum(case when sms_subscription is null then 1 else 0 end)::int as sms_none,
        sum(case when push_subscription = 'subscribed' then 1 else 0 end)::int as push_subscribed,
        sum(case when push_subscription = 'unsubscribed' then 1 else 0 end)::int as push_unsubscribed,
        sum(case when push_subscription is null then 1 else 0 end)::int as push_none,
        sum(case when length(coalesce(email, '')) > 0 then 1 else 0 end)::int as has_email,
        sum(case when length(coalesce(phone, '')) > 0 then 1 else 0 end)::int as has_phone
      from profiles where ${inIds(sql`id`, ids)}`,
    );

  it("counts subscribed, unsubscribed and no status per channel, and who has an email or a phone", async () => {
    const r = await reachability(await getDb(), admin, world.segment.id, opts);
    const e = await direct(world.selected);
    expect(r.total).toBe(e.total);
    for (const c of r.channels) {
      expect({ channel: c.channel, subscribed: c.subscribed, unsubscribed: c.unsubscribed, none: c.none }).toEqual({
        channel: c.channel,
        subscribed: n(e[`${c.channel}_subscribed`]),
        unsubscribed: n(e[`${c.channel}_unsubscribed`]),
        none: n(e[`${c.channel}_none`]),
      });
    }
    expect(r.hasEmail).toBe(e.has_email);
    expect(r.hasPhone).toBe(e.has_phone);
    // an empty email or phone is no email or phone
    expect([r.hasEmail, r.hasPhone]).toEqual([4, 3]);
  });

  it("is all zeros for an empty selection", async () => {
    const r = await reachability(await getDb(), admin, world.empty.id, opts);
    expect(r.total).toBe(0);
    expect(r.channels.every((c) => c.subscribed + c.unsubscribed + c.none === 0)).toBe(true);
    expect([r.hasEmail, r.hasPhone]).toEqual([0, 0]);
  });
});

describe("engagement", () => {
  /** Written with count(distinct …) over the raw events, unlike the per-profile fold of the figure. */
  const direct = async (ids: number[] | null, days: number) => {
    const db = await getDb();
    const inSelection = ids ? inIds(sql`profile_id`, ids) : sql`true`;
    const interaction = (type: string) => sql`type = ${type}`;
    return one<Record<string, number | string>>(
      db,
      sql`select
        count(*) filter (where ${interaction("delivered")})::int as deliveries,
        count(distinct profile_id) filter (where ${interaction("delivered")})::int as delivered_profiles,
        count(*) filter (where ${interaction("opened")})::int as opens,
        count(distinct profile_id) filter (where ${interaction("opened")})::int as openers,
        count(*) filter (where ${interaction("clicked")})::int as clicks,
        count(distinct profile_id) filter (where ${interaction("clicked")})::int as clickers,
        count(*) filter (where type = 'purchase')::int as purchases,
        coalesce(sum((properties ->> 'amount')::numeric) filter (where type = 'purchase' and jsonb_typeof(properties -> 'amount') = 'number'), 0)::float8 as amount,
        count(distinct profile_id) filter (where type = 'purchase')::int as buyers,
        (select count(*) from profiles where database_id = ${world.database.id} and ${ids ? inIds(sql`id`, ids) : sql`true`})::int as profiles
      from events
      where database_id = ${world.database.id} and ${inSelection}
        and occurred_at between ${daysAgo(days).toISOString()}::timestamptz and ${NOW.toISOString()}::timestamptz`,
    );
  };
  const expectTotals = (actual: Awaited<ReturnType<typeof engagement>>["selection"], e: Record<string, number | string>) => {
    expect(actual).toEqual({
      profiles: n(e.profiles),
      deliveries: n(e.deliveries),
      opens: n(e.opens),
      clicks: n(e.clicks),
      deliveredProfiles: n(e.delivered_profiles),
      openers: n(e.openers),
      clickers: n(e.clickers),
      openRate: n(e.delivered_profiles) ? n(e.openers) / n(e.delivered_profiles) : null,
      clickRate: n(e.delivered_profiles) ? n(e.clickers) / n(e.delivered_profiles) : null,
      purchases: n(e.purchases),
      purchaseAmount: n(e.amount),
      buyers: n(e.buyers),
    });
  };

  it.each([7, 30, 90] as const)("over %i days: deliveries, opens, clicks, rates and purchases of the selection and of the database", async (days) => {
    const db = await getDb();
    const r = await engagement(db, admin, world.segment.id, days, opts);
    expect(r.days).toBe(days);
    expectTotals(r.selection, await direct(world.selected, days));
    expectTotals(r.database, await direct(null, days));
  });

  it("counts the boundary of the period, not the future, events with or without a mailing, and sums only numeric amounts", async () => {
    const r = await engagement(await getDb(), admin, world.segment.id, 7, opts);
    // p0 and p1 (spring), p4 (a mailing of another database) and p6 (no mailing, as an interaction condition counts it) within 7 days
    expect(r.selection).toMatchObject({ deliveries: 4, deliveredProfiles: 4, opens: 2, clicks: 4, clickers: 3, purchases: 3, purchaseAmount: 50, buyers: 1 });
    expect(r.database).toMatchObject({ deliveries: 5, purchases: 4, purchaseAmount: 150 });
    const ninety = await engagement(await getDb(), admin, world.segment.id, 90, opts);
    expect(ninety.selection.purchaseAmount).toBe(80.5);
  });

  it.each([7, 30, 90] as const)("of every profile of the database (no condition, no range, no limit) over %i days: the database's own figures", async (days) => {
    const db = await getDb();
    const r = await engagement(db, admin, world.everyone.id, days, opts);
    expectTotals(r.selection, await direct(null, days));
    expectTotals(r.database, await direct(null, days));
    expect(r.selection.deliveries).toBeGreaterThan(0);
    expect((await topMailings(db, admin, world.everyone.id, 30, opts)).mailings).toEqual(await expectedTopMailings(null));
  });

  it("has no rates, only zeros, for an empty selection", async () => {
    const r = await engagement(await getDb(), admin, world.empty.id, 30, opts);
    expect(r.selection).toMatchObject({ profiles: 0, deliveries: 0, opens: 0, clicks: 0, openRate: null, clickRate: null, purchases: 0, purchaseAmount: 0 });
    expectTotals(r.database, await direct(null, 30));
  });

  /** The top mailings written by hand: the mailings of the events of `ids` (null: every profile) in the last 30 days. */
  const expectedTopMailings = async (ids: number[] | null) => {
    const expected = await queryRows<{ mailing_id: number; name: string | null; deliveries: number; opens: number; clicks: number; clickers: number }>(
      await getDb(),
      sql`select e.mailing_id, (select m.name from mailings m where m.id = e.mailing_id and m.database_id = ${world.database.id}) as name,
          sum(case when e.type = 'delivered' then 1 else 0 end)::int as deliveries,
          sum(case when e.type = 'opened' then 1 else 0 end)::int as opens,
          sum(case when e.type = 'clicked' then 1 else 0 end)::int as clicks,
          count(distinct case when e.type = 'clicked' then e.profile_id end)::int as clickers
        from events e
        where e.database_id = ${world.database.id} and ${ids ? inIds(sql`e.profile_id`, ids) : sql`true`} and e.mailing_id is not null
          and e.occurred_at between ${daysAgo(30).toISOString()}::timestamptz and ${NOW.toISOString()}::timestamptz
        group by e.mailing_id`,
    );
    return expected
      .filter((r) => n(r.clicks) > 0)
      .sort((a, b) => n(b.clicks) - n(a.clicks) || n(a.mailing_id) - n(b.mailing_id))
      .map((r) => ({
        mailingId: n(r.mailing_id),
        name: r.name ?? `Mailing #${r.mailing_id}`,
        deliveries: n(r.deliveries),
        opens: n(r.opens),
        clicks: n(r.clicks),
        clickers: n(r.clickers),
      }));
  };

  it("lists the top mailings by clicks with their deliveries and opens; a mailing of another database lends no name", async () => {
    const db = await getDb();
    const { mailings } = await topMailings(db, admin, world.segment.id, 30, opts);
    const want = await expectedTopMailings(world.selected);
    expect(mailings).toEqual(want);
    expect(mailings[0]).toMatchObject({ name: "Spring sale", clicks: 3, clickers: 2 });
    expect(mailings.find((m) => m.mailingId === world.mailings.foreign.id)?.name).toBe(`Mailing #${world.mailings.foreign.id}`);
    expect((await topMailings(db, admin, world.empty.id, 30, opts)).mailings).toEqual([]);
  });
});

describe("composition", () => {
  it("strings: the most frequent values, with empty ones counted apart", async () => {
    const db = await getDb();
    const c = await composition(db, admin, world.segment.id, "city", opts);
    const rows = await queryRows<{ value: string | null; n: number }>(
      db,
      sql`select case when fields ->> 'city' = '' then null else fields ->> 'city' end as value, count(*)::int as n
          from profiles where ${inIds(sql`id`, world.selected)} group by 1`,
    );
    if (c?.kind !== "string") throw new Error("expected a string composition");
    const values = rows.filter((r) => r.value !== null).map((r) => ({ value: r.value!, count: n(r.n) }));
    expect(c.values).toEqual(values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)));
    expect(c.empty).toBe(n(rows.find((r) => r.value === null)?.n));
    expect(c.total).toBe(world.selected.length);
    expect([c.empty, c.other, c.otherValues]).toEqual([2, 0, 0]);
  });

  it("numbers: nice equal-width buckets whose counts match a direct count, plus empty and non-numeric values", async () => {
    const db = await getDb();
    const c = await composition(db, admin, world.segment.id, "points", opts);
    if (c?.kind !== "number") throw new Error("expected a number composition");
    // values 0, 10, 25.5, 40: a span of 40 makes steps of 5, the last bucket holding the maximum
    expect(c.buckets.map((b) => [b.from, b.to])).toEqual([0, 5, 10, 15, 20, 25, 30, 35].map((f) => [f, f + 5]));
    const last = c.buckets.length - 1;
    for (const [i, b] of c.buckets.entries()) {
      const e = await one<{ n: number }>(
        db,
        sql`select count(*)::int as n from profiles where ${inIds(sql`id`, world.selected)}
            and jsonb_typeof(fields -> 'points') = 'number'
            and (fields ->> 'points')::numeric >= ${b.from} and ${i === last ? sql`(fields ->> 'points')::numeric <= ${b.to}` : sql`(fields ->> 'points')::numeric < ${b.to}`}`,
      );
      expect([i, b.count]).toEqual([i, n(e.n)]);
    }
    const e = await one<{ empty: number; invalid: number }>(
      db,
      sql`select sum(case when coalesce(fields ->> 'points', '') = '' then 1 else 0 end)::int as empty,
                 sum(case when coalesce(fields ->> 'points', '') <> '' and jsonb_typeof(fields -> 'points') <> 'number' then 1 else 0 end)::int as invalid
          from profiles where ${inIds(sql`id`, world.selected)}`,
    );
    expect([c.empty, c.invalid, c.total]).toEqual([n(e.empty), n(e.invalid), world.selected.length]);
  });

  it("dates: buckets by month over a two-year span, every month between present, empty and unreadable dates apart", async () => {
    const db = await getDb();
    const c = await composition(db, admin, world.segment.id, "joined", opts);
    if (c?.kind !== "date") throw new Error("expected a date composition");
    expect(c.unit).toBe("month");
    const rows = await queryRows<{ month: string; n: number }>(
      db,
      sql`select substr(fields ->> 'joined', 1, 7) || '-01' as month, count(*)::int as n from profiles
          where ${inIds(sql`id`, world.selected)} and fields ->> 'joined' ~ '^\\d{4}-\\d{2}-\\d{2}' group by 1`,
    );
    const byMonth = new Map(rows.map((r) => [r.month, n(r.n)]));
    expect(c.buckets[0].start).toBe("2024-01-01");
    expect(c.buckets.at(-1)!.start).toBe("2026-01-01");
    expect(c.buckets).toHaveLength(25);
    for (const b of c.buckets) expect([b.start, b.count]).toEqual([b.start, byMonth.get(b.start) ?? 0]);
    expect([c.empty, c.invalid]).toEqual([2, 1]);
  });

  it("booleans: true, false, empty and other values", async () => {
    const db = await getDb();
    const c = await composition(db, admin, world.segment.id, "vip", opts);
    if (c?.kind !== "boolean") throw new Error("expected a boolean composition");
    const e = await one<Record<string, number>>(
      db,
      sql`select sum(case when jsonb_typeof(fields -> 'vip') = 'boolean' and (fields ->> 'vip')::boolean then 1 else 0 end)::int as yes,
                 sum(case when jsonb_typeof(fields -> 'vip') = 'boolean' and not (fields ->> 'vip')::boolean then 1 else 0 end)::int as no,
                 sum(case when coalesce(fields ->> 'vip', '') = '' then 1 else 0 end)::int as empty,
                 count(*)::int as total
          from profiles where ${inIds(sql`id`, world.selected)}`,
    );
    expect({ yes: c.yes, no: c.no, empty: c.empty, total: c.total }).toEqual({ yes: n(e.yes), no: n(e.no), empty: n(e.empty), total: n(e.total) });
    expect(c.invalid).toBe(1);
  });

  it("an unknown field falls back to the first field; an empty selection has no values or buckets", async () => {
    const db = await getDb();
    expect((await composition(db, admin, world.segment.id, "nope", opts))?.field.key).toBe("city");
    for (const key of ["city", "points", "joined", "vip"]) {
      const c = await composition(db, admin, world.empty.id, key, opts);
      expect(c).toMatchObject({ total: 0, empty: 0 });
      if (c?.kind === "string") expect(c.values).toEqual([]);
      if (c?.kind === "number" || c?.kind === "date") expect(c.buckets).toEqual([]);
    }
  });

  it("strings: beyond the ten most frequent values, the rest is counted as other values", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "tier", type: "string" }]);
    // value i appears i times (1..13), plus two profiles without a tier
    const list = Array.from({ length: 13 }, (_, i) => Array.from({ length: i + 1 }, () => ({ fields: { tier: `t${String(i + 1).padStart(2, "0")}` } }))).flat();
    await addProfiles(db, database.id, [...list, { fields: {} }, { fields: { tier: "" } }]);
    const segment = await makeSegment({ databaseId: database.id });
    const c = await composition(db, admin, segment.id, "tier", opts);
    if (c?.kind !== "string") throw new Error("expected a string composition");
    expect(c.values.map((v) => [v.value, v.count])).toEqual(Array.from({ length: 10 }, (_, i) => [`t${String(13 - i).padStart(2, "0")}`, 13 - i]));
    expect({ total: c.total, empty: c.empty, other: c.other, otherValues: c.otherValues }).toEqual({ total: 93, empty: 2, other: 1 + 2 + 3, otherValues: 3 });
  });

  it("a database without custom fields has no composition", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    await addProfiles(db, database.id, [{}]);
    const segment = await makeSegment({ databaseId: database.id });
    expect(await composition(db, admin, segment.id, undefined, opts)).toBeNull();
  });

  it("limited segments break down their first `limit` profiles only", async () => {
    const c = await composition(await getDb(), admin, world.limited.id, "city", opts);
    if (c?.kind !== "string") throw new Error("expected a string composition");
    expect(c.values).toEqual([
      { value: "Berlin", count: 2 },
      { value: "Hamburg", count: 1 },
    ]);
  });
});

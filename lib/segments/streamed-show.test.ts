/**
 * Show of a rule that requires membership of a limited segment reads the profiles in `id` order with
 * the segment's verdict and running count as columns (compile.ts, `streamedPage`), so that it stops
 * after its page instead of computing the limited set first. It must select exactly what SPEC §2 says
 * (checked against the reference evaluator, at one and two levels of limited nesting, beside rules that
 * do not take the form) and, on PostgreSQL, read only the profiles up to its page.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, queryRows, type Db } from "@/db/client";
import { dynamicSegments } from "@/db/schema";
import { PgDialect } from "drizzle-orm/pg-core";
import { calculateQuery, selectionCountQuery, type CompiledSelection } from "./compile";
import { funnelOfSelection, funnelQuery } from "./funnel";
import { ruleLabelOptions } from "./labels";
import { calculateSelection, countSettings, PAGE_SETTINGS, prepareSelection, selectionPageQuery, showSelection, streamSelection, SHOW_LIMIT } from "./selection";
import { explainPlan, nodeRows, planNodes, type PlanNode } from "./testing/plans";
import { evaluateReference, type Json } from "./testing/reference";
import { createSqlWorld } from "./testing/sql-world";
import { addDynamicSegment, admin, createWorld, NOW, type World } from "./testing/world";

const PROFILES = 600;
const dialect = new PgDialect();
const group = (conditions: Json[], logic: "and" | "or" = "and", not = false) => ({ logic, not, conditions });
const member = (id: number, is = true) => ({ kind: "segment", segment_type: "dynamic", segment_id: id, member: is });
const hasEmail = { kind: "field", field: "email", op: "not_empty" };
const subscribed = { kind: "subscription", channel: "email", status: "subscribed" };
const opened = { kind: "interaction", type: "opened", channel: "email" };

type Rule = { range: { from: number; to: number }; conditions: Json; limit: number | null };
type Ids = { first: number; second: number; plain: number; openers: number };

/** Rules over the saved segments `first` (limited), `second` (limited, requires `first`) and `plain` (no limit, requires `first`); `streams`: whether Show takes the streamed form. */
const CASES: { name: string; streams: boolean; rule: (ids: Ids) => Rule }[] = [
  { name: "member of a limited segment", streams: true, rule: ({ first }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(first)])] }, limit: null }) },
  {
    name: "member of a limited segment and subscribed, in a range",
    streams: true,
    rule: ({ first }) => ({ range: { from: 20, to: 80 }, conditions: { logic: "and", groups: [group([member(first), subscribed])] }, limit: null }),
  },
  { name: "member of a limited segment that requires another (two levels)", streams: true, rule: ({ second }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(second)])] }, limit: null }) },
  {
    name: "member of both, the one requiring the other, with a limit",
    streams: true,
    rule: ({ first, second }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(second)]), group([member(first)])] }, limit: 40 }),
  },
  {
    name: "required, and in a not group too",
    streams: true,
    rule: ({ first, second }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(first)]), group([member(second), opened], "or", true)] }, limit: null }),
  },
  {
    name: "member of an unlimited segment that requires a limited one",
    streams: false,
    rule: ({ plain }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(plain), opened])] }, limit: null }),
  },
  { name: "membership under OR", streams: false, rule: ({ first }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "or", groups: [group([member(first)]), group([subscribed])] }, limit: null }) },
  { name: "membership in a not group", streams: false, rule: ({ first }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(first)], "and", true)] }, limit: null }) },
  { name: "non-membership", streams: false, rule: ({ second }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(second, false), hasEmail])] }, limit: null }) },
  // `openers` is one "at least once" event condition in a part of the range: its first ids come from the events alone.
  { name: "member of a limited segment of one event condition", streams: true, rule: ({ openers }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(openers)])] }, limit: null }) },
  {
    name: "non-member of a limited segment of one event condition",
    streams: false,
    rule: ({ openers }) => ({ range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(openers, false), subscribed])] }, limit: null }),
  },
];

/** Whether a rule asks nothing but membership of one segment, over the whole range. */
function membershipAlone(rule: Rule): boolean {
  const groups = (rule.conditions as { groups: { not: boolean; conditions: { kind: string; member?: boolean }[] }[] }).groups;
  const only = groups.length === 1 && !groups[0].not && groups[0].conditions.length === 1 ? groups[0].conditions[0] : null;
  return rule.range.from === 0 && rule.range.to === 100 && only?.kind === "segment" && only.member === true;
}

async function saveSegments(db: Db, world: Pick<World, "databaseId"> & Partial<World>, save: typeof addDynamicSegment, limits: [number, number]): Promise<Ids> {
  const first = await save(db, world as World, { range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([hasEmail])] }, limit: limits[0] }, "First");
  const second = await save(db, world as World, { range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(first), subscribed])] }, limit: limits[1] }, "Second");
  const plain = await save(db, world as World, { range: { from: 10, to: 100 }, conditions: { logic: "and", groups: [group([member(first)])] }, limit: null }, "Plain");
  const openers = await save(db, world as World, { range: { from: 10, to: 90 }, conditions: { logic: "and", groups: [group([opened])] }, limit: Math.round(limits[0] / 5) }, "Openers");
  return { first, second, plain, openers };
}

describe("Show of a rule that requires a limited segment", () => {
  let db: Db;
  let world: World;
  let ids: Ids;
  beforeAll(async () => {
    db = await getDb();
    world = await createWorld(db, 20261207, PROFILES);
    ids = await saveSegments(db, world, addDynamicSegment, [300, 60]);
  });

  for (const { name, streams, rule: ruleOf } of CASES) {
    it(`${name}: the first page, and every page of a stream, are the reference's profiles (${streams ? "streamed form" : "limited sets"})`, async () => {
      const input = { databaseId: world.databaseId, ...ruleOf(ids) };
      const expected = evaluateReference(world, input, NOW);
      expect(expected.length).toBeGreaterThan(0);
      const { selection } = await prepareSelection(db, admin, input, { now: NOW });
      expect(selection.page(true).streamed).toBe(streams);
      // Calculate without a limit joins the limited sets it requires, in id order (compile.ts, `joinedCount`).
      // Membership of one limited segment and nothing else counts that segment's ids without joining the profiles back.
      const alone = membershipAlone(input);
      const counted = dialect.sqlToQuery(calculateQuery(selection)).sql;
      expect(counted.includes(" join (select") || alone).toBe(streams && input.limit === null);
      expect({ name, joinsProfilesBack: /from profiles p (left join "limited_\d+" \w+ on \S+ = \S+ )*join \(select/.test(counted) }).toEqual({ name, joinsProfilesBack: streams && input.limit === null && !alone });
      expect(dialect.sqlToQuery(selectionCountQuery(selection)).sql.includes(" join (select")).toBe(false);
      // Every other limited segment is left-joined, its membership a null test: a SubPlan over the CTE would keep the scan of the profiles out of parallel workers.
      expect({ name, subPlan: / in \(select "c\d+"\."id" from "limited_/.test(counted.slice(counted.lastIndexOf("from profiles p "))) }).toEqual({ name, subPlan: input.limit !== null });
      expect((await calculateSelection(db, admin, input, { now: NOW })).count).toBe(expected.length);
      const shown = await showSelection(db, admin, input, { now: NOW });
      expect(shown.map((p) => p.id)).toEqual(expected.slice(0, SHOW_LIMIT));
      const streamed: number[] = [];
      for await (const page of streamSelection(db, admin, input, { now: NOW, pageSize: 25 })) streamed.push(...page.map((p) => p.id));
      expect(streamed).toEqual(expected);
    });
  }
});

describe("the funnel of a rule with limited nested segments", () => {
  it("joins their first ids in id order without nested loops, and ends at the reference's count", async () => {
    const db = await getDb();
    const world = await createWorld(db, 20261211, PROFILES);
    const ids = await saveSegments(db, world, addDynamicSegment, [300, 60]);
    for (const { name, rule: ruleOf } of CASES) {
      const input = { databaseId: world.databaseId, ...ruleOf(ids) };
      const prepared = await prepareSelection(db, admin, input, { now: NOW });
      const { settings } = funnelQuery(prepared.rule, prepared.ctx, prepared.now, await ruleLabelOptions(db, prepared.rule, prepared.ctx));
      const limitedNested = name !== "member of an unlimited segment that requires a limited one";
      expect({ name, settings }).toEqual({ name, settings: limitedNested ? [{ name: "enable_nestloop", value: "off" }] : [] });
      const funnel = await funnelOfSelection(db, admin, input, { now: NOW });
      expect({ name, count: funnel.count }).toEqual({ name, count: evaluateReference(world, input, NOW).length });
    }
  });
});

/** The rows each LIMIT node of the plan yielded, over all its loops. */
const limitRows = (plan: PlanNode): number[] => planNodes(plan).filter((n) => n["Node Type"] === "Limit").map((n) => nodeRows(n));

/** Rows of `table` that the plan's scans produced or filtered out, over all their loops. */
const rowsRead = (plan: PlanNode, table: string): number => planNodes(plan).filter((n) => n["Relation Name"] === table).reduce((sum, n) => sum + nodeRows(n, true), 0);

/** Saves a dynamic segment in a world built by SQL (createSqlWorld), which has no reference data to add it to. */
async function save(db: Db, w: Pick<World, "databaseId">, rule: Rule, name: string): Promise<number> {
  const [row] = await db
    .insert(dynamicSegments)
    .values({ name, databaseId: w.databaseId, rangeFrom: rule.range.from, rangeTo: rule.range.to, conditions: JSON.parse(JSON.stringify(rule.conditions)), limit: rule.limit })
    .returning({ id: dynamicSegments.id });
  return row.id;
}

describe.runIf(process.env.TEST_DB_KIND === "postgres")("the streamed Show stops after its page", () => {
  it("reads the profiles up to its page, not the whole limited set (one and two levels), over 20,000 profiles", async () => {
    const db = await getDb();
    const world = await createSqlWorld(db, 20261207, 20_000);
    // Limits that reach far into the profiles: computing a limited set first reads thousands of them.
    const ids = await saveSegments(db, world as unknown as World, save, [8_000, 2_000]);
    for (const { name, rule: ruleOf } of CASES.slice(0, 3)) {
      const query = selectionPageQuery((await prepareSelection(db, admin, { databaseId: world.databaseId, ...ruleOf(ids) }, { now: NOW })).selection, { pageSize: SHOW_LIMIT });
      const read = rowsRead(await explainPlan(db, query), "profiles");
      // A page of 100 needs a few hundred profiles here (about half have an email, a third are subscribed).
      expect(read, `${name}: ${read} rows of profiles read`).toBeLessThan(2_000);
    }
    // A limited segment of an event condition: its verdict probes each profile's events (a hashed set
    // of every opener would read them all).
    const openers = await save(db, world as unknown as World, { range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([opened, subscribed])] }, limit: 8_000 }, "Subscribed openers");
    const query = selectionPageQuery(
      (await prepareSelection(db, admin, { databaseId: world.databaseId, range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [group([member(openers)])] }, limit: null }, { now: NOW })).selection,
      { pageSize: SHOW_LIMIT },
    );
    const plan = await explainPlan(db, query);
    expect(rowsRead(plan, "profiles"), "member of openers: profiles read").toBeLessThan(5_000);
    expect(rowsRead(plan, "events"), "member of openers: events read").toBeLessThan(1_200);
  });

  it("Calculate without a limit computes a limited set that another requires only as far as that one needs it, and counts what the limited sets do", async () => {
    const db = await getDb();
    const world = await createSqlWorld(db, 20261209, 20_000);
    // `first` takes the first 4,000 profiles with an email (about 8,000 profiles in); `second` its first 500 subscribed ones (about 1,500 in).
    const ids = await saveSegments(db, world as unknown as World, save, [4_000, 500]);
    for (const { name, rule: ruleOf } of [CASES[0], CASES[2]]) {
      const { selection } = await prepareSelection(db, admin, { databaseId: world.databaseId, ...ruleOf(ids) }, { now: NOW });
      const asSets: CompiledSelection = { ...selection, joinedCount: () => null };
      const count = async (s: CompiledSelection) => Number((await queryRows<{ count: number }>(db, calculateQuery(s)))[0].count);
      expect(await count(selection), name).toBe(await count(asSets));
      if (name !== CASES[2].name) continue;
      // As limited sets, `first` is computed whole (a LIMIT node yields all 4,000); joined, only as far as `second` reaches.
      const most = async (s: CompiledSelection) => Math.max(...limitRows(await explainPlan(db, calculateQuery(s), { settings: countSettings(selection) })));
      expect(await most(asSets), `${name}: as limited sets`).toBe(4_000);
      expect(await most(selection), `${name}: joined`).toBeLessThan(2_000);
    }
  });

  it("a page of an OR rule probes the events of the profiles it reads, not every matching event", async () => {
    const db = await getDb();
    const world = await createSqlWorld(db, 20261210, 20_000);
    // Opens are common and clicks rarer: a hashed set of either would read every one of them.
    const clicked = { kind: "interaction", type: "clicked" };
    const city = { kind: "field", field: "city", op: "eq", value: "Berlin" };
    for (const [name, conditions] of [
      ["an OR group: opened, or clicked, or in Berlin", { logic: "and", groups: [group([opened, clicked, city], "or")] }],
      ["groups joined by OR", { logic: "or", groups: [group([opened, subscribed]), group([clicked])] }],
    ] as const) {
      const prepared = await prepareSelection(db, admin, { databaseId: world.databaseId, range: { from: 0, to: 100 }, conditions, limit: null }, { now: NOW });
      const plan = await explainPlan(db, selectionPageQuery(prepared.selection, { pageSize: SHOW_LIMIT }), { settings: PAGE_SETTINGS });
      const events = rowsRead(plan, "events");
      expect(events, `${name}: ${events} events read`).toBeLessThan(1_000);
    }
  });

  it("a page of a 'did not' rule probes the events of the profiles it reads, not every matching event", async () => {
    const db = await getDb();
    const world = await createSqlWorld(db, 20261208, 20_000);
    // Most profiles opened nothing in 7 days: the page is found among the first few hundred profiles.
    const didNot = { kind: "interaction", type: "opened", count: { op: "eq", value: 0 }, period: { last_days: 7 } };
    for (const [name, conditions] of [
      ["did not open", { logic: "and", groups: [group([didNot])] }],
      ["did not open, and not a member of a static segment", { logic: "and", groups: [group([didNot, { kind: "segment", segment_type: "static", segment_id: world.staticIds[0], member: false }])] }],
    ] as const) {
      const prepared = await prepareSelection(db, admin, { databaseId: world.databaseId, range: { from: 0, to: 100 }, conditions, limit: null }, { now: NOW });
      const query = selectionPageQuery(prepared.selection, { pageSize: SHOW_LIMIT });
      const plan = await explainPlan(db, query);
      const events = rowsRead(plan, "events");
      const members = rowsRead(plan, "static_segment_members");
      expect(events, `${name}: ${events} events read`).toBeLessThan(1_000);
      expect(members, `${name}: ${members} members read`).toBeLessThan(1_000);
    }
  });
});

import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { PgDialect } from "drizzle-orm/pg-core";
import { selectionCountQuery } from "./compile";
import { funnelOfSelection, funnelQuery } from "./funnel";
import { ruleLabelOptions } from "./labels";
import { calculateSelection, prepareSelection } from "./selection";
import { evaluateReference, type Json } from "./testing/reference";
import { addDynamicSegment, admin, createWorld, NOW } from "./testing/world";

/**
 * Calculate of one `and` group of event conditions on the same events counts them from one aggregate
 * over those events (compile-events.ts `sharedEventsProfiles`, e.g. "bought before, but not in the last
 * 180 days"). Each rule below is counted by the app and by the reference evaluator of SPEC §2 on a
 * generated world, on both databases. The condition funnel decides such conditions from one aggregate
 * too (funnel.ts, `sharedAggregates`), and its every step is checked against the reference.
 */
const dialect = new PgDialect();
const purchase = { kind: "event", type: "purchase" } as const;
const opened = { kind: "interaction", type: "opened", channel: "email" } as const;
const group = (...conditions: Json[]) => ({ logic: "and", groups: [{ logic: "and", not: false, conditions }] }) as Json;

const rules: { name: string; conditions: Json; shared: boolean }[] = [
  { name: "bought before, but not in the last 30 days", conditions: group(purchase, { ...purchase, count: { op: "eq", value: 0 }, period: { last_days: 30 } }), shared: true },
  { name: "opened at least twice in 90 days and at least once in 7", conditions: group({ ...opened, count: { op: "gte", value: 2 }, period: { last_days: 90 } }, { ...opened, period: { last_days: 7 } }), shared: true },
  { name: "opened fewer than 3 times ever, at least once in 30 days", conditions: group({ ...opened, count: { op: "lt", value: 3 } }, { ...opened, period: { last_days: 30 } }), shared: true },
  { name: "exactly one purchase in a fixed period, and at most 2 in 90 days", conditions: group({ ...purchase, count: { op: "eq", value: 1 }, period: { from: "2026-01-01", to: "2026-03-01" } }, { ...purchase, count: { op: "lte", value: 2 }, period: { last_days: 90 } }), shared: true },
  { name: "a purchase over 50, none in 7 days", conditions: group({ ...purchase, where: [{ property: "amount", op: "gt", value: 50 }] }, { ...purchase, where: [{ property: "amount", op: "gt", value: 50 }], count: { op: "eq", value: 0 }, period: { last_days: 7 } }), shared: true },
  { name: "did not open in 7 days, fewer than 2 in 30 (holds without events: not shared)", conditions: group({ ...opened, count: { op: "eq", value: 0 }, period: { last_days: 7 } }, { ...opened, count: { op: "lt", value: 2 }, period: { last_days: 30 } }), shared: false },
  { name: "different types (not shared)", conditions: group(purchase, { ...opened, period: { last_days: 30 } }), shared: false },
  // Every group of a profile's purchases holds "at least once, ever": no HAVING test is left.
  { name: "bought, and bought at least once ever", conditions: group(purchase, { ...purchase, count: { op: "gte", value: 1 } }), shared: true },
];

describe("an and-group of event conditions on the same events is counted from one aggregate", () => {
  it("counts what the reference evaluator selects, for every range, with and without the shared form", async () => {
    const db = await getDb();
    const world = await createWorld(db, 20261207, 400);
    let nonEmpty = 0;
    for (const { name, conditions, shared } of rules) {
      for (const range of [{ from: 0, to: 100 }, { from: 25, to: 80 }]) {
        const input = { databaseId: world.databaseId, range, conditions, limit: null };
        const { selection } = await prepareSelection(db, admin, input, { now: NOW });
        const text = dialect.sqlToQuery(selectionCountQuery(selection)).sql;
        // The shared form reads events alone; the others keep their WHERE over profiles.
        expect({ name, shared: !/from profiles/.test(text) && /group by/.test(text) }).toEqual({ name, shared });
        // "At least once, ever" holds for every group of events: it adds no test.
        if (shared) expect({ name, test: /count\(\*\) >= /.test(text) }).toEqual({ name, test: false });
        const expected = evaluateReference(world, { databaseId: world.databaseId, range, conditions, limit: null }, NOW).length;
        const { count } = await calculateSelection(db, admin, input, { now: NOW });
        expect({ name, range, count }).toEqual({ name, range, count: expected });
        if (expected > 0) nonEmpty++;
      }
    }
    // The world must give most rules real answers, or agreement proves little.
    expect(nonEmpty).toBeGreaterThanOrEqual(8);
  });
});

type Group = { logic: "and" | "or"; not: boolean; conditions: Json[] };

/** What each funnel step keeps, by the reference evaluator: the range, each group's steps and pass, the groups combined, the limit. */
function referenceSteps(world: Parameters<typeof evaluateReference>[0], databaseId: number, rule: { range: { from: number; to: number }; conditions: { logic: "and" | "or"; groups: Group[] }; limit: number | null }): number[] {
  const count = (conditions: Json, limit: number | null = null) => evaluateReference(world, { databaseId, range: rule.range, conditions, limit }, NOW).length;
  const only = (group: Group) => ({ logic: "and", groups: [group] }) as Json;
  const steps = [world.profiles.filter((p) => p.databaseId === databaseId).length, count(null)];
  for (const group of rule.conditions.groups) {
    group.conditions.forEach((_, i) => {
      const conditions = group.logic === "and" ? group.conditions.slice(0, i + 1) : [group.conditions[i]];
      steps.push(count(only({ logic: "and", not: false, conditions })));
    });
    steps.push(count(only(group)));
  }
  steps.push(count(rule.conditions as Json));
  if (rule.limit !== null) steps.push(count(rule.conditions as Json, rule.limit));
  return steps;
}

describe("the condition funnel decides event conditions on the same events from one aggregate", () => {
  const field = { kind: "field", field: "city", op: "eq", value: "Berlin" } as const;
  const g = (logic: "and" | "or", conditions: Json[], not = false): Group => ({ logic, not, conditions });
  const funnelRules: { name: string; conditions: { logic: "and" | "or"; groups: Group[] }; limit: number | null; aggregates: number }[] = [
    ...rules.filter((r) => r.shared).map((r) => ({ name: r.name, conditions: r.conditions as { logic: "and"; groups: Group[] }, limit: null, aggregates: 1 })),
    {
      name: "the same events across two groups, with a field condition and a limit",
      conditions: { logic: "or", groups: [g("and", [field, purchase]), g("or", [{ ...purchase, count: { op: "gte", value: 2 }, period: { last_days: 90 } }, { ...opened, period: { last_days: 30 } }])] },
      limit: 20,
      aggregates: 1,
    },
    {
      name: "two kinds, a not group, and a condition that holds without events",
      conditions: {
        logic: "and",
        groups: [
          g("and", [{ ...opened, count: { op: "lte", value: 1 }, period: { last_days: 90 } }, { ...opened, period: { last_days: 7 } }], true),
          g("and", [purchase, { ...purchase, count: { op: "eq", value: 0 }, period: { last_days: 30 } }, field]),
        ],
      },
      limit: null,
      aggregates: 2,
    },
  ];

  it("counts every step as the reference evaluator does, for every range", async () => {
    const db = await getDb();
    const world = await createWorld(db, 20261208, 400);
    let nonEmpty = 0;
    for (const { name, conditions, limit, aggregates } of funnelRules) {
      for (const range of [{ from: 0, to: 100 }, { from: 25, to: 80 }]) {
        const input = { databaseId: world.databaseId, range, conditions: conditions as Json, limit };
        const prepared = await prepareSelection(db, admin, input, { now: NOW });
        const { statement } = funnelQuery(prepared.rule, prepared.ctx, prepared.now, await ruleLabelOptions(db, prepared.rule, prepared.ctx));
        // One aggregate per kind of events that two or more conditions share.
        expect({ name, aggregates: new Set(dialect.sqlToQuery(statement).sql.match(/from events "?ke\d+"?/g)).size }).toEqual({ name, aggregates });
        const funnel = await funnelOfSelection(db, admin, input, { now: NOW });
        const expected = referenceSteps(world, world.databaseId, { range, conditions, limit });
        expect({ name, range, steps: funnel.steps.map((s) => s.count) }).toEqual({ name, range, steps: expected });
        if (expected[expected.length - 1] > 0) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(6);
  });
});

describe("the funnel of a rule whose steps all hinge on one unlimited nested segment", () => {
  const hasEmail = { kind: "field", field: "email", op: "not_empty" } as const;
  const g = (logic: "and" | "or", conditions: Json[], not = false): Group => ({ logic, not, conditions });
  const member = (id: number, is = true) => ({ kind: "segment", segment_type: "dynamic", segment_id: id, member: is });

  it("reads that selection's own rows instead of joining its ids back, and counts every step as the reference does", async () => {
    const db = await getDb();
    const world = await createWorld(db, 20261209, 400);
    const engaged = await addDynamicSegment(db, world, { range: { from: 10, to: 95 }, conditions: group({ kind: "subscription", channel: "email", status: "subscribed" }, { ...opened, period: { last_days: 90 } }), limit: null }, "Engaged");
    const limited = await addDynamicSegment(db, world, { range: { from: 0, to: 100 }, conditions: group(purchase), limit: 30 }, "First buyers");
    const engagedBuyers = await addDynamicSegment(db, world, { range: { from: 0, to: 100 }, conditions: group(member(engaged), member(limited)), limit: null }, "Engaged first buyers");
    const cases: { name: string; conditions: { logic: "and" | "or"; groups: Group[] }; ownRows: boolean }[] = [
      { name: "member, and with an email", conditions: { logic: "and", groups: [g("and", [member(engaged), hasEmail])] }, ownRows: true },
      { name: "member, and bought", conditions: { logic: "and", groups: [g("and", [member(engaged), purchase, hasEmail])] }, ownRows: true },
      { name: "member, or with an email (two atoms bound the steps)", conditions: { logic: "and", groups: [g("or", [member(engaged), hasEmail])] }, ownRows: false },
      { name: "not a member, and with an email", conditions: { logic: "and", groups: [g("and", [hasEmail, member(engaged, false)])] }, ownRows: false },
      { name: "member of a segment that needs a limited one (its ids, joined)", conditions: { logic: "and", groups: [g("and", [member(engagedBuyers), hasEmail])] }, ownRows: false },
    ];
    let nonEmpty = 0;
    for (const { name, conditions, ownRows } of cases) {
      for (const range of [{ from: 0, to: 100 }, { from: 25, to: 80 }]) {
        const input = { databaseId: world.databaseId, range, conditions: conditions as Json, limit: null };
        const prepared = await prepareSelection(db, admin, input, { now: NOW });
        const { statement } = funnelQuery(prepared.rule, prepared.ctx, prepared.now, await ruleLabelOptions(db, prepared.rule, prepared.ctx));
        expect({ name, ownRows: !/left join \(select n\.id from/.test(dialect.sqlToQuery(statement).sql) }).toEqual({ name, ownRows });
        const funnel = await funnelOfSelection(db, admin, input, { now: NOW });
        const expected = referenceSteps(world, world.databaseId, { range, conditions, limit: null });
        expect({ name, range, steps: funnel.steps.map((s) => s.count) }).toEqual({ name, range, steps: expected });
        if (expected[expected.length - 1] > 0) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(6);
  });
});

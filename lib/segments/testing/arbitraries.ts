/**
 * fast-check generators of valid selection rules over a test world: every condition kind and every
 * operator, values drawn from the same pools as the data (so that equality and boundaries hit), random
 * AND/OR/NOT structure, ranges and limits.
 */
import fc from "fast-check";
import { OPERATORS_BY_TYPE, SYSTEM_FIELDS, type FieldOperator, type FieldType } from "../fields";
import { INTERACTION_TYPES } from "../script";
import type { Json } from "./reference";
import { CUSTOM_FIELDS, POOLS } from "./world";

const sortedPair = <T>(arb: fc.Arbitrary<T>, cmp: (a: T, b: T) => number) =>
  fc.tuple(arb, arb).map(([a, b]) => (cmp(a, b) <= 0 ? [a, b] : [b, a]));

const conditionDates = POOLS.dates;
const dateOrder = (a: string, b: string) => new Date(a.length === 10 ? `${a}T00:00:00Z` : a).getTime() - new Date(b.length === 10 ? `${b}T00:00:00Z` : b).getTime();

/** A value suited to an operator on a field (or property) of a type. */
function valueFor(type: FieldType, op: FieldOperator, ids: number[]): fc.Arbitrary<Json | undefined> {
  if (["empty", "not_empty", "is_true", "is_false"].includes(op)) return fc.constant(undefined);
  const numbers = ids.length ? fc.oneof(fc.constantFrom(...ids), fc.constantFrom(...ids).map((i) => i + 0.5)) : fc.constantFrom(...POOLS.numbers);
  switch (type) {
    case "string":
      if (op === "in" || op === "not_in") return fc.array(fc.constantFrom(...POOLS.strings), { minLength: 1, maxLength: 3 });
      return fc.constantFrom(...POOLS.strings);
    case "number":
      if (op === "in" || op === "not_in") return fc.array(numbers, { minLength: 1, maxLength: 3 });
      if (op === "between") return sortedPair(numbers, (a, b) => a - b);
      return numbers;
    case "date":
      if (["within_last_days", "within_next_days", "more_than_days_ago"].includes(op)) return fc.constantFrom(...POOLS.days);
      if (op === "between") return sortedPair(fc.constantFrom(...conditionDates), dateOrder);
      return fc.constantFrom(...conditionDates);
    default:
      return fc.constant(undefined);
  }
}

function withValue(base: Record<string, Json>, value: Json | undefined): Record<string, Json> {
  return value === undefined ? base : { ...base, value };
}

const fieldCondition = (ids: number[]) =>
  fc
    .constantFrom(
      ...Object.entries(SYSTEM_FIELDS).map(([key, type]) => ({ key, type: type as FieldType })),
      ...CUSTOM_FIELDS.map((f) => ({ key: f.key as string, type: f.type as FieldType })),
      ...CUSTOM_FIELDS.map((f) => ({ key: f.key as string, type: f.type as FieldType })),
    )
    .chain(({ key, type }) =>
      fc.constantFrom(...OPERATORS_BY_TYPE[type]).chain((op) =>
        valueFor(type, op, key === "id" ? ids : []).map((value) => withValue({ kind: "field", field: key, op }, value)),
      ),
    );

const propertyFilter = fc
  .constantFrom(
    { property: "amount", type: "number" as FieldType },
    { property: "sku", type: "string" as FieldType },
    { property: "at", type: "date" as FieldType },
    { property: "gift", type: "boolean" as FieldType },
    { property: "missing", type: "string" as FieldType },
  )
  .chain(({ property, type }) =>
    fc.tuple(fc.constantFrom(...OPERATORS_BY_TYPE[type]), fc.boolean()).chain(([op, explicit]) =>
      valueFor(type, op, []).map((value) => {
        // State the type when the operator and value would not imply it.
        const implied = impliedType(op, value);
        const filter: Record<string, Json> = { property, op };
        if (explicit || implied !== type) filter.type = type;
        return withValue(filter, value);
      }),
    ),
  );

function impliedType(op: FieldOperator, value: Json | undefined): FieldType {
  if (op === "is_true" || op === "is_false") return "boolean";
  if (["gt", "gte", "lt", "lte"].includes(op)) return "number";
  if (["before", "after", "within_last_days", "within_next_days", "more_than_days_ago"].includes(op)) return "date";
  const sample = Array.isArray(value) ? value[0] : value;
  if (op === "between") return typeof sample === "string" ? "date" : "number";
  return typeof sample === "number" ? "number" : "string";
}

const count = fc.option(fc.record({ op: fc.constantFrom("eq", "gte", "lte", "gt", "lt"), value: fc.integer({ min: 0, max: 3 }) }), { nil: undefined });
const period = fc.option(
  fc.oneof(
    fc.record({ last_days: fc.constantFrom(1, 7, 30, 90, 365) }),
    sortedPair(fc.constantFrom(...conditionDates), dateOrder)
      .filter(([a, b]) => dateOrder(a, b) < 0)
      .chain(([from, to]) => fc.constantFrom({ from, to }, { from }, { to })),
  ),
  { nil: undefined },
);

function eventCondition(kind: "interaction" | "event") {
  const types = kind === "interaction" ? INTERACTION_TYPES.slice(0, 3) : ["purchase", "page_view", "opened", "signup"];
  return fc
    .record({
      type: fc.constantFrom(...types),
      channel: fc.option(fc.constantFrom("email", "sms", "push", "web", "app"), { nil: undefined }),
      mailing_id: fc.option(fc.constantFrom(1, 2, 3), { nil: undefined, freq: 2 }),
      where: fc.option(fc.array(propertyFilter, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }),
      count,
      period,
    })
    .map((c) => {
      const out: Record<string, Json> = { kind, type: c.type };
      for (const key of ["channel", "mailing_id", "where", "count", "period"] as const) {
        if (c[key] !== undefined) out[key] = c[key] as Json;
      }
      return out;
    });
}

export type ScriptWorld = { profileIds: number[]; staticIds: number[]; dynamicIds: number[] };

export function conditionArb(world: ScriptWorld): fc.Arbitrary<Record<string, Json>> {
  const ids = world.profileIds.length ? [world.profileIds[0] - 1, ...world.profileIds.filter((_, i) => i % 7 === 0)] : [];
  const kinds: fc.Arbitrary<Record<string, Json>>[] = [
    fieldCondition(ids),
    fieldCondition(ids),
    fieldCondition(ids),
    fc.record({ kind: fc.constant("subscription"), channel: fc.constantFrom("email", "sms", "push"), status: fc.constantFrom("subscribed", "unsubscribed", "none") }),
    eventCondition("interaction"),
    eventCondition("event"),
  ];
  const segments = [
    ...world.staticIds.map((id) => ({ type: "static", id })),
    ...world.dynamicIds.map((id) => ({ type: "dynamic", id })),
  ];
  if (segments.length) {
    kinds.push(
      fc.tuple(fc.constantFrom(...segments), fc.option(fc.boolean(), { nil: undefined })).map(([s, member]) => {
        const out: Record<string, Json> = { kind: "segment", segment_type: s.type, segment_id: s.id };
        if (member !== undefined) out.member = member;
        return out;
      }),
    );
  }
  return fc.oneof(...kinds);
}

/** `value` in `weight` of `outOf` cases, else undefined. */
const sometimes = <T>(value: fc.Arbitrary<T>, weight: number, outOf: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: outOf - weight, arbitrary: fc.constant(undefined) }, { weight, arbitrary: value });

/** "At least once" and "did not" counts, the ones the compiler can merge into one subquery. */
const AT_LEAST_ONCE = [undefined, { op: "gte", value: 1 }, { op: "gt", value: 0 }];
const DID_NOT = [{ op: "eq", value: 0 }, { op: "lt", value: 1 }, { op: "lte", value: 0 }];

/**
 * A group of several plain `interaction`/`event` conditions sharing channel, mailing and period, with
 * "at least once" or "did not" counts (mostly one flavour, now and then mixed), any logic and `not`,
 * and sometimes another condition among them: the shapes the compiler merges into one
 * `EXISTS (… type in (…))` — and near misses (the wrong logic, a `where`, a channel or period of its own) that
 * it must leave alone.
 */
function mergeableGroupArb(world: ScriptWorld, maxConditions: number): fc.Arbitrary<Json> {
  const shared = fc.record({
    channel: fc.option(fc.constantFrom("email", "sms", "web"), { nil: undefined }),
    mailing_id: sometimes(fc.constantFrom(1, 2), 1, 2),
    period: period,
  });
  const flavour = fc.constantFrom("at least once", "did not", "mixed");
  const n = Math.max(2, maxConditions);
  return fc.tuple(shared, flavour, fc.constantFrom("and", "or"), fc.boolean()).chain(([common, kindOfCount, logic, not]) => {
    const counts =
      kindOfCount === "at least once" ? AT_LEAST_ONCE : kindOfCount === "did not" ? DID_NOT : [...AT_LEAST_ONCE, ...DID_NOT];
    const plain = fc
      .record({
        kind: fc.constantFrom("interaction", "event"),
        type: fc.constantFrom("opened", "clicked", "delivered"),
        eventType: fc.constantFrom("opened", "clicked", "purchase", "page_view"),
        count: fc.constantFrom(...counts),
        where: sometimes(fc.array(propertyFilter, { minLength: 1, maxLength: 1 }), 1, 6),
        ownChannel: sometimes(fc.constantFrom("email", "sms"), 1, 5),
        ownPeriod: sometimes(fc.record({ last_days: fc.constantFrom(7, 30) }), 1, 8),
      })
      .map((c) => {
        const out: Record<string, Json> = { kind: c.kind, type: c.kind === "interaction" ? c.type : c.eventType };
        for (const [key, value] of [["channel", c.ownChannel ?? common.channel], ["mailing_id", common.mailing_id], ["where", c.where], ["count", c.count], ["period", c.ownPeriod ?? common.period]] as const) {
          if (value !== undefined) out[key] = value as Json;
        }
        return out;
      });
    const other = sometimes(conditionArb(world), 1, 3);
    return fc
      .tuple(fc.array(plain, { minLength: 2, maxLength: n }), other, fc.nat())
      .map(([conditions, extra, at]) => {
        const all: Json[] = [...conditions];
        if (extra !== undefined) all.splice(at % (all.length + 1), 0, extra);
        return { logic, not, conditions: all } as Json;
      });
  });
}

export function scriptArb(world: ScriptWorld, size = { groups: 3, conditions: 3 }): fc.Arbitrary<Json> {
  const group = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record({
          logic: fc.constantFrom("and", "or"),
          not: fc.boolean(),
          conditions: fc.array(conditionArb(world), { minLength: 0, maxLength: size.conditions }),
        })
        .map((g) => g as Json),
    },
    { weight: 2, arbitrary: mergeableGroupArb(world, size.conditions) },
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 12, arbitrary: fc.record({ logic: fc.constantFrom("and", "or"), groups: fc.array(group, { minLength: 1, maxLength: size.groups }) }) },
  );
}

export const rangeArb = fc.constantFrom(
  { from: 0, to: 100 },
  { from: 0, to: 100 },
  { from: 0, to: 50 },
  { from: 50, to: 100 },
  { from: 12.34, to: 56.78 },
  { from: 0, to: 0.01 },
  { from: 99.99, to: 100 },
  { from: 33.33, to: 66.67 },
);

export const limitArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom(1, 2, 5, 50, 99, 100, 101, 1000) },
);

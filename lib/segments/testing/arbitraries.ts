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

export function scriptArb(world: ScriptWorld, size = { groups: 3, conditions: 3 }): fc.Arbitrary<Json> {
  const group = fc
    .record({
      logic: fc.constantFrom("and", "or"),
      not: fc.boolean(),
      conditions: fc.array(conditionArb(world), { minLength: 0, maxLength: size.conditions }),
    })
    .map((g) => g as Json);
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

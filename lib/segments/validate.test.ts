import { describe, expect, it } from "vitest";
import type { FieldDefinition } from "./fields";
import { parseSelectionRule, type SelectionRuleInput } from "./script";
import { validateSelection, type DynamicSegmentInfo, type ValidationContext } from "./validate";

const fields: FieldDefinition[] = [
  { key: "city", type: "string" },
  { key: "age", type: "number" },
  { key: "birthday", type: "date" },
  { key: "vip", type: "boolean" },
];

const dynamic = (id: number, conditions: unknown, extra: Partial<DynamicSegmentInfo> = {}): DynamicSegmentInfo => ({
  id,
  name: `S${id}`,
  databaseId: 1,
  binned: false,
  range: { from: 0, to: 100 },
  conditions,
  limit: null,
  ...extra,
});
const refer = (segment_id: number, segment_type = "dynamic") => ({ groups: [{ conditions: [{ kind: "segment", segment_type, segment_id }] }] });

function context(extra: Partial<ValidationContext> = {}): ValidationContext {
  return {
    fields,
    staticSegments: new Map([
      [10, { id: 10, name: "List", databaseId: 1, binned: false }],
      [11, { id: 11, name: "Other list", databaseId: 2, binned: false }],
      [12, { id: 12, name: "Old list", databaseId: 1, binned: true }],
    ]),
    dynamicSegments: new Map([
      [20, dynamic(20, null)],
      [21, dynamic(21, null, { databaseId: 2 })],
      [22, dynamic(22, null, { binned: true })],
      // 30 → 31 → 32 → 30
      [30, dynamic(30, refer(31))],
      [31, dynamic(31, refer(32))],
      [32, dynamic(32, refer(30))],
      [40, dynamic(40, { groups: [{ conditions: [{ kind: "field", field: "gone", op: "empty" }] }] })],
    ]),
    ...extra,
  };
}

function problems(conditions: unknown, ctx = context()) {
  const parsed = parseSelectionRule({ databaseId: 1, conditions } as SelectionRuleInput);
  if (!parsed.ok) throw new Error(`shape: ${JSON.stringify(parsed.issues)}`);
  return validateSelection(parsed.value, ctx);
}
const single = (condition: unknown) => problems({ groups: [{ conditions: [{ kind: "subscription", channel: "email", status: "none" }, condition] }] });
const f = (field: string, op: string, value?: unknown) => ({ kind: "field", field, op, ...(value === undefined ? {} : { value }) });

describe("validation against the database's fields", () => {
  it("accepts every operator of each type with a suitable value", () => {
    expect(single(f("city", "in", ["a", "b"]))).toEqual([]);
    expect(single(f("age", "between", [1, 1]))).toEqual([]);
    expect(single(f("birthday", "between", ["2026-01-01", "2026-01-01T10:00:00Z"]))).toEqual([]);
    expect(single(f("birthday", "within_last_days", 0))).toEqual([]);
    expect(single(f("vip", "is_false"))).toEqual([]);
    expect(single(f("id", "gt", 10))).toEqual([]);
    expect(single(f("created_at", "after", "2026-01-01"))).toEqual([]);
  });

  it.each([
    [f("shoe_size", "eq", 1), "field", /^Unknown field "shoe_size"/],
    [f("age", "contains", "1"), "op", /^The operator "contains" does not apply to number fields/],
    [f("vip", "eq", true), "op", /does not apply to boolean fields/],
    [f("email", "gt", "a"), "op", /does not apply to string fields/],
    [f("age", "eq", "30"), "value", /^Enter a number\.$/],
    [f("city", "eq", 5), "value", /^Enter text\.$/],
    [f("city", "eq", ["a"]), "value", /takes a single value, not a list/],
    [f("birthday", "eq", "31/12/2026"), "value", /^Enter a date such as/],
    [f("birthday", "eq", "2026-02-30"), "value", /^Enter a date such as/],
    [f("city", "in", []), "value", /^Add at least one value to the list\.$/],
    [f("city", "not_in", "Berlin"), "value", /^Enter a list of values\.$/],
    [f("age", "between", [5, 1]), "value", /^The first value must not be greater than the second\.$/],
    [f("age", "between", [1]), "value", /^Enter two values/],
    [f("birthday", "between", ["2026-02-01", "2026-01-31"]), "value", /^The first date must not be later than the second\.$/],
    [f("city", "empty", "x"), "value", /takes no value/],
    [f("city", "eq"), "value", /^Enter a value\.$/],
    [f("birthday", "within_last_days", 1.5), "value", /^Enter a whole number of days/],
    [f("birthday", "more_than_days_ago", -1), "value", /^Enter a whole number of days/],
  ])("%j is refused at its %s", (condition, key, message) => {
    expect(single(condition)).toEqual([{ path: `conditions.groups[0].conditions[1].${key}`, message: expect.stringMatching(message) }]);
  });

  it("an in list reports the path of the bad item", () => {
    expect(single(f("age", "in", [1, "two", 3]))).toEqual([{ path: "conditions.groups[0].conditions[1].value[1]", message: "Enter a number." }]);
  });

  it("event property filters are checked with the type their operator and value imply", () => {
    const event = (where: unknown[]) => ({ kind: "event", type: "purchase", where });
    expect(single(event([{ property: "amount", op: "gt", value: 50 }, { property: "sku", op: "contains", value: "x" }]))).toEqual([]);
    expect(single(event([{ property: "amount", op: "gt", value: "50" }]))).toEqual([
      { path: "conditions.groups[0].conditions[1].where[0].value", message: "Enter a number." },
    ]);
    expect(single(event([{ property: "at", type: "date", op: "contains", value: "x" }]))).toEqual([
      { path: "conditions.groups[0].conditions[1].where[0].op", message: expect.stringMatching(/does not apply to date properties/) },
    ]);
  });

  it("every problem is reported, each with its own path", () => {
    expect(problems({ groups: [{ conditions: [f("nope", "eq", 1)] }, { conditions: [f("age", "eq", "x"), f("city", "in", [])] }] })).toEqual([
      { path: "conditions.groups[0].conditions[0].field", message: expect.any(String) },
      { path: "conditions.groups[1].conditions[0].value", message: "Enter a number." },
      { path: "conditions.groups[1].conditions[1].value", message: "Add at least one value to the list." },
    ]);
  });
});

describe("validation of segment conditions", () => {
  it("refuses missing, foreign and binned segments", () => {
    const at = "conditions.groups[0].conditions[0].segment_id";
    expect(problems(refer(10, "static"))).toEqual([]);
    expect(problems(refer(20))).toEqual([]);
    expect(problems(refer(99, "static"))).toEqual([{ path: at, message: "This segment does not exist." }]);
    expect(problems(refer(99))).toEqual([{ path: at, message: "This segment does not exist." }]);
    expect(problems(refer(11, "static"))).toEqual([{ path: at, message: expect.stringMatching(/another profile database/) }]);
    expect(problems(refer(21))).toEqual([{ path: at, message: expect.stringMatching(/another profile database/) }]);
    expect(problems(refer(12, "static"))).toEqual([{ path: at, message: expect.stringMatching(/in the bin/) }]);
    expect(problems(refer(22))).toEqual([{ path: at, message: expect.stringMatching(/in the bin/) }]);
  });

  it("refuses a cycle through intermediate segments, and a segment that refers to itself", () => {
    expect(problems(refer(30))).toEqual([
      { path: "conditions.groups[0].conditions[0].segment_id", message: 'Segments may not refer to each other in a cycle: "S30" → "S31" → "S32" → "S30".' },
    ]);
    expect(problems(refer(20), context({ segmentId: 20 }))).toEqual([
      { path: "conditions.groups[0].conditions[0].segment_id", message: 'Segments may not refer to each other in a cycle: "S20" → "S20".' },
    ]);
  });

  it("refuses a segment whose own conditions are no longer valid", () => {
    expect(problems(refer(40))).toEqual([
      { path: "conditions.groups[0].conditions[0].segment_id", message: expect.stringMatching(/^Segment "S40" has a condition that is not valid \(groups\[0\]\.conditions\[0\]\.field: Unknown field "gone"/) },
    ]);
  });
});

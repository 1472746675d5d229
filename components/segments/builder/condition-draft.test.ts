import { describe, expect, it } from "vitest";
import type { FieldType } from "@/lib/segments/fields";
import type { Condition } from "@/lib/segments/script";
import { conditionFromDraft, draftFromCondition, emptyDraft, fieldTypeOf, type ConditionDraft } from "./condition-draft";

const fields: { key: string; type: FieldType }[] = [
  { key: "city", type: "string" },
  { key: "points", type: "number" },
  { key: "birthday", type: "date" },
  { key: "vip", type: "boolean" },
];

const draft = (patch: Partial<ConditionDraft>, kind: ConditionDraft["kind"] = "field"): ConditionDraft => ({ ...emptyDraft(kind), ...patch });

function saved(d: ConditionDraft): Condition {
  const result = conditionFromDraft(d, fields);
  if (!result.ok) throw new Error(`expected a valid condition, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

function issues(d: ConditionDraft) {
  const result = conditionFromDraft(d, fields);
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return result.issues;
}

describe("a new condition draft", () => {
  it("an interaction starts as opened by email, at least once", () => {
    expect(emptyDraft("interaction")).toMatchObject({ kind: "interaction", channel: "email", type: "opened", countOp: "gte", countValue: "1", periodMode: "all" });
  });

  it("a subscription starts as subscribed by email; a field has no field or operator yet", () => {
    expect(emptyDraft("subscription")).toMatchObject({ channel: "email", status: "subscribed" });
    expect(emptyDraft()).toMatchObject({ kind: "field", field: "", op: "", channel: "" });
  });
});

describe("field types", () => {
  it("system fields come first, then the database's own fields", () => {
    expect(fieldTypeOf("created_at", fields)).toBe("date");
    expect(fieldTypeOf("email", [{ key: "email", type: "number" }])).toBe("string");
    expect(fieldTypeOf("points", fields)).toBe("number");
    expect(fieldTypeOf("unknown", fields)).toBeUndefined();
  });

  it("a custom field named like an object property is the database's field, not a system one", () => {
    expect(fieldTypeOf("constructor", [{ key: "constructor", type: "string" }])).toBe("string");
    expect(fieldTypeOf("toString", fields)).toBeUndefined();
  });
});

describe("from the dialog's text inputs to a Script condition", () => {
  it("a number field's value becomes a number", () => {
    expect(saved(draft({ field: "points", op: "gt", value: " 500 " }))).toEqual({ kind: "field", field: "points", op: "gt", value: 500 });
  });

  it("a string keeps its spaces, a date is trimmed", () => {
    expect(saved(draft({ field: "city", op: "eq", value: " Berlin " }))).toMatchObject({ value: " Berlin " });
    expect(saved(draft({ field: "birthday", op: "before", value: " 2026-01-01 " }))).toMatchObject({ value: "2026-01-01" });
  });

  it("between takes both inputs; in splits lines and commas and drops blanks", () => {
    expect(saved(draft({ field: "points", op: "between", value: "100", value2: "500" }))).toMatchObject({ value: [100, 500] });
    expect(saved(draft({ field: "city", op: "in", value: "Berlin, Hamburg\n\nMunich " }))).toMatchObject({ value: ["Berlin", "Hamburg", "Munich"] });
    expect(saved(draft({ field: "points", op: "not_in", value: "1\n2" }))).toMatchObject({ value: [1, 2] });
  });

  it("operators without a value store none, whatever the value input still holds", () => {
    expect(saved(draft({ field: "vip", op: "is_true", value: "left over" }))).toEqual({ kind: "field", field: "vip", op: "is_true" });
  });

  it("day operators store whole days", () => {
    expect(saved(draft({ field: "birthday", op: "within_last_days", value: "30" }))).toMatchObject({ value: 30 });
  });

  it("an event keeps its property filters, count and period", () => {
    const c = saved(
      draft(
        {
          type: " purchase ",
          channel: "web",
          countOp: "gte",
          countValue: "2",
          periodMode: "range",
          from: "2026-01-01T00:00:00Z",
          to: "2026-07-01T00:00:00Z",
          where: [{ property: " amount ", type: "number", op: "gt", value: "50", value2: "" }],
        },
        "event",
      ),
    );
    expect(c).toMatchObject({
      kind: "event",
      type: "purchase",
      channel: "web",
      where: [{ property: "amount", op: "gt", value: 50 }],
      count: { op: "gte", value: 2 },
      period: { from: "2026-01-01T00:00:00Z", to: "2026-07-01T00:00:00Z" },
    });
  });

  it("an interaction in the last N days with a mailing", () => {
    expect(saved(draft({ mailingId: "7", periodMode: "last", lastDays: "90", countOp: "eq", countValue: "0" }, "interaction"))).toMatchObject({
      kind: "interaction",
      type: "opened",
      channel: "email",
      mailing_id: 7,
      count: { op: "eq", value: 0 },
      period: { last_days: 90 },
    });
  });
});

describe("an invalid draft says what is wrong, on the input that is wrong", () => {
  it("no field, then no operator for the field's type", () => {
    expect(issues(draft({}))).toEqual([{ path: "field", message: "Choose a field." }]);
    expect(issues(draft({ field: "vip", op: "gt" }))).toEqual([{ path: "op", message: "Choose an operator." }]);
  });

  it("a between whose first value is the greater is refused on the value", () => {
    const found = issues(draft({ field: "points", op: "between", value: "500", value2: "100" }));
    expect(found.map((i) => i.path)).toContain("value");
    expect(found.find((i) => i.path === "value")?.message).toMatch(/greater/);
  });

  it("a number field with text, an empty in list and an empty count are refused", () => {
    expect(issues(draft({ field: "points", op: "eq", value: "many" })).map((i) => i.path)).toContain("value");
    expect(issues(draft({ field: "city", op: "in", value: " , \n" })).map((i) => i.path)).toContain("value");
    expect(issues(draft({ countValue: " " }, "interaction")).some((i) => i.path.startsWith("count"))).toBe(true);
  });

  it("a segment condition without a segment", () => {
    expect(issues(draft({}, "segment"))).toEqual([{ path: "segment_id", message: "Choose a segment." }]);
  });
});

describe("editing a saved condition round-trips through the dialog unchanged", () => {
  const conditions: Condition[] = [
    { kind: "field", field: "points", op: "between", value: [100, 500] },
    { kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg"] },
    { kind: "field", field: "vip", op: "is_false" },
    { kind: "subscription", channel: "sms", status: "none" },
    { kind: "interaction", type: "clicked", channel: "email", mailing_id: 7, count: { op: "gte", value: 2 }, period: { last_days: 30 } },
    {
      kind: "event",
      type: "purchase",
      channel: "web",
      where: [{ property: "amount", type: "number", op: "between", value: [10, 20] }],
      count: { op: "lt", value: 3 },
      period: { from: "2026-01-01T00:00:00Z", to: "2026-07-01T00:00:00Z" },
    },
    { kind: "segment", segment_type: "static", segment_id: 4, member: false },
  ] as Condition[];

  for (const c of conditions) {
    it(`${c.kind} ${JSON.stringify(c).slice(0, 60)}`, () => {
      expect(saved(draftFromCondition(c))).toEqual(saved(draftFromCondition(saved(draftFromCondition(c)))));
      expect(saved(draftFromCondition(c))).toMatchObject(c);
    });
  }
});

import { describe, expect, it } from "vitest";
import { fieldIssues } from "@/lib/segments/validate";
import { formFieldOf, formValuesFromFormData, formValuesOf, segmentFormSchema, type BuilderFormValues } from "./segment-schema";

const base: BuilderFormValues = {
  id: "",
  name: "Retail test group",
  databaseId: "3",
  rangeFrom: "10",
  rangeTo: "30",
  limitEnabled: false,
  limit: "",
  script: "",
  description: "",
  tags: "a, b, a",
  accessGroupIds: ["2"],
};

const errorsOf = (values: BuilderFormValues) => {
  const parsed = segmentFormSchema.safeParse(values);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
};

describe("the builder form's schema (browser resolver and save action alike)", () => {
  it("turns the form's text into the segment input", () => {
    const parsed = segmentFormSchema.parse({ ...base, limitEnabled: true, limit: "50" });
    expect(parsed).toMatchObject({ name: "Retail test group", databaseId: 3, range: { from: 10, to: 30 }, limit: 50, tags: ["a", "b"], accessGroupIds: [2], conditions: null });
  });

  it("puts each problem on its input, in words: empty name and source, a reversed range, a bad limit", () => {
    expect(errorsOf({ ...base, name: " ", databaseId: "" })).toEqual({ name: "Give the segment a name.", databaseId: "Select a source." });
    expect(errorsOf({ ...base, rangeFrom: "70", rangeTo: "30" })).toEqual({ rangeTo: "Range to must be greater than Range from." });
    expect(errorsOf({ ...base, rangeFrom: "" })).toEqual({ rangeFrom: "Enter Range from: a number from 0 to 100." });
    expect(errorsOf({ ...base, limitEnabled: true, limit: "-5" })).toEqual({ limit: "The limit must be a whole number of at least 1." });
    expect(errorsOf({ ...base, limitEnabled: true, limit: "" })).toEqual({ limit: "Enter the limit: a whole number of at least 1." });
    // An unticked limit is no limit, whatever the input holds.
    expect(errorsOf({ ...base, limitEnabled: false, limit: "-5" })).toEqual({});
  });

  it("reports a Script syntax error with line and column, and a Script problem with where it is in words", () => {
    expect(errorsOf({ ...base, script: '{ "logic": "and" "groups": [] }' }).script).toMatch(/^Line 1, column \d+/);
    const bad = JSON.stringify({ logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "subscription", channel: "fax", status: "subscribed" }] }] });
    expect(errorsOf({ ...base, script: bad }).script).toMatch(/^Group 1, condition 1: Use one of: email, sms, push\.$/);
  });

  it("maps the data layer's paths to the form's inputs", () => {
    expect(["range.from", "range.to", "range", "limit", "name", "conditions.groups[0]", "groups[1].conditions[0].value", "rangeFrom"].map(formFieldOf)).toEqual([
      "rangeFrom",
      "rangeTo",
      "rangeTo",
      "limit",
      "name",
      "script",
      "script",
      "rangeFrom",
    ]);
  });

  it("reads a plain form post as typed, and a stored segment as the form shows it", () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ name: "  N ", databaseId: "3", rangeFrom: "10", rangeTo: "x", limitEnabled: "on", limit: "-5", script: "{oops", description: "d", tags: "t" })) form.set(k, v);
    form.append("accessGroupIds", "1");
    form.append("accessGroupIds", "4");
    expect(formValuesFromFormData(form)).toEqual({ id: "", name: "  N ", databaseId: "3", rangeFrom: "10", rangeTo: "x", limitEnabled: true, limit: "-5", script: "{oops", description: "d", tags: "t", accessGroupIds: ["1", "4"] });
    expect(formValuesOf({ id: 7, name: "S", databaseId: 3, rangeFrom: 0, rangeTo: 20.5, conditions: null, limit: null, description: "", tags: ["x", "y"], accessGroupIds: [2] })).toEqual({
      id: "7",
      name: "S",
      databaseId: "3",
      rangeFrom: "0",
      rangeTo: "20.5",
      limitEnabled: false,
      limit: "",
      script: "",
      description: "",
      tags: "x, y",
      accessGroupIds: ["2"],
    });
  });
});

describe("fieldIssues (what the builder tells at once from the source's fields)", () => {
  const script = (conditions: unknown[]) => ({ logic: "and" as const, groups: [{ logic: "and" as const, not: false, conditions: conditions as never }] });
  it("finds an unknown field, a between with a > b, and leaves segment references to the server", () => {
    const fields = [{ key: "points", type: "number" as const }];
    expect(
      fieldIssues(
        script([
          { kind: "field", field: "city", op: "eq", value: "Berlin" },
          { kind: "field", field: "points", op: "between", value: [500, 100] },
          { kind: "segment", segment_type: "dynamic", segment_id: 999, member: true },
          { kind: "field", field: "points", op: "between", value: [100, 500] },
        ]),
        fields,
      ).map((i) => [i.path, i.message.slice(0, 30)]),
    ).toEqual([
      ["groups[0].conditions[0].field", 'Unknown field "city". Use a sy'],
      ["groups[0].conditions[1].value", "The first value must not be gr"],
    ]);
  });
});

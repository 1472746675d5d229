import { describe, expect, it } from "vitest";
import { locateJsonError } from "./json-text";
import { parseScript, parseScriptText, parseSelectionRule } from "./script";

const issuesOf = (input: unknown) => {
  const result = parseSelectionRule(input);
  return result.ok ? [] : result.issues;
};

describe("Script JSON text", () => {
  it("a syntax error answers with its line and column", () => {
    const text = '{\n  "logic": "and",\n  "groups": [\n    { "conditions": [ } ]\n  ]\n}';
    const result = parseScriptText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.syntax).toEqual({ line: 4, column: 23 });
    expect(result.issues[0].message).toMatch(/^Line 4, column 23: Unexpected '}'/);
  });

  it.each([
    ['{"logic": "and",}', 1, 17, /trailing comma/],
    ['{"logic": \'and\'}', 1, 11, /double quotes/],
    ['{"logic": "and"', 1, 16, /ends too early/],
    ['{"logic" "and"}', 1, 10, /expected ':'/],
    ['{"groups": [1 2]}', 1, 15, /expected ',' or '\]'/],
    ['{"a": "x\ny"}', 1, 9, /line break/],
    ['{"a": 01}', 1, 7, /Invalid number/],
    ['{"a": 1} x', 1, 10, /after the end/],
    ["\n\n  nope", 3, 3, /expected a value/],
  ])("%j fails at line %i, column %i", (text, line, column, message) => {
    expect(locateJsonError(text)).toEqual({ line, column, message: expect.stringMatching(message) });
  });

  it("valid JSON has no syntax error, and empty text means no conditions", () => {
    expect(locateJsonError('{"a": [1, -2.5e3, "x\\u00e9", true, false, null, {}]}')).toBeNull();
    expect(parseScriptText("  \n")).toEqual({ ok: true, value: null });
    expect(parseScriptText("null")).toEqual({ ok: true, value: null });
  });

  it("a well-formed script gets its defaults", () => {
    expect(parseScriptText('{"groups": [{"conditions": [{"kind": "segment", "segment_type": "static", "segment_id": 3}]}]}')).toEqual({
      ok: true,
      value: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "segment", segment_type: "static", segment_id: 3, member: true }] }] },
    });
  });
});

describe("Script shape", () => {
  const rule = (conditions: unknown, extra: object = {}) => ({ databaseId: 1, conditions, ...extra });
  const one = (condition: unknown) => rule({ groups: [{ conditions: [condition] }] });

  it("each problem comes back with its path and a plain message", () => {
    expect(issuesOf(one({ kind: "nonsense" }))).toEqual([
      { path: "conditions.groups[0].conditions[0].kind", message: "Unknown condition kind. Use one of: field, subscription, interaction, event, segment." },
    ]);
    expect(issuesOf(one({ kind: "field", field: "city", op: "like", value: "x" }))).toEqual([
      { path: "conditions.groups[0].conditions[0].op", message: expect.stringMatching(/^Unknown operator/) },
    ]);
    expect(issuesOf(one({ kind: "field", field: "city", op: "eq", value: { a: 1 } }))).toEqual([
      { path: "conditions.groups[0].conditions[0].value", message: "Enter text, a number, true or false, or a list." },
    ]);
    expect(issuesOf(one({ kind: "field", field: "city", op: "eq", value: "x", colour: "red" }))).toEqual([
      { path: "conditions.groups[0].conditions[0].colour", message: 'Unknown key "colour".' },
    ]);
    expect(issuesOf(one({ kind: "subscription", channel: "fax", status: "subscribed" }))).toEqual([
      { path: "conditions.groups[0].conditions[0].channel", message: "Use one of: email, sms, push." },
    ]);
    expect(issuesOf(one({ kind: "interaction", type: "opened", count: { op: "gte", value: 1.5 } }))).toEqual([
      { path: "conditions.groups[0].conditions[0].count.value", message: "Enter a whole number." },
    ]);
    expect(issuesOf(one({ kind: "event", type: "purchase", period: { last_days: 7, from: "2026-01-01" } }))).toEqual([
      { path: "conditions.groups[0].conditions[0].period.last_days", message: "Use either last_days or from/to, not both." },
    ]);
    expect(issuesOf(one({ kind: "event", type: "purchase", period: { from: "2026-02-01", to: "2026-01-01" } }))).toEqual([
      { path: "conditions.groups[0].conditions[0].period.to", message: "The end of the period must be after its start." },
    ]);
    expect(issuesOf(one({ kind: "event", type: "purchase", period: { from: "yesterday" } }))).toEqual([
      { path: "conditions.groups[0].conditions[0].period.from", message: expect.stringMatching(/^Enter a date such as 2026-01-31/) },
    ]);
    expect(issuesOf(one({ kind: "segment", segment_type: "static" }))).toEqual([{ path: "conditions.groups[0].conditions[0].segment_id", message: "This is required." }]);
    expect(issuesOf(rule({ logic: "xor", groups: [] }))).toEqual([{ path: "conditions.logic", message: "Use and or or." }]);
  });

  it("more than 50 groups, 50 conditions in a group or 1,000 characters are refused", () => {
    const condition = { kind: "subscription", channel: "email", status: "none" };
    expect(issuesOf(rule({ groups: Array.from({ length: 51 }, () => ({ conditions: [condition] })) }))).toEqual([
      { path: "conditions.groups", message: "Use at most 50 condition groups." },
    ]);
    expect(issuesOf(rule({ groups: [{ conditions: Array.from({ length: 51 }, () => condition) }] }))).toEqual([
      { path: "conditions.groups[0].conditions", message: "Use at most 50 conditions in a group." },
    ]);
    expect(issuesOf(rule({ groups: Array.from({ length: 50 }, () => ({ conditions: Array.from({ length: 50 }, () => condition) })) }))).toEqual([]);
    expect(issuesOf(one({ kind: "field", field: "city", op: "eq", value: "x".repeat(1001) }))).toEqual([
      { path: "conditions.groups[0].conditions[0].value", message: "Use at most 1,000 characters." },
    ]);
    expect(issuesOf(one({ kind: "field", field: "city", op: "in", value: ["ok", "y".repeat(1001)] }))).toEqual([
      { path: "conditions.groups[0].conditions[0].value[1]", message: "Use at most 1,000 characters." },
    ]);
    expect(issuesOf(one({ kind: "field", field: "c".repeat(1001), op: "empty" }))).toEqual([
      { path: "conditions.groups[0].conditions[0].field", message: "Use at most 1,000 characters." },
    ]);
  });

  it("range: 0 ≤ from < to ≤ 100 with at most 2 decimals; limit: a whole number ≥ 1", () => {
    expect(issuesOf({ databaseId: 1, range: { from: -1, to: 50 } })).toEqual([{ path: "range.from", message: "Use a number from 0 to 100." }]);
    expect(issuesOf({ databaseId: 1, range: { from: 0, to: 100.5 } })).toEqual([{ path: "range.to", message: "Use a number from 0 to 100." }]);
    expect(issuesOf({ databaseId: 1, range: { from: 10.123, to: 50 } })).toEqual([{ path: "range.from", message: "Use at most 2 decimals." }]);
    expect(issuesOf({ databaseId: 1, range: { from: 50, to: 50 } })).toEqual([{ path: "range.to", message: "Range to must be greater than Range from." }]);
    expect(issuesOf({ databaseId: 1, range: { from: 0.29, to: 99.99 }, limit: 1 })).toEqual([]);
    for (const limit of [0, -3, 2.5, "10"]) {
      expect(issuesOf({ databaseId: 1, limit })).toEqual([{ path: "limit", message: "The limit must be a whole number of at least 1." }]);
    }
    const parsed = parseSelectionRule({ databaseId: 4 });
    expect(parsed).toEqual({ ok: true, value: { databaseId: 4, range: { from: 0, to: 100 }, conditions: null, limit: null } });
  });

  it("absent or null conditions mean no filtering", () => {
    expect(parseScript(undefined)).toEqual({ ok: true, value: null });
    expect(parseScript({})).toEqual({ ok: true, value: { logic: "and", groups: [] } });
  });
});

import { describe, expect, it } from "vitest";
import { describeCondition } from "./describe";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { diffDefinitions, scriptJsonDiff } from "./diff";
import type { Definition } from "./normalize";
import type { Condition } from "./script";

const options: BuilderOptions = {
  databases: [{ id: 1, name: "Retail", profileCount: 0, fields: [{ key: "city", type: "string", label: "City" }, { key: "points", type: "number", label: "Loyalty points" }] }],
  mailings: [{ id: 7, name: "Spring sale", databaseId: 1 }],
  dynamicSegments: [{ id: 3, name: "Lapsed buyers", databaseId: 1 }],
  staticSegments: [{ id: 4, name: "Store invitees", databaseId: 1 }],
  accessGroups: [],
  tags: [],
  eventTypes: {},
};
const words = (c: Condition) => describeCondition(c, options, 1);

const group = (conditions: unknown[], extra: Record<string, unknown> = {}) => ({ logic: "and", not: false, conditions, ...extra });
const def = (groups: unknown[] | null, extra: Partial<Definition> = {}): Definition => ({
  range: { from: 0, to: 100 },
  conditions: groups === null ? null : { logic: "and", groups },
  limit: null,
  ...extra,
});
const texts = (a: Definition, b: Definition) => diffDefinitions(a, b, words).map((c) => c.text);

const berlin = { kind: "field", field: "city", op: "eq", value: "Berlin" };
const berlinOrHamburg = { kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg"] };
const subscribed = { kind: "subscription", channel: "email", status: "subscribed" };
const opened = { kind: "interaction", type: "opened", channel: "email", mailing_id: 7, period: { last_days: 30 } };
const didNotOpen = { kind: "interaction", type: "opened", channel: "email", count: { op: "eq", value: 0 }, period: { last_days: 90 } };
const purchase = { kind: "event", type: "purchase", where: [{ property: "amount", op: "gt", value: 50 }] };
const inLapsed = { kind: "segment", segment_type: "dynamic", segment_id: 3, member: true };
const inInvitees = { kind: "segment", segment_type: "static", segment_id: 4, member: true };

describe("the differences between two versions, in the builder's words", () => {
  it("the same definition spelled differently has no differences", () => {
    const a = def([group([berlin, { kind: "event", type: "purchase" }])]);
    const b = def([group([{ value: "Berlin", op: "eq", field: "city", kind: "field" }, { kind: "event", type: "purchase", count: { op: "gte", value: 1 }, where: [] }])]);
    expect(texts(a, b)).toEqual([]);
  });

  it("range and limit", () => {
    expect(texts(def(null), def(null, { range: { from: 0, to: 20 } }))).toEqual(["Range 0–100 % → 0–20 %"]);
    expect(texts(def(null), def(null, { limit: 1000 }))).toEqual(["Limit of 1,000 added"]);
    expect(texts(def(null, { limit: 1000 }), def(null))).toEqual(["Limit of 1,000 removed"]);
    expect(texts(def(null, { limit: 1000 }), def(null, { limit: 500 }))).toEqual(["Limit 1,000 → 500"]);
  });

  it("a field condition changed in group 2, matched by position", () => {
    const a = def([group([subscribed]), group([berlin])]);
    const b = def([group([subscribed]), group([berlinOrHamburg])]);
    expect(texts(a, b)).toEqual(['In group 2, “City is “Berlin”” changed to “City is one of "Berlin", "Hamburg"”']);
  });

  it("a group added keeps earlier groups matched by content", () => {
    const a = def([group([berlin]), group([subscribed])]);
    const b = def([group([berlin]), group([subscribed]), group([purchase, inInvitees], { logic: "or" })]);
    expect(texts(a, b)).toEqual([`Group 3 added: “${words(purchase as Condition)}” or “${words(inInvitees as Condition)}”`]);
    const inserted = def([group([inLapsed]), group([berlin]), group([subscribed])]);
    expect(texts(a, inserted)).toEqual([`Group 1 added: “Is in dynamic segment “Lapsed buyers””`]);
  });

  it("a group removed", () => {
    expect(texts(def([group([berlin]), group([subscribed], { not: true })]), def([group([berlin])]))).toEqual([`Group 2 removed: not “Is subscribed to email”`]);
  });

  it("an interaction condition removed, and one added", () => {
    const a = def([group([subscribed, didNotOpen])]);
    expect(texts(a, def([group([subscribed])]))).toEqual([`In group 1, “${words(didNotOpen as Condition)}” removed`]);
    expect(words(didNotOpen as Condition)).toContain("never in the last 90 days");
    expect(texts(def([group([subscribed])]), def([group([subscribed, opened])]))).toEqual([`In group 1, “Opened email · Spring sale · at least once in the last 30 days” added`]);
  });

  it("every kind of condition changed reads as before → after", () => {
    const pairs: [unknown, unknown][] = [
      [subscribed, { ...subscribed, status: "unsubscribed" }],
      [opened, { ...opened, period: { last_days: 7 } }],
      [purchase, { ...purchase, where: [{ property: "amount", op: "gt", value: 100 }] }],
      [inLapsed, { ...inLapsed, member: false }],
      [inInvitees, { ...inInvitees, member: false }],
      [{ kind: "field", field: "points", op: "between", value: [1, 5] }, { kind: "field", field: "points", op: "gte", value: 10 }],
    ];
    for (const [x, y] of pairs) {
      expect(texts(def([group([x])]), def([group([y])]))).toEqual([`In group 1, “${words(x as Condition)}” changed to “${words(y as Condition)}”`]);
    }
    expect(words({ ...inLapsed, member: false } as Condition)).toBe("Is not in dynamic segment “Lapsed buyers”");
  });

  it("joining words and negation", () => {
    const a = def([group([berlin, subscribed]), group([purchase])]);
    const b = { ...def([group([berlin, subscribed], { logic: "or", not: true }), group([purchase])]), conditions: { logic: "or", groups: [group([berlin, subscribed], { logic: "or", not: true }), group([purchase])] } };
    expect(texts(a, b)).toEqual(["Groups are joined with “or” instead of “and”", "Group 1 now excludes the profiles it matches (not)", "Group 1 joins its conditions with “or” instead of “and”"]);
  });
});

describe("the Script tab's JSON diff", () => {
  it("marks removed and added lines and keeps the rest", () => {
    const lines = scriptJsonDiff({ logic: "and", groups: [group([berlin])] }, { logic: "and", groups: [group([berlinOrHamburg])] });
    expect(lines.filter((l) => l.op === "-").map((l) => l.text.trim())).toEqual(['"op": "eq",', '"value": "Berlin"']);
    expect(lines.filter((l) => l.op === "+").map((l) => l.text.trim())).toEqual(['"op": "in",', '"value": [', '"Berlin",', '"Hamburg"', "]"]);
    expect(lines.filter((l) => l.op === " ").length).toBeGreaterThan(5);
  });
});

/**
 * The SQL the compiler writes for event conditions that share a subquery: plain "at least once"
 * conditions under OR and "did not" conditions under AND that differ only in their type become one
 * `EXISTS (… type in (…))`. (Whether the answers stay right is checked against the database in
 * selection.test.ts and by the property tests.)
 */
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { compileRuleParts, compileSelection, selectionCountQuery } from "./compile";
import { sql as q } from "drizzle-orm";
import { parseSelectionRule, type ScriptInput } from "./script";
import { validateSelection, type ValidationContext } from "./validate";

const NOW = new Date("2026-03-15T12:00:00Z");
const ctx: ValidationContext = { fields: [{ key: "city", type: "string", label: "City" }], staticSegments: new Map(), dynamicSegments: new Map() };
const dialect = new PgDialect();

type Group = { logic?: "and" | "or"; not?: boolean; conditions: unknown[] };

/** The compiled WHERE as text and parameters. */
function compiled(...groups: Group[]) {
  const conditions = { logic: "and", groups: groups.map((g) => ({ logic: "and", not: false, ...g })) } as ScriptInput;
  const rule = parseSelectionRule({ databaseId: 1, conditions });
  if (!rule.ok) throw new Error(JSON.stringify(rule.issues));
  expect(validateSelection(rule.value, ctx)).toEqual([]);
  return dialect.sqlToQuery(compileSelection(rule.value, ctx, { now: NOW }).where);
}

const subqueries = (text: string) => text.match(/ from events /g)?.length ?? 0;
const notExists = (text: string) => text.match(/not exists \(select 1 from events/g)?.length ?? 0;

const opened = { kind: "interaction", type: "opened" };
const clicked = { kind: "interaction", type: "clicked" };
const last30 = { period: { last_days: 30 } };
const didNot = (c: object, op = "eq", value = 0) => ({ ...c, count: { op, value } });

describe("plain event conditions that differ only in their type share one subquery", () => {
  it("OR of opened / clicked in the last 30 days is one EXISTS over both types", () => {
    const { sql, params } = compiled({ logic: "or", conditions: [{ ...opened, ...last30 }, { ...clicked, ...last30, count: { op: "gte", value: 1 } }] });
    expect(subqueries(sql)).toBe(1);
    expect(notExists(sql)).toBe(0);
    expect(sql).toMatch(/"e1"\."type" in \(\$\d+::text, \$\d+::text\)/);
    expect(sql).not.toMatch(/ or /);
    expect(params).toEqual(expect.arrayContaining(["opened", "clicked", "2026-02-13T12:00:00.000000Z", "2026-03-15T12:00:00.000000Z"]));
  });

  it("NOT (bounced OR unsubscribed by email) is one NOT EXISTS, as a DBA writes it", () => {
    const { sql, params } = compiled({
      logic: "or",
      not: true,
      conditions: [
        { kind: "interaction", channel: "email", type: "bounced" },
        { kind: "interaction", channel: "email", type: "unsubscribed" },
      ],
    });
    expect(sql).toBe(
      `("p"."database_id" = $1::int and not exists (select 1 from events e1 where ("e1"."profile_id" = "p"."id" and "e1"."database_id" = $2::int` +
        ` and "e1"."type" in ($3::text, $4::text) and "e1"."channel" = $5::event_channel)))`,
    );
    expect(params).toEqual([1, 1, "bounced", "unsubscribed", "email"]);
  });

  it("AND of did-not-open / did-not-click (eq 0, lt 1, lte 0 alike) is one NOT EXISTS", () => {
    const { sql, params } = compiled({ conditions: [didNot({ ...opened, ...last30 }), didNot({ ...clicked, ...last30 }, "lt", 1), didNot({ kind: "event", type: "purchase", ...last30 }, "lte", 0)] });
    expect(subqueries(sql)).toBe(1);
    expect(notExists(sql)).toBe(1);
    expect(sql).toMatch(/"e1"\."type" in \(\$\d+::text, \$\d+::text, \$\d+::text\)/);
    expect(params).toEqual(expect.arrayContaining(["opened", "clicked", "purchase"]));
  });

  it("a negated AND of did-not conditions is one EXISTS (De Morgan)", () => {
    const { sql } = compiled({ logic: "and", not: true, conditions: [didNot(opened), didNot(clicked)] });
    expect(subqueries(sql)).toBe(1);
    expect(notExists(sql)).toBe(0);
    expect(sql).toMatch(/in \(\$\d+::text, \$\d+::text\)/);
  });

  it("interaction and event conditions merge when everything but the type compiles the same; a repeated type is listed once", () => {
    const { sql, params } = compiled({ logic: "or", conditions: [{ ...opened, channel: "email" }, { kind: "event", type: "purchase", channel: "email" }, { kind: "event", type: "opened", channel: "email" }] });
    expect(subqueries(sql)).toBe(1);
    expect(sql).toMatch(/"e1"\."type" in \(\$\d+::text, \$\d+::text\) and/);
    expect(params.filter((p) => p === "opened")).toHaveLength(1);
  });

  it("the periods are compared as compiled: the same instant written two ways merges, different periods do not", () => {
    const from = (value: string) => ({ period: { from: value } });
    expect(subqueries(compiled({ logic: "or", conditions: [{ ...opened, ...from("2026-01-01") }, { ...clicked, ...from("2026-01-01T00:00:00Z") }] }).sql)).toBe(1);
    expect(subqueries(compiled({ logic: "or", conditions: [{ ...opened, ...from("2026-01-01") }, { ...clicked, ...from("2026-01-02") }] }).sql)).toBe(2);
    expect(subqueries(compiled({ logic: "or", conditions: [{ ...opened, ...last30 }, { ...clicked, period: { last_days: 31 } }] }).sql)).toBe(2);
    expect(subqueries(compiled({ logic: "or", conditions: [{ ...opened, ...last30 }, clicked] }).sql)).toBe(2);
  });

  it("conditions stay apart when they differ in more than the type, or the logic does not allow one subquery", () => {
    const separate = (...groups: Group[]) => subqueries(compiled(...groups).sql);
    // different channel, or one channel absent; different mailing
    expect(separate({ logic: "or", conditions: [{ ...opened, channel: "email" }, { ...clicked, channel: "sms" }] })).toBe(2);
    expect(separate({ logic: "or", conditions: [{ ...opened, channel: "email" }, clicked] })).toBe(2);
    expect(separate({ logic: "or", conditions: [{ ...opened, mailing_id: 7 }, { ...clicked, mailing_id: 8 }] })).toBe(2);
    // a property filter
    expect(separate({ logic: "or", conditions: [opened, { ...clicked, where: [{ property: "url", op: "contains", value: "sale" }] }] })).toBe(2);
    // counted conditions
    expect(separate({ logic: "or", conditions: [{ ...opened, count: { op: "gte", value: 2 } }, { ...clicked, count: { op: "gte", value: 2 } }] })).toBe(2);
    // AND of "at least once", OR of "did not", and a mix of both under OR
    expect(separate({ logic: "and", conditions: [opened, clicked] })).toBe(2);
    expect(separate({ logic: "or", conditions: [didNot(opened), didNot(clicked)] })).toBe(2);
    expect(separate({ logic: "or", conditions: [opened, didNot(clicked)] })).toBe(2);
    // conditions of different groups
    expect(separate({ logic: "or", conditions: [opened] }, { logic: "or", conditions: [clicked] })).toBe(2);
  });

  it("other conditions keep their order, the merged subquery stands where the first of its conditions stood", () => {
    const { sql } = compiled({
      logic: "or",
      conditions: [
        { kind: "field", field: "city", op: "eq", value: "Berlin" },
        opened,
        { kind: "subscription", channel: "sms", status: "none" },
        { ...opened, channel: "sms" },
        clicked,
        { ...clicked, channel: "sms" },
      ],
    });
    const order = ["fields", "in ($4::text, $5::text)", "sms_subscription", "in ($7::text, $8::text) and \"e2\".\"channel\""].map((part) => sql.indexOf(part));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(subqueries(sql)).toBe(2);
  });

  it("a single condition compiles exactly as before, with `type = $n`", () => {
    const { sql, params } = compiled({ logic: "or", conditions: [{ ...opened, ...last30 }] });
    expect(sql).toBe(
      `("p"."database_id" = $1::int and exists (select 1 from events e1 where ("e1"."profile_id" = "p"."id" and "e1"."database_id" = $2::int` +
        ` and "e1"."type" = $3::text and "e1"."occurred_at" >= $4::timestamptz and "e1"."occurred_at" <= $5::timestamptz)))`,
    );
    expect(params).toEqual([1, 1, "opened", "2026-02-13T12:00:00.000000Z", "2026-03-15T12:00:00.000000Z"]);
  });
});

describe("plain event conditions that differ only in their mailing share one subquery", () => {
  it("OR of clicked mailing 7 / 8 / 9 is one EXISTS over `mailing_id in (…)`", () => {
    const { sql, params } = compiled({ logic: "or", conditions: [7, 8, 9].map((m) => ({ ...clicked, mailing_id: m })) });
    expect(subqueries(sql)).toBe(1);
    expect(sql).toMatch(/"e1"\."mailing_id" in \(\$\d+::int, \$\d+::int, \$\d+::int\)/);
    expect(sql).toMatch(/"e1"\."type" = \$\d+::text/);
    expect(params).toEqual(expect.arrayContaining(["clicked", 7, 8, 9]));
  });

  it("did not open mailing 7 and did not open mailing 8 is one NOT EXISTS; a different type or a missing mailing stays apart", () => {
    expect(notExists(compiled({ conditions: [didNot({ ...opened, mailing_id: 7 }), didNot({ ...opened, mailing_id: 8 })] }).sql)).toBe(1);
    expect(subqueries(compiled({ logic: "or", conditions: [{ ...opened, mailing_id: 7 }, { ...clicked, mailing_id: 8 }] }).sql)).toBe(2);
    expect(subqueries(compiled({ logic: "or", conditions: [{ ...opened, mailing_id: 7 }, opened] }).sql)).toBe(2);
  });
});

describe("eq / in conditions on one field joined as a list become one `in`", () => {
  const city = (op: string, value: unknown) => ({ kind: "field", field: "city", op, value });

  it("city = Berlin OR city = Munich OR city in (Hamburg, Berlin) is one `in` list", () => {
    const { sql, params } = compiled({ logic: "or", conditions: [city("eq", "Berlin"), city("eq", "Munich"), city("in", ["Hamburg", "Berlin"])] });
    expect(sql.match(/->> 'city'/g)).toHaveLength(1);
    expect(sql).toMatch(/->> 'city'\) in \(\$\d+::text, \$\d+::text, \$\d+::text\)/);
    expect(params).toEqual([1, "Berlin", "Munich", "Hamburg"]);
  });

  it("city neq Berlin AND city neq Munich is the exact complement of the list; NOT (Berlin OR Munich) too", () => {
    for (const group of [{ conditions: [city("neq", "Berlin"), city("neq", "Munich")] }, { logic: "or" as const, not: true, conditions: [city("eq", "Berlin"), city("eq", "Munich")] }]) {
      const { sql } = compiled(group);
      expect(sql.match(/->> 'city'/g)).toHaveLength(1);
      expect(sql).toMatch(/\(\("p"\."fields" ->> 'city'\) in \(\$\d+::text, \$\d+::text\)\) is not true/);
    }
  });

  it("eq conditions joined by AND, or on different fields, stay apart", () => {
    expect(compiled({ conditions: [city("eq", "Berlin"), city("eq", "Munich")] }).sql.match(/->> 'city'/g)).toHaveLength(2);
    expect(compiled({ logic: "or", conditions: [city("eq", "Berlin"), city("neq", "Munich")] }).sql.match(/->> 'city'/g)).toHaveLength(2);
  });
});

describe("Calculate of a rule that is one event condition counts over events alone", () => {
  const count = (group: Group, range = { from: 0, to: 100 }, limit: number | null = null) => {
    const rule = parseSelectionRule({ databaseId: 1, range, limit, conditions: { logic: "and", groups: [{ logic: "and", not: false, ...group }] } });
    if (!rule.ok) throw new Error(JSON.stringify(rule.issues));
    return dialect.sqlToQuery(selectionCountQuery(compileSelection(rule.value, ctx, { now: NOW })));
  };

  it("at least twice: the grouped events alone, no profiles table", () => {
    const { sql } = count({ conditions: [{ ...clicked, mailing_id: 7, count: { op: "gte", value: 2 } }] });
    expect(sql).not.toMatch(/profiles/);
    expect(sql).toMatch(/group by "e\d+"\."profile_id" having count\(\*\) >= \$\d+::bigint/);
  });

  it("did not with one mailing, lt and lte: the profiles inside the range minus the deciding ones", () => {
    for (const c of [didNot({ ...opened, mailing_id: 7 }), didNot(opened, "lt", 3), didNot(opened, "lte", 2)]) {
      const { sql } = count({ conditions: [c] }, { from: 10, to: 20 });
      expect(sql).toMatch(/^select \(\(select count\(\*\) from profiles p\d+ where .*"range_key" >= .*\) - \(select count\(\*\) from \(select "e\d+"\."profile_id"/);
      expect(sql).toMatch(/md5\(\("c\d+"\."profile_id"\)::text\)/);
    }
  });

  it("did not across a channel or period: the selection's own anti-join over profiles, not total minus distinct", () => {
    for (const group of [{ conditions: [didNot({ ...opened, ...last30 })] }, { not: true, conditions: [opened] }]) {
      const { sql } = count(group, { from: 10, to: 20 });
      expect(sql).toMatch(/^select count\(\*\)::int as count from profiles p where .*not exists \(select 1 from events/);
      expect(sql).not.toMatch(/group by/);
    }
  });

  it("a limit caps the count; a negated group counts the complement; other rules keep the WHERE over profiles", () => {
    expect(count({ conditions: [opened] }, undefined, 50).sql).toMatch(/^select least\(n\.count, \$\d+::bigint\)::int as count from \(select/);
    // The whole range: the database's kept size minus the deciding profiles; part of it: an index-only count.
    expect(count({ not: true, conditions: [{ ...opened, mailing_id: 7 }] }).sql).toMatch(/^select \(coalesce\(\(select sz\.profiles from profile_database_sizes sz where sz\.database_id = \$\d+::int\), 0\) - /);
    expect(count({ not: true, conditions: [{ ...opened, mailing_id: 7 }] }, { from: 0, to: 50 }).sql).toMatch(/^select \(\(select count\(\*\) from profiles/);
    expect(count({ conditions: [opened, { kind: "field", field: "city", op: "eq", value: "Berlin" }] }).sql).toMatch(/from profiles p where/);
  });
});

describe("number property filters of events compare as jsonb", () => {
  it("gt 50 on a purchase's quantity is a jsonb comparison behind a type test, not segment_number", () => {
    const { sql, params } = compiled({ conditions: [{ kind: "event", type: "purchase", where: [{ property: "quantity", op: "gt", value: 50 }] }] });
    expect(sql).toMatch(/jsonb_typeof\(\("e1"\."properties" -> 'quantity'\)\) = 'number' and \("e1"\."properties" -> 'quantity'\) > \$\d+::text::jsonb/);
    expect(sql).not.toMatch(/segment_number|purchase_amount/);
    expect(params).toContain("50");
  });

  it("a count over the events alone compares a purchase's stored purchase_amount (migration 0020), for every number operator; a page's predicate keeps the jsonb", () => {
    const counted = (group: Group) => {
      const rule = parseSelectionRule({ databaseId: 1, conditions: { logic: "and", groups: [{ logic: "and", not: false, ...group }] } as ScriptInput });
      if (!rule.ok) throw new Error(JSON.stringify(rule.issues));
      return dialect.sqlToQuery(selectionCountQuery(compileSelection(rule.value, ctx, { now: NOW }))).sql;
    };
    for (const [op, value] of [["gt", 50], ["neq", 50], ["between", [1, 50]], ["in", [1, 50]], ["not_in", [1, 50]]] as const) {
      const group = { conditions: [{ kind: "event", type: "purchase", count: { op: "gte", value: 3 }, where: [{ property: "amount", op, value }] }] };
      expect(counted(group), op).toMatch(/"e\d+"\."purchase_amount" (>|=|between|in) /);
      expect(counted(group), op).not.toMatch(/"properties"/);
      // Show walks the events in profile order and stops at its page, on the jsonb test's estimate.
      expect(compiled(group).sql, op).not.toMatch(/purchase_amount/);
    }
    // Emptiness reads the jsonb: a string amount is not empty, though its purchase_amount is null.
    expect(counted({ conditions: [{ kind: "event", type: "purchase", where: [{ property: "amount", op: "empty", type: "number" }] }] })).not.toMatch(/purchase_amount/);
    // The amount of another type of event is only in its properties.
    expect(counted({ conditions: [{ kind: "event", type: "refund", where: [{ property: "amount", op: "gt", value: 50 }] }] })).not.toMatch(/purchase_amount/);
  });
});

describe("a property filter keeps the planner's own estimate only in a counted semi-join the profile must pass", () => {
  const bought = (count?: { op: string; value: number }) => ({ kind: "event", type: "purchase", ...(count ? { count } : {}), where: [{ property: "quantity", op: "gt", value: 50 }] });
  const berlin = { kind: "field", field: "city", op: "eq", value: "Berlin" };
  const neutral = (text: string) => /coalesce\(\(jsonb_typeof\(\("e\d+"\."properties" -> 'quantity'\)\)/.test(text);

  it("a required positive count (alone, or beside another condition): the raw filter, so the join can start from the grouped events", () => {
    for (const group of [{ conditions: [bought({ op: "gte", value: 3 })] }, { conditions: [bought({ op: "gt", value: 1 }), berlin] }, { logic: "or" as const, not: true, conditions: [bought({ op: "lt", value: 2 })] }]) {
      const { sql } = compiled(group);
      expect(sql).toMatch(/jsonb_typeof\(\("e\d+"\."properties" -> 'quantity'\)\) = 'number'/);
      expect(neutral(sql), JSON.stringify(group)).toBe(false);
    }
  });

  it("under OR, negated (an anti-join), in a not group, or a plain EXISTS: the neutral estimate, so the join is hashed", () => {
    for (const group of [
      { conditions: [bought(), berlin] },
      { logic: "or" as const, not: true, conditions: [didNot(bought())] },
      { logic: "or" as const, conditions: [bought({ op: "gte", value: 3 }), berlin] },
      { conditions: [didNot(bought()), berlin] },
      { conditions: [bought({ op: "lt", value: 3 })] },
      { not: true, conditions: [bought({ op: "gte", value: 3 }), berlin] },
    ]) {
      expect(neutral(compiled(group).sql), JSON.stringify(group)).toBe(true);
    }
  });
});

describe("explaining one profile: a limited nested segment already explained is not counted again", () => {
  const limited = { id: 7, name: "First 100", databaseId: 1, binned: false, range: { from: 0, to: 100 }, conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "interaction", type: "opened" }] }] }, limit: 100 };
  const withLimited: ValidationContext = { ...ctx, dynamicSegments: new Map([[7, limited]]) };
  const rule = parseSelectionRule({ databaseId: 1, conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: 7, member: true }] }] } });
  const parts = (members?: Map<number, boolean>) => {
    if (!rule.ok) throw new Error(JSON.stringify(rule.issues));
    const built = compileRuleParts(rule.value, withLimited, { now: NOW, limitedUpTo: q`42::bigint`, oneProfile: true, members });
    const where = dialect.sqlToQuery(built.selection.where).sql;
    return { where, from: dialect.sqlToQuery(built.frame().from).sql };
  };

  it("without its tree: a count of its matches below the profile, in a lateral subquery", () => {
    const { from } = parts();
    expect(from).toMatch(/cross join lateral \(select coalesce\(/);
    expect(from).toMatch(/ limit \$\d+::bigint/);
  });

  it("with its tree's answer: that constant, and no count", () => {
    for (const member of [true, false]) {
      const { where, from } = parts(new Map([[7, member]]));
      expect(from).not.toMatch(/lateral/);
      expect(where).not.toMatch(/from events|from profiles/);
      expect(where).toBe(member ? '"p"."database_id" = $1::int' : "false");
    }
  });
});

describe("everyProfile: a selection of every profile of its database", () => {
  const selection = (input: object) => {
    const rule = parseSelectionRule({ databaseId: 1, ...input });
    if (!rule.ok) throw new Error(JSON.stringify(rule.issues));
    return compileSelection(rule.value, ctx, { now: NOW });
  };
  const berlin = { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] };

  it("is the whole range with no condition and no limit, empty groups included", () => {
    expect(selection({ conditions: null }).everyProfile).toBe(true);
    expect(selection({ range: { from: 0, to: 100 }, conditions: { logic: "or", groups: [{ logic: "and", not: false, conditions: [] }] } }).everyProfile).toBe(true);
  });

  it("is not a slice of the range, a condition, or a limit", () => {
    expect(selection({ range: { from: 0, to: 50 }, conditions: null }).everyProfile).toBe(false);
    expect(selection({ conditions: berlin }).everyProfile).toBe(false);
    expect(selection({ conditions: null, limit: 10 }).everyProfile).toBe(false);
  });
});

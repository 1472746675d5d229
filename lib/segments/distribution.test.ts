/**
 * The distribution invariant's check (testing/distribution.ts): it passes the compiler's statements
 * for every kind of condition, and it catches each way a statement could break the invariant — shown
 * on the compiler's own SQL with one predicate removed or changed, and on hand-written statements.
 * The property tests (selection.property.test.ts) run it on every generated rule.
 */
import { describe, expect, it } from "vitest";
import { compileSelection, selectionCountQuery, selectionIdsQuery, type CompiledSelection } from "./compile";
import { parseSelectionRule } from "./script";
import { distributionViolations, renderQuery, type RenderedQuery } from "./testing/distribution";
import { validateSelection, type ValidationContext } from "./validate";

const NOW = new Date("2026-03-15T12:00:00Z");
const DB = 7;
const ctx: ValidationContext = {
  fields: [{ key: "city", type: "string", label: "City" }],
  staticSegments: new Map([[3, { id: 3, name: "VIP", databaseId: DB, binned: false }]]),
  dynamicSegments: new Map([
    [
      11,
      {
        id: 11,
        name: "Recent openers, first 50",
        databaseId: DB,
        binned: false,
        range: { from: 10, to: 90 },
        conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "interaction", type: "opened", count: { op: "gte", value: 2 } }] }] },
        limit: 50,
      },
    ],
    [
      12,
      {
        id: 12,
        name: "Berliners",
        databaseId: DB,
        binned: false,
        range: { from: 0, to: 100 },
        conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] },
        limit: null,
      },
    ],
    [
      13,
      {
        id: 13,
        name: "Recent openers, first 300,000",
        databaseId: DB,
        binned: false,
        range: { from: 0, to: 100 },
        conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "interaction", type: "opened", period: { last_days: 30 } }] }] },
        limit: 300_000,
      },
    ],
    [
      15,
      {
        id: 15,
        name: "Berliners who opened twice, first 40",
        databaseId: DB,
        binned: false,
        range: { from: 0, to: 100 },
        conditions: {
          logic: "and",
          groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }, { kind: "interaction", type: "opened", count: { op: "gte", value: 2 } }] }],
        },
        limit: 40,
      },
    ],
    [
      14,
      {
        id: 14,
        name: "Berliners, first 10",
        databaseId: DB,
        binned: false,
        range: { from: 0, to: 100 },
        conditions: { logic: "and", groups: [{ logic: "and", not: false, conditions: [{ kind: "field", field: "city", op: "eq", value: "Berlin" }] }] },
        limit: 10,
      },
    ],
  ]),
};

const group = (conditions: unknown[], logic = "and", not = false) => ({ logic, not, conditions });

function compile(groups: unknown[], limit: number | null = null): CompiledSelection {
  const rule = parseSelectionRule({ databaseId: DB, range: { from: 5, to: 95 }, conditions: { logic: "and", groups }, limit });
  if (!rule.ok) throw new Error(JSON.stringify(rule.issues));
  expect(validateSelection(rule.value, ctx)).toEqual([]);
  return compileSelection(rule.value, ctx, { now: NOW });
}

/** Every kind of condition, a counted event, a merged pair, a static and both kinds of nested segment. */
const everything = () =>
  compile(
    [
      group([
        { kind: "field", field: "city", op: "eq", value: "Berlin" },
        { kind: "subscription", channel: "email", status: "subscribed" },
        { kind: "event", type: "purchase", where: [{ property: "amount", op: "gt", value: 50 }], count: { op: "gte", value: 2 } },
        { kind: "interaction", type: "bounced", count: { op: "eq", value: 0 } },
      ]),
      group(
        [
          { kind: "interaction", type: "opened", period: { last_days: 30 } },
          { kind: "interaction", type: "clicked", period: { last_days: 30 } },
          { kind: "segment", segment_type: "static", segment_id: 3, member: true },
          { kind: "segment", segment_type: "dynamic", segment_id: 11, member: false },
          { kind: "segment", segment_type: "dynamic", segment_id: 12, member: true },
        ],
        "or",
      ),
    ],
    1000,
  );

const ids = () => renderQuery(selectionIdsQuery(everything()));
const edit = (q: RenderedQuery, from: string | RegExp, to: string): RenderedQuery => {
  const sql = q.sql.replace(from, to);
  expect(sql).not.toBe(q.sql); // the edit really changed the statement
  return { ...q, sql };
};

describe("every compiled statement joins profile-keyed tables on the profile id and filters on the database id", () => {
  it("holds for the compiler's statements: every condition kind, counted and merged events, nested limited segments", () => {
    const selection = everything();
    const text = renderQuery(selectionIdsQuery(selection)).sql;
    // The example reaches every construct the check knows.
    for (const construct of [/from events e\d+/, /from \(select "e\d+"\."profile_id" from events/, /from static_segment_members m\d+/, /"limited_11"\(id\) as materialized/, /"p"\."id" in \(select "c\d+"\."id" from "limited_11" c\d+\)/]) {
      expect(text).toMatch(construct);
    }
    expect(distributionViolations(renderQuery(selectionIdsQuery(selection)), DB)).toEqual([]);
    expect(distributionViolations(renderQuery(selectionCountQuery(selection)), DB)).toEqual([]);
    expect(distributionViolations(renderQuery(selectionCountQuery({ ...selection, limit: null })), DB)).toEqual([]);
  });

  it("holds for a limited segment's own level, whose counted tests are probes (`offset 0`), and still checks them", () => {
    const query = renderQuery(selectionIdsQuery(compile([group([{ kind: "segment", segment_type: "dynamic", segment_id: 15, member: false }])])));
    expect(query.sql).toMatch(/"c\d+"\."profile_id" = "p\d+"\."id" offset 0\)/);
    expect(distributionViolations(query, DB)).toEqual([]);
    expect(distributionViolations(edit(query, /"(c\d+)"\."profile_id" = "(p\d+)"\."id" offset 0\)/, `"$1"."profile_id" = "$2"."range_key" offset 0)`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": its counted profiles "c\d+" are not joined on profile_id = <profiles>\.id$/),
    ]);
  });

  it("accepts a selection whose conditions folded to false (it reads no row)", () => {
    const nothing = compile([group([{ kind: "event", type: "purchase", count: { op: "lt", value: 0 } }])]);
    expect(renderQuery(selectionIdsQuery(nothing)).sql).toMatch(/ where false order by/);
    expect(distributionViolations(renderQuery(selectionIdsQuery(nothing)), DB)).toEqual([]);
  });

  it("fails an event subquery that is not tied to the profile", () => {
    expect(distributionViolations(edit(ids(), /\("e(\d+)"\."profile_id" = "p"\."id" and /, "("), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": not joined to a profile on profile_id = <profiles>\.id$/),
    ]);
  });

  it("fails an event subquery tied to something other than a profile's id", () => {
    expect(distributionViolations(edit(ids(), /"e(\d+)"\."profile_id" = "p"\."id"/, `"e$1"."profile_id" = "p"."range_key"`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": not joined to a profile/),
    ]);
  });

  it("fails an event subquery without the database filter, with another database's, or with it under OR", () => {
    const base = ids();
    const firstEventFilter = /"e(\d+)"\."database_id" = \$(\d+)::int/;
    expect(distributionViolations(edit(base, firstEventFilter, `"e$1"."channel" is not null`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": no filter on database_id = 7$/),
    ]);
    const other = edit(base, firstEventFilter, `"e$1"."database_id" = $${base.params.length + 1}::int`);
    expect(distributionViolations({ ...other, params: [...base.params, DB + 1] }, DB)).toEqual([expect.stringMatching(/^events "e\d+": no filter on database_id/)]);
    expect(distributionViolations(edit(base, firstEventFilter, `("e$1"."database_id" = $$$2::int or true)`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": no filter on database_id/),
    ]);
  });

  it("fails counted events whose derived table is not correlated on the profile id, or not grouped by it", () => {
    expect(distributionViolations(edit(ids(), /where "c(\d+)"\."profile_id" = "p"\."id"/, `where "c$1"."profile_id" > 0`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": its counted profiles "c\d+" are not joined on profile_id/),
    ]);
    expect(distributionViolations(edit(ids(), /group by "e(\d+)"\."profile_id"/, `group by "e$1"."profile_id", "e$1"."type"`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": not joined to a profile/),
    ]);
  });

  it("fails static segment members that are not tied to the profile", () => {
    expect(distributionViolations(edit(ids(), /"m(\d+)"\."profile_id" = "p"\."id"/, `"m$1"."profile_id" in (select 1)`), DB)).toEqual([
      expect.stringMatching(/^static_segment_members "m\d+": not joined to a profile/),
    ]);
  });

  it("fails profiles without the database filter, a limited segment tested on anything but the id, and a CTE that selects more", () => {
    expect(distributionViolations(edit(ids(), /"p"\."database_id" = \$\d+::int and /, ""), DB)).toEqual(['profiles "p": no filter on database_id = 7']);
    expect(distributionViolations(edit(ids(), /"p"\."id" in \(select "c(\d+)"\."id" from "limited_11"/, `"p"."range_key" in (select "c$1"."id" from "limited_11"`), DB)).toEqual([
      expect.stringMatching(/^"limited_11" "c\d+": neither left-joined on id = <profiles>\.id nor tested as <profiles>\.id in \(its ids\)$/),
    ]);
    const berliners = renderQuery(selectionIdsQuery(compile([group([{ kind: "segment", segment_type: "dynamic", segment_id: 14, member: true }])])));
    expect(distributionViolations(berliners, DB)).toEqual([]);
    // A member test also bounds the id by the set's least and greatest id, read from the CTE alone.
    expect(berliners.sql).toMatch(/"p"\."id" >= \(select min\("c\d+"\."id"\) from "limited_14" c\d+\) and "p"\."id" <= \(select max\("c\d+"\."id"\) from "limited_14" c\d+\)/);
    expect(distributionViolations(edit(berliners, /"p"\."id" >= \(select min/, `"p"."range_key" >= (select min`), DB)).toEqual([
      expect.stringMatching(/^"limited_14" "c\d+": neither left-joined on id = <profiles>\.id nor tested as <profiles>\.id in \(its ids\)$/),
    ]);
    expect(distributionViolations(edit(berliners, /as materialized \(select "p(\d+)"\."id" from/, `as materialized (select "p$1"."id", "p$1"."email" from`), DB)).toEqual([
      expect.stringMatching(/^profiles "p\d+": a limited segment's CTE must select only the profile id$/),
    ]);
  });

  it("a limited segment of one event condition takes its ids from the events alone; other events there fail", () => {
    const text = ids();
    expect(text.sql).toMatch(/"limited_11"\(id\) as materialized \(select "e\d+"\."profile_id" as profile_id from events e\d+ where .* group by "e\d+"\."profile_id" having \(count\(\*\) >= .* order by 1 limit \$\d+::bigint\)/);
    expect(text.sql).not.toMatch(/"limited_11"\(id\) as materialized \(select "p\d+"/);
    expect(distributionViolations(edit(text, /as materialized \(select "e(\d+)"\."profile_id" as profile_id from/, `as materialized (select "e$1"."profile_id" + 1 as profile_id from`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": not joined to a profile on profile_id = <profiles>\.id$/),
    ]);
  });

  it("a limited segment of an 'at least once' event condition takes its first ids by DISTINCT ON over the events; another id there fails", () => {
    const text = renderQuery(selectionIdsQuery(compile([group([{ kind: "segment", segment_type: "dynamic", segment_id: 13, member: true }])])));
    expect(text.sql).toMatch(/"limited_13"\(id\) as materialized \(select distinct on \("e(\d+)"\."profile_id"\) "e\1"\."profile_id" as profile_id from events e\1 where .* order by "e\1"\."profile_id" limit \$\d+::bigint\)/);
    expect(distributionViolations(text, DB)).toEqual([]);
    expect(distributionViolations(edit(text, /distinct on \("e(\d+)"\."profile_id"\) "e\d+"\."profile_id" as/, `distinct on ("e$1"."profile_id") "e$1"."profile_id" + 1 as`), DB)).toEqual([
      expect.stringMatching(/^events "e\d+": not joined to a profile on profile_id = <profiles>\.id$/),
    ]);
  });

  it("a limited segment above HASHED_LIMIT is left-joined on the id, and a join on anything else fails", () => {
    const big = renderQuery(selectionIdsQuery(compile([group([{ kind: "segment", segment_type: "dynamic", segment_id: 13, member: false }])])));
    expect(big.sql).toMatch(/from profiles p left join "limited_13" c\d+ on "c\d+"\."id" = "p"\."id" where .*"c\d+"\."id" is null/);
    expect(distributionViolations(big, DB)).toEqual([]);
    expect(distributionViolations(edit(big, /on "c(\d+)"\."id" = "p"\."id"/, `on "c$1"."id" = "p"."range_key"`), DB)).toEqual([
      expect.stringMatching(/^"limited_13" "c\d+": neither left-joined on id = <profiles>\.id nor tested as <profiles>\.id in \(its ids\)$/),
    ]);
  });

  it("fails a table it does not know, a profiles reference that is neither p nor a CTE, and a comma join", () => {
    const q = (sql: string, params: unknown[] = [DB]): RenderedQuery => ({ sql, params });
    expect(distributionViolations(q(`select p.id from profiles p where "p"."database_id" = $1::int and exists (select 1 from mailings m where m.id = 1)`), DB)).toEqual([
      "mailings: a table the distribution plan does not know",
    ]);
    expect(
      distributionViolations(q(`select p.id from profiles p where "p"."database_id" = $1::int and exists (select 1 from profiles q where "q"."database_id" = $1::int and "q"."email" = "p"."email")`), DB),
    ).toEqual(['profiles "q": profiles may only be the selection\'s own (p) or a limited segment\'s CTE']);
    expect(distributionViolations(q(`select p.id from profiles p, events e1 where "p"."database_id" = $1::int and "e1"."database_id" = $1::int and "e1"."profile_id" = "p"."id"`), DB)).toEqual([
      'profiles "p": a comma join (join profile-keyed tables explicitly on the profile id)',
    ]);
  });
});

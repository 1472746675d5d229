import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, getHandle, queryRows, type Db } from "@/db/client";
import {
  dynamicSegmentAccessGroups,
  dynamicSegments,
  profileDatabaseAccessGroups,
  profiles,
  segmentUpdateLog,
  staticSegmentAccessGroups,
  staticSegments,
  users,
} from "@/db/schema";
import { PgDialect } from "drizzle-orm/pg-core";
import { AppError } from "@/lib/errors";
import { calculateQuery } from "./compile";
import { rangeBounds } from "./range";
import type { ScriptInput, SelectionRuleInput } from "./script";
import { calculateSavedSegment, calculateSelection, countOf, PAGE_SETTINGS, prepareSelection, selectionWorkMem, showSelection, streamSelection, withStatementTimeout } from "./selection";
import { actingUser, addEvents, addProfiles, makeDatabase, makeGroup, uniqueName } from "./testing/fixtures";

const admin = actingUser("admin");
const NOW = new Date("2026-03-15T12:00:00Z");

const field = (f: string, op: string, value?: unknown) => ({ kind: "field", field: f, op, ...(value === undefined ? {} : { value }) });
const script = (...groups: { logic?: "and" | "or"; not?: boolean; conditions: unknown[] }[]): ScriptInput =>
  ({ logic: "and", groups }) as ScriptInput;

async function ids(rule: SelectionRuleInput): Promise<number[]> {
  const db = await getDb();
  const shown = await showSelection(db, admin, rule, { now: NOW });
  const { count } = await calculateSelection(db, admin, rule, { now: NOW });
  expect(count).toBe(shown.length); // these fixtures stay under 100 profiles
  return shown.map((p) => p.id);
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("selection semantics (SPEC §2)", () => {
  it("negative operators include profiles whose value is empty", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "city", type: "string" }, { key: "age", type: "number" }]);
    const [berlin, hamburg, none, nullCity, blank] = await addProfiles(db, database.id, [
      { fields: { city: "Berlin", age: 30 } },
      { fields: { city: "Hamburg", age: 40 } },
      { fields: {} },
      { fields: { city: null } },
      { fields: { city: "", age: "" } },
    ]);
    const rule = (f: string, op: string, value?: unknown) => ({ databaseId: database.id, conditions: script({ conditions: [field(f, op, value)] }) });
    expect(await ids(rule("city", "neq", "Berlin"))).toEqual([hamburg, none, nullCity, blank]);
    expect(await ids(rule("city", "not_contains", "ber"))).toEqual([hamburg, none, nullCity, blank]);
    expect(await ids(rule("city", "not_in", ["Berlin", "Hamburg"]))).toEqual([none, nullCity, blank]);
    expect(await ids(rule("city", "empty"))).toEqual([none, nullCity, blank]);
    expect(await ids(rule("city", "not_empty"))).toEqual([berlin, hamburg]);
    expect(await ids(rule("age", "neq", 30))).toEqual([hamburg, none, nullCity, blank]);
    // and a positive operator never matches an empty value
    expect(await ids(rule("city", "eq", ""))).toEqual([]);
    expect(await ids(rule("city", "contains", ""))).toEqual([berlin, hamburg]);
  });

  it("contains, starts_with and ends_with ignore case and take %, _ and \\ literally", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "code", type: "string" }]);
    const [percent, underscore, backslash, plain] = await addProfiles(db, database.id, [
      { fields: { code: "100% Sure" } },
      { fields: { code: "A_B" } },
      { fields: { code: "a\\b" } },
      { fields: { code: "axb 100 sure" } },
    ]);
    const rule = (op: string, value: string) => ({ databaseId: database.id, conditions: script({ conditions: [field("code", op, value)] }) });
    expect(await ids(rule("contains", "0% s"))).toEqual([percent]);
    expect(await ids(rule("contains", "a_b"))).toEqual([underscore]);
    expect(await ids(rule("contains", "a\\b"))).toEqual([backslash]);
    expect(await ids(rule("starts_with", "AX"))).toEqual([plain]);
    expect(await ids(rule("ends_with", "% SURE"))).toEqual([percent]);
    expect(await ids(rule("eq", "a_b"))).toEqual([]); // eq compares exactly
  });

  it("a number property filter compares numbers only, on both drivers (a string or boolean amount never matches)", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const [big, small, text, flag, exact] = await addProfiles(db, database.id, [{}, {}, {}, {}, {}]);
    const at = new Date("2026-03-01T00:00:00Z");
    await addEvents(db, database.id, [
      { profileId: big, channel: "web", type: "purchase", occurredAt: at, properties: { amount: 60.5 } },
      { profileId: small, channel: "web", type: "purchase", occurredAt: at, properties: { amount: 9.5 } },
      { profileId: text, channel: "web", type: "purchase", occurredAt: at, properties: { amount: "70" } },
      { profileId: flag, channel: "web", type: "purchase", occurredAt: at, properties: { amount: true } },
      { profileId: exact, channel: "web", type: "purchase", occurredAt: at, properties: { amount: 50.0 } },
    ]);
    const bought = (where: unknown[], count?: unknown) => ({
      databaseId: database.id,
      conditions: script({ conditions: [{ kind: "event", type: "purchase", where, ...(count ? { count } : {}) }] }),
    });
    expect(await ids(bought([{ property: "amount", op: "gt", value: 50 }]))).toEqual([big]);
    expect(await ids(bought([{ property: "amount", op: "gte", value: 50 }]))).toEqual([big, exact]);
    expect(await ids(bought([{ property: "amount", op: "between", value: [9, 51] }]))).toEqual([small, exact]);
    expect(await ids(bought([{ property: "amount", op: "in", value: [50, 9.5] }]))).toEqual([small, exact]);
    // The same through the events-only Calculate (one condition, zero included).
    expect(await ids(bought([{ property: "amount", op: "gt", value: 50 }], { op: "eq", value: 0 }))).toEqual([small, text, flag, exact]);
  });

  it("a purchase's amount compared as a number reads its stored column, and answers as the JSON value does for any other event", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const amounts: unknown[] = [60.5, 9.5, 50, 50.0, -3, 1e6, "70", "", true, null, { value: 60 }, [60], undefined];
    const people = await addProfiles(db, database.id, amounts.map(() => ({})));
    const at = new Date("2026-03-01T00:00:00Z");
    // The same properties on a purchase (read from `purchase_amount`) and on a page view (from the jsonb).
    await addEvents(
      db,
      database.id,
      amounts.flatMap((amount, i) =>
        (["purchase", "page_view"] as const).map((type) => ({ profileId: people[i], channel: "web" as const, type, occurredAt: at, properties: amount === undefined ? {} : { amount } })),
      ),
    );
    const rule = (type: string, filter: object) => ({ databaseId: database.id, conditions: script({ conditions: [{ kind: "event", type, where: [{ property: "amount", ...filter }] }] }) });
    const filters = [
      { op: "eq", value: 50 },
      { op: "neq", value: 50 },
      { op: "gt", value: 50 },
      { op: "gte", value: 50 },
      { op: "lt", value: 10 },
      { op: "lte", value: 9.5 },
      { op: "between", value: [-5, 50] },
      { op: "in", value: [50, 9.5, 1e6] },
      { op: "not_in", value: [50, 9.5] },
      { op: "empty", type: "number" },
      { op: "not_empty", type: "number" },
    ];
    for (const filter of filters) {
      const purchases = await ids(rule("purchase", filter));
      expect({ filter, purchases }).toEqual({ filter, purchases: await ids(rule("page_view", filter)) });
    }
    // Spot checks against the contract: numbers only, and each negative the complement of its positive.
    expect(await ids(rule("purchase", { op: "gt", value: 50 }))).toEqual([people[0], people[5]]);
    expect(await ids(rule("purchase", { op: "neq", value: 50 }))).toEqual(people.filter((_, i) => i !== 2 && i !== 3));

    const sqlOf = async (type: string, filter: object) => {
      const { selection } = await prepareSelection(db, admin, rule(type, filter), { now: NOW });
      return new PgDialect().sqlToQuery(calculateQuery(selection)).sql;
    };
    expect(await sqlOf("purchase", { op: "gt", value: 50 })).toMatch(/"purchase_amount" >/);
    expect(await sqlOf("purchase", { op: "gt", value: 50 })).not.toMatch(/"properties" -> /);
    expect(await sqlOf("page_view", { op: "gt", value: 50 })).not.toMatch(/purchase_amount/);
    expect(await sqlOf("purchase", { op: "empty", type: "number" })).not.toMatch(/purchase_amount/);
  });

  it('"did not" (count eq 0) includes profiles with no events at all', async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const [opened, openedLongAgo, clickedOnly, noEvents] = await addProfiles(db, database.id, [{}, {}, {}, {}]);
    await addEvents(db, database.id, [
      { profileId: opened, channel: "email", type: "opened", mailingId: 1, occurredAt: new Date("2026-03-01T00:00:00Z") },
      { profileId: openedLongAgo, channel: "email", type: "opened", mailingId: 1, occurredAt: new Date("2025-06-01T00:00:00Z") },
      { profileId: clickedOnly, channel: "email", type: "clicked", mailingId: 1, occurredAt: new Date("2026-03-01T00:00:00Z") },
    ]);
    const didNotOpen = (count: unknown) => ({
      databaseId: database.id,
      conditions: script({ conditions: [{ kind: "interaction", type: "opened", count, period: { last_days: 90 } }] }),
    });
    expect(await ids(didNotOpen({ op: "eq", value: 0 }))).toEqual([openedLongAgo, clickedOnly, noEvents]);
    expect(await ids(didNotOpen({ op: "lt", value: 1 }))).toEqual([openedLongAgo, clickedOnly, noEvents]);
    expect(await ids(didNotOpen({ op: "lte", value: 1 }))).toEqual([opened, openedLongAgo, clickedOnly, noEvents]);
    expect(await ids(didNotOpen(undefined))).toEqual([opened]);
  });

  it("counts compare the number of matching events, with channel, mailing and property filters", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const [twice, once, bigBuyer] = await addProfiles(db, database.id, [{}, {}, {}]);
    const at = new Date("2026-03-10T00:00:00Z");
    await addEvents(db, database.id, [
      { profileId: twice, channel: "email", type: "clicked", mailingId: 7, occurredAt: at },
      { profileId: twice, channel: "email", type: "clicked", mailingId: 7, occurredAt: at },
      { profileId: once, channel: "email", type: "clicked", mailingId: 7, occurredAt: at },
      { profileId: once, channel: "email", type: "clicked", mailingId: 8, occurredAt: at },
      ...[60, 70, 80, 20].map((amount) => ({ profileId: bigBuyer, channel: "web" as const, type: "purchase", occurredAt: at, properties: { amount } })),
    ]);
    const rule = (condition: unknown) => ({ databaseId: database.id, conditions: script({ conditions: [condition] }) });
    expect(await ids(rule({ kind: "interaction", type: "clicked", mailing_id: 7, count: { op: "gte", value: 2 } }))).toEqual([twice]);
    expect(await ids(rule({ kind: "interaction", type: "clicked", mailing_id: 7, count: { op: "eq", value: 1 } }))).toEqual([once]);
    expect(await ids(rule({ kind: "interaction", type: "clicked", count: { op: "lt", value: 2 } }))).toEqual([bigBuyer]);
    const bought = (op: string, value: number) =>
      rule({ kind: "event", type: "purchase", channel: "web", where: [{ property: "amount", op: "gt", value: 50 }], count: { op, value }, period: { last_days: 180 } });
    expect(await ids(bought("gte", 3))).toEqual([bigBuyer]);
    expect(await ids(bought("gte", 4))).toEqual([]);
    expect(await ids(bought("lte", 2))).toEqual([twice, once]);
  });

  it("event conditions sharing one subquery (type in …) select what they select one by one", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const [noEvents, opened, clicked, both, openedLongAgo, openedBySms, deliveredOnly, bounced, unsubscribed, bouncedBySms, bouncedAndUnsubscribed] =
      await addProfiles(db, database.id, Array.from({ length: 11 }, () => ({})));
    const recent = new Date("2026-03-01T00:00:00Z");
    const email = (profileId: number, type: string, occurredAt = recent) => ({ profileId, channel: "email" as const, type, mailingId: 1, occurredAt });
    await addEvents(db, database.id, [
      email(opened, "opened"),
      email(clicked, "clicked"),
      email(both, "opened"),
      email(both, "clicked"),
      email(openedLongAgo, "opened", new Date("2025-12-01T00:00:00Z")),
      { profileId: openedBySms, channel: "sms", type: "opened", occurredAt: recent },
      email(deliveredOnly, "delivered"),
      email(bounced, "bounced"),
      email(unsubscribed, "unsubscribed"),
      { profileId: bouncedBySms, channel: "sms", type: "bounced", occurredAt: recent },
      email(bouncedAndUnsubscribed, "bounced"),
      email(bouncedAndUnsubscribed, "unsubscribed"),
    ]);
    const everyone = [noEvents, opened, clicked, both, openedLongAgo, openedBySms, deliveredOnly, bounced, unsubscribed, bouncedBySms, bouncedAndUnsubscribed];
    const except = (...out: number[]) => everyone.filter((id) => !out.includes(id));
    const rule = (conditions: ScriptInput) => ({ databaseId: database.id, conditions });
    const last30 = { period: { last_days: 30 } };
    const openedIn30 = { kind: "interaction", type: "opened", ...last30 };
    const clickedIn30 = { kind: "interaction", type: "clicked", ...last30, count: { op: "gt", value: 0 } };
    const did = (c: object, op: string, value: number) => ({ ...c, count: { op, value } });

    // OR of opened / clicked in the last 30 days; the same with one channel, and the unmerged form (two groups)
    const openedOrClicked = [opened, clicked, both, openedBySms];
    expect(await ids(rule(script({ logic: "or", conditions: [openedIn30, clickedIn30] })))).toEqual(openedOrClicked);
    expect(await ids(rule({ logic: "or", groups: [{ conditions: [openedIn30] }, { conditions: [clickedIn30] }] } as ScriptInput))).toEqual(openedOrClicked);
    expect(await ids(rule(script({ logic: "or", conditions: [{ ...openedIn30, channel: "email" }, { ...clickedIn30, channel: "email" }] })))).toEqual([opened, clicked, both]);

    // NOT (bounced OR unsubscribed by email): profiles without events and with only one of the types decided right
    const bouncedByEmail = { kind: "interaction", channel: "email", type: "bounced" };
    const unsubscribedByEmail = { kind: "interaction", channel: "email", type: "unsubscribed" };
    const neither = except(bounced, unsubscribed, bouncedAndUnsubscribed);
    expect(await ids(rule(script({ logic: "or", not: true, conditions: [bouncedByEmail, unsubscribedByEmail] })))).toEqual(neither);
    expect(await ids(rule(script({ not: true, conditions: [bouncedByEmail] }, { not: true, conditions: [unsubscribedByEmail] })))).toEqual(neither);
    // and its complement, NOT (did not bounce AND did not unsubscribe) = bounced or unsubscribed
    expect(
      await ids(rule(script({ logic: "and", not: true, conditions: [did(bouncedByEmail, "eq", 0), did(unsubscribedByEmail, "lte", 0)] }))),
    ).toEqual([bounced, unsubscribed, bouncedAndUnsubscribed]);

    // AND of did-not-open / did-not-click in the last 30 days (eq 0 and lt 1), merged and as two groups
    const neitherOpenedNorClicked = except(opened, clicked, both, openedBySms);
    expect(await ids(rule(script({ conditions: [did(openedIn30, "eq", 0), did(clickedIn30, "lt", 1)] })))).toEqual(neitherOpenedNorClicked);
    expect(await ids(rule(script({ conditions: [did(openedIn30, "eq", 0)] }, { conditions: [did(clickedIn30, "lt", 1)] })))).toEqual(neitherOpenedNorClicked);

    // the same types under logic that cannot share a subquery stay apart and stay right
    expect(await ids(rule(script({ logic: "and", conditions: [openedIn30, clickedIn30] })))).toEqual([both]);
    expect(await ids(rule(script({ logic: "or", conditions: [did(openedIn30, "eq", 0), did(clickedIn30, "eq", 0)] })))).toEqual(except(both));
  });

  it("and/or: groups join with the script's logic, conditions with their group's, and not negates a group", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "a", type: "boolean" }, { key: "b", type: "boolean" }, { key: "c", type: "boolean" }]);
    const combos = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => ({ fields: { a: Boolean(n & 4), b: Boolean(n & 2), c: Boolean(n & 1) } }));
    const idList = await addProfiles(db, database.id, combos);
    const where = (pred: (a: boolean, b: boolean, c: boolean) => boolean) =>
      idList.filter((_, n) => pred(Boolean(n & 4), Boolean(n & 2), Boolean(n & 1)));
    const t = (key: string) => field(key, "is_true");
    // (a OR b) AND c — not a OR (b AND c)
    expect(
      await ids({ databaseId: database.id, conditions: script({ logic: "or", conditions: [t("a"), t("b")] }, { conditions: [t("c")] }) }),
    ).toEqual(where((a, b, c) => (a || b) && c));
    // (a AND b) OR c
    expect(
      await ids({
        databaseId: database.id,
        conditions: { logic: "or", groups: [{ logic: "and", conditions: [t("a"), t("b")] }, { logic: "and", conditions: [t("c")] }] } as ScriptInput,
      }),
    ).toEqual(where((a, b, c) => (a && b) || c));
    // NOT (a OR b) AND c
    expect(
      await ids({ databaseId: database.id, conditions: script({ logic: "or", not: true, conditions: [t("a"), t("b")] }, { conditions: [t("c")] }) }),
    ).toEqual(where((a, b, c) => !(a || b) && c));
    // no groups, an empty group, or null conditions: no filtering
    expect(await ids({ databaseId: database.id, conditions: script() })).toEqual(idList);
    expect(await ids({ databaseId: database.id, conditions: script({ not: true, conditions: [] }) })).toEqual(idList);
    expect(await ids({ databaseId: database.id, conditions: null })).toEqual(idList);
  });

  it("dates: a date-only value is its whole UTC day, a date-time an instant, relative days count from now", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "seen", type: "date" }]);
    const [dayStart, dayEnd, nextDay, offset, thirtyDaysAgo, future] = await addProfiles(db, database.id, [
      { fields: { seen: "2026-03-10" } },
      { fields: { seen: "2026-03-10T23:59:59.999999Z" } },
      { fields: { seen: "2026-03-11T00:00:00Z" } },
      { fields: { seen: "2026-03-11T01:00:00+02:00" } }, // 2026-03-10T23:00Z
      { fields: { seen: "2026-02-13T12:00:00Z" } },
      { fields: { seen: "2026-03-20T12:00:00Z" } },
    ]);
    const rule = (op: string, value?: unknown) => ({ databaseId: database.id, conditions: script({ conditions: [field("seen", op, value)] }) });
    expect(await ids(rule("eq", "2026-03-10"))).toEqual([dayStart, dayEnd, offset]);
    expect(await ids(rule("eq", "2026-03-10T23:00:00Z"))).toEqual([offset]);
    expect(await ids(rule("before", "2026-03-10"))).toEqual([thirtyDaysAgo]);
    expect(await ids(rule("after", "2026-03-10"))).toEqual([nextDay, future]);
    expect(await ids(rule("after", "2026-03-10T23:00:00Z"))).toEqual([dayEnd, nextDay, future]);
    expect(await ids(rule("between", ["2026-03-10", "2026-03-10"]))).toEqual([dayStart, dayEnd, offset]);
    expect(await ids(rule("within_last_days", 30))).toEqual([dayStart, dayEnd, nextDay, offset, thirtyDaysAgo]);
    expect(await ids(rule("more_than_days_ago", 29))).toEqual([thirtyDaysAgo]);
    expect(await ids(rule("within_next_days", 7))).toEqual([future]);
  });

  it("subscriptions match subscribed, unsubscribed and none (no status recorded)", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const [yes, no, none] = await addProfiles(db, database.id, [
      { smsSubscription: "subscribed" },
      { smsSubscription: "unsubscribed" },
      { smsSubscription: null },
    ]);
    const rule = (status: string, not = false) => ({
      databaseId: database.id,
      conditions: script({ not, conditions: [{ kind: "subscription", channel: "sms", status }] }),
    });
    expect(await ids(rule("subscribed"))).toEqual([yes]);
    expect(await ids(rule("unsubscribed"))).toEqual([no]);
    expect(await ids(rule("none"))).toEqual([none]);
    expect(await ids(rule("subscribed", true))).toEqual([no, none]);
  });
});

describe("range and limit", () => {
  it("range keys match the documented md5 formula computed in JavaScript", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const idList = await addProfiles(db, database.id, Array.from({ length: 50 }, () => ({})));
    const rows = await db.select({ id: profiles.id, key: profiles.rangeKey }).from(profiles).where(eq(profiles.databaseId, database.id));
    for (const row of rows) {
      expect(row.key).toBe(parseInt(createHash("md5").update(String(row.id)).digest("hex").slice(0, 8), 16));
    }
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(idList);
  });

  it("range bounds are floor(basis points · 2^32 / 10000), exactly", () => {
    expect(rangeBounds({ from: 0, to: 100 })).toEqual({ lo: 0n, hi: 4294967296n });
    expect(rangeBounds({ from: 20, to: 40 })).toEqual({ lo: 858993459n, hi: 1717986918n });
    expect(rangeBounds({ from: 0.01, to: 99.99 })).toEqual({ lo: 429496n, hi: 4294537799n });
    expect(rangeBounds({ from: 0.29, to: 0.57 }).lo).toBe((29n * 2n ** 32n) / 10000n);
  });

  it("adjacent ranges partition the database exactly, and 0–100 is everyone", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const all = await addProfiles(db, database.id, Array.from({ length: 300 }, () => ({})));
    const cuts = [0, 12.5, 20, 33.33, 50, 50.01, 87.65, 100];
    const seen: number[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const { count } = await calculateSelection(db, admin, { databaseId: database.id, range: { from: cuts[i], to: cuts[i + 1] } });
      const part: number[] = [];
      for await (const page of streamSelection(db, admin, { databaseId: database.id, range: { from: cuts[i], to: cuts[i + 1] } }, { pageSize: 40 })) {
        part.push(...page.map((p) => p.id));
      }
      expect(part.length).toBe(count);
      seen.push(...part);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(all);
    expect((await calculateSelection(db, admin, { databaseId: database.id })).count).toBe(300);
  });

  it("the limit takes the lowest ids of the selection, after range and conditions", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "n", type: "number" }]);
    const idList = await addProfiles(db, database.id, Array.from({ length: 150 }, (_, i) => ({ fields: { n: i } })));
    const odd = idList.filter((_, i) => i % 2 === 1);
    const rule = { databaseId: database.id, conditions: script({ conditions: [field("n", "in", Array.from({ length: 75 }, (_, i) => 2 * i + 1))] }) };
    expect((await calculateSelection(db, admin, { ...rule, limit: 10 })).count).toBe(10);
    expect((await showSelection(db, admin, { ...rule, limit: 10 })).map((p) => p.id)).toEqual(odd.slice(0, 10));
    expect((await calculateSelection(db, admin, { ...rule, limit: 1000 })).count).toBe(75);
    // Show is the first 100 of the selection; a stream with a limit stops at the limit
    expect((await showSelection(db, admin, { databaseId: database.id })).map((p) => p.id)).toEqual(idList.slice(0, 100));
    const streamed: number[] = [];
    for await (const page of streamSelection(db, admin, { databaseId: database.id, limit: 123 }, { pageSize: 50 })) streamed.push(...page.map((p) => p.id));
    expect(streamed).toEqual(idList.slice(0, 123));
    const inRange = (await showSelection(db, admin, { databaseId: database.id, range: { from: 30, to: 60 }, limit: 5 })).map((p) => p.id);
    const { lo, hi } = rangeBounds({ from: 30, to: 60 });
    const keys = await db.select({ id: profiles.id, key: profiles.rangeKey }).from(profiles).where(eq(profiles.databaseId, database.id)).orderBy(profiles.id);
    expect(inRange).toEqual(keys.filter((k) => BigInt(k.key) >= lo && BigInt(k.key) < hi).slice(0, 5).map((k) => k.id));
  });

  it("Show answers profiles shaped as SPEC §5", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "city", type: "string" }]);
    const [id] = await addProfiles(db, database.id, [
      { email: "a@example.com", firstName: "Ann", fields: { city: "Berlin" }, emailSubscription: "subscribed", createdAt: new Date("2026-01-02T03:04:05Z") },
    ]);
    const [profile] = await showSelection(db, admin, { databaseId: database.id });
    expect(profile).toMatchObject({
      id,
      email: "a@example.com",
      phone: null,
      first_name: "Ann",
      last_name: null,
      created_at: "2026-01-02T03:04:05.000Z",
      fields: { city: "Berlin" },
      subscriptions: { email: "subscribed", sms: null, push: null },
    });
    expect(typeof profile.updated_at).toBe("string");
  });
});

describe("Calculate's planner settings", () => {
  it("a count without a limit runs without nested loops, a limited one with the planner's choice, and the setting is restored after", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    // The statement itself reports the setting it ran under (as its count).
    const reportsNestedLoops = () => sql`select (current_setting('enable_nestloop') = 'on')::int as count`;
    for (const [limit, expected] of [
      [null, 0],
      [10, 1],
    ] as const) {
      const { selection } = await prepareSelection(db, admin, { databaseId: database.id, range: { from: 0, to: 100 }, conditions: null, limit }, { now: NOW });
      const ranWith = await db.transaction(async (tx) => {
        const during = await countOf(tx as never, selection, reportsNestedLoops);
        const [after] = await queryRows<{ setting: string }>(tx as never, sql`select current_setting('enable_nestloop') as setting`);
        return { during, after: after.setting };
      });
      expect(ranWith).toEqual({ during: expected, after: "on" });
    }
  });
});

describe("a page's planner settings", () => {
  it("a page of profiles runs without JIT compilation, after the statement timeout's own settings, and a caller's transaction gets its settings back", async () => {
    const db = await getDb();
    const setting = async (tx: Db) => (await queryRows<{ jit: string; memory: string }>(tx, sql`select current_setting('jit') as jit, current_setting('work_mem') as memory`))[0];
    const ran = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('jit', 'on', true)`);
      const during = await withStatementTimeout(tx as never, 5_000, setting, PAGE_SETTINGS);
      return { during, after: await setting(tx as never) };
    });
    expect(ran.during).toEqual({ jit: "off", memory: selectionWorkMem() });
    expect(ran.after.jit).toBe("on");
    expect(ran.after.memory).not.toBe(selectionWorkMem());
  });
});

describe("segments in conditions", () => {
  it("membership in a static segment and in a dynamic segment with its own range, conditions and limit", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "n", type: "number" }]);
    const idList = await addProfiles(db, database.id, Array.from({ length: 20 }, (_, i) => ({ fields: { n: i } })));
    const [list] = await db.insert(staticSegments).values({ name: uniqueName("List"), databaseId: database.id }).returning();
    await db.execute(sql`insert into static_segment_members (segment_id, profile_id) values (${list.id}, ${idList[1]}), (${list.id}, ${idList[5]})`);
    const [evens] = await db
      .insert(dynamicSegments)
      .values({ name: "Evens", databaseId: database.id, conditions: script({ conditions: [field("n", "in", [0, 2, 4, 6, 8, 10, 12])] }), limit: 3 })
      .returning();
    const member = (segment_type: string, segment_id: number, m = true) => ({
      databaseId: database.id,
      conditions: script({ conditions: [{ kind: "segment", segment_type, segment_id, member: m }] }),
    });
    expect(await ids(member("static", list.id))).toEqual([idList[1], idList[5]]);
    expect(await ids(member("dynamic", evens.id))).toEqual([idList[0], idList[2], idList[4]]);
    expect((await ids(member("dynamic", evens.id, false))).length).toBe(17);
  });

  it("limited dynamic segments nested three deep, as members and non-members, inside OR and NOT, select what their own selections select", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "n", type: "number" }]);
    const idList = await addProfiles(db, database.id, Array.from({ length: 60 }, (_, i) => ({ fields: { n: i % 10 } })));
    await addEvents(db, database.id, idList.filter((_, i) => i % 3 === 0).map((profileId) => ({ profileId, channel: "web", type: "purchase", occurredAt: new Date("2026-03-01T00:00:00Z") })));
    const save = async (name: string, conditions: ScriptInput, limit: number | null, range = { from: 0, to: 100 }) =>
      (await db.insert(dynamicSegments).values({ name, databaseId: database.id, conditions, limit, rangeFrom: range.from, rangeTo: range.to }).returning())[0].id;
    const seg = (id: number, member = true) => ({ kind: "segment", segment_type: "dynamic", segment_id: id, member });
    const buyers = await save("Buyers", script({ conditions: [{ kind: "event", type: "purchase" }] }), 12, { from: 0, to: 90 });
    const notBuyers = await save("Not buyers", script({ logic: "or", conditions: [seg(buyers, false), field("n", "eq", 0)] }), 25);
    const deep = await save("Deep", script({ not: true, conditions: [seg(notBuyers)] }, { conditions: [field("n", "lt", 8)] }), 30);
    const rule = (...conditions: unknown[]) => ({ databaseId: database.id, conditions: script({ logic: "or", conditions }) });
    const own = async (id: number) => {
      const [s] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, id));
      return new Set(await ids({ databaseId: database.id, range: { from: s.rangeFrom, to: s.rangeTo }, conditions: s.conditions as ScriptInput, limit: s.limit }));
    };
    const [b, nb, d] = [await own(buyers), await own(notBuyers), await own(deep)];
    expect([b.size, nb.size]).toEqual([12, 25]);
    // Each level really is limited and nested: the outer sets are built from the inner ones.
    expect([...nb].every((id) => !b.has(id) || idList.indexOf(id) % 10 === 0)).toBe(true);
    expect([...d].every((id) => !nb.has(id))).toBe(true);
    expect(await ids(rule(seg(deep)))).toEqual(idList.filter((id) => d.has(id)));
    expect(await ids(rule(seg(deep, false)))).toEqual(idList.filter((id) => !d.has(id)));
    expect(await ids(rule(seg(buyers), seg(deep)))).toEqual(idList.filter((id) => b.has(id) || d.has(id)));
    expect(await ids({ databaseId: database.id, conditions: script({ not: true, logic: "or", conditions: [seg(buyers), seg(notBuyers, false)] }) })).toEqual(
      idList.filter((id) => !b.has(id) && nb.has(id)),
    );
  });

  it("a cycle of dynamic segments is rejected, directly or through another segment", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    await addProfiles(db, database.id, [{}]);
    const [a] = await db.insert(dynamicSegments).values({ name: "A", databaseId: database.id }).returning();
    const [b] = await db
      .insert(dynamicSegments)
      .values({ name: "B", databaseId: database.id, conditions: script({ conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: a.id }] }) })
      .returning();
    await db
      .update(dynamicSegments)
      .set({ conditions: script({ conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: b.id }] }) })
      .where(eq(dynamicSegments.id, a.id));
    const error = await rejection(calculateSavedSegment(db, admin, a.id));
    expect(error.code).toBe("validation_failed");
    expect(error.issues).toEqual([{ path: "conditions.groups[0].conditions[0].segment_id", message: 'Segments may not refer to each other in a cycle: "A" → "B" → "A".' }]);
    const quick = await rejection(
      prepareSelection(db, admin, { databaseId: database.id, conditions: script({ conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: a.id }] }) }),
    );
    expect(quick.issues[0].path).toBe("conditions.groups[0].conditions[0].segment_id");
    expect(quick.issues[0].message).toMatch(/cycle: "A" → "B" → "A"/);
    // saving B to refer to itself is a cycle of one
    const self = await rejection(
      prepareSelection(db, admin, { databaseId: database.id, conditions: script({ conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: b.id }] }) }, { segmentId: b.id }),
    );
    expect(self.issues[0].message).toMatch(/cycle/);
  });

  it("a binned or foreign segment is a validation error", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    const other = await makeDatabase(db);
    const [binned] = await db.insert(dynamicSegments).values({ name: "Old", databaseId: database.id, deletedAt: new Date() }).returning();
    const [foreign] = await db.insert(staticSegments).values({ name: "Theirs", databaseId: other.id }).returning();
    const error = await rejection(
      calculateSelection(db, admin, {
        databaseId: database.id,
        conditions: script({
          conditions: [
            { kind: "segment", segment_type: "dynamic", segment_id: binned.id },
            { kind: "segment", segment_type: "static", segment_id: foreign.id },
          ],
        }),
      }),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => i.path)).toEqual(["conditions.groups[0].conditions[0].segment_id", "conditions.groups[0].conditions[1].segment_id"]);
    expect(error.issues[0].message).toMatch(/bin/);
    expect(error.issues[1].message).toMatch(/another profile database/);
  });
});

describe("untrusted input", () => {
  const attacks = [
    "'; drop table profiles; --",
    "x' or '1'='1",
    "\\'; select pg_sleep(10); --",
    "') or 1=1 --",
    "$$; delete from profiles; $$",
    "fields->>'city'",
  ];

  it("SQL injection strings as values match literally and change nothing", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "city", type: "string" }]);
    const [target, berlin] = await addProfiles(db, database.id, [{ fields: { city: attacks[0] } }, { fields: { city: "Berlin" } }]);
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(profiles);
    for (const value of attacks) {
      const hit = value === attacks[0] ? [target] : [];
      const city = (op: string) => ids({ databaseId: database.id, conditions: script({ conditions: [field("city", op, value)] }) });
      expect(await city("eq")).toEqual(hit);
      expect(await city("contains")).toEqual(hit);
      expect(await city("starts_with")).toEqual(hit);
      expect(await city("neq")).toEqual(value === attacks[0] ? [berlin] : [target, berlin]);
      expect(await ids({ databaseId: database.id, conditions: script({ conditions: [field("email", "in", [value])] }) })).toEqual([]);
      const event = { kind: "event", type: value, where: [{ property: value, op: "eq", value }], count: { op: "eq", value: 0 } };
      expect(await ids({ databaseId: database.id, conditions: script({ conditions: [event] }) })).toEqual([target, berlin]);
    }
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(profiles)).toEqual(before);
  });

  it("SQL injection strings as field names are a validation error and change nothing", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "city", type: "string" }]);
    await addProfiles(db, database.id, [{ fields: { city: "Berlin" } }]);
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(profiles);
    for (const name of attacks) {
      const error = await rejection(calculateSelection(db, admin, { databaseId: database.id, conditions: script({ conditions: [field(name, "eq", "x")] }) }));
      expect(error.code).toBe("validation_failed");
      expect(error.issues).toEqual([{ path: "conditions.groups[0].conditions[0].field", message: expect.stringContaining("Unknown field") }]);
    }
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(profiles)).toEqual(before);
  });

  it("SQL injection strings where a number, an id or a name is expected are validation errors", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "age", type: "number" }]);
    const bad = attacks[0];
    const cases: [unknown, string][] = [
      [field("age", "eq", bad), "conditions.groups[0].conditions[0].value"],
      [field("id", "in", [1, bad]), "conditions.groups[0].conditions[0].value[1]"],
      [{ kind: "segment", segment_type: "static", segment_id: bad }, "conditions.groups[0].conditions[0].segment_id"],
      [{ kind: "subscription", channel: bad, status: "none" }, "conditions.groups[0].conditions[0].channel"],
      [{ kind: "interaction", type: bad }, "conditions.groups[0].conditions[0].type"],
      [{ kind: "event", type: "x", period: { from: bad } }, "conditions.groups[0].conditions[0].period.from"],
      [{ kind: "event", type: "x", where: [{ property: "p", op: bad, value: 1 }] }, "conditions.groups[0].conditions[0].where[0].op"],
    ];
    for (const [condition, path] of cases) {
      const error = await rejection(calculateSelection(db, admin, { databaseId: database.id, conditions: script({ conditions: [condition] }) }));
      expect(error.code).toBe("validation_failed");
      expect(error.issues.map((i) => i.path)).toEqual([path]);
    }
    expect((await rejection(calculateSelection(db, admin, { databaseId: database.id, limit: bad }))).issues.map((i) => i.path)).toEqual(["limit"]);
    expect((await rejection(calculateSelection(db, admin, { databaseId: bad }))).issues.map((i) => i.path)).toEqual(["databaseId"]);
  });

  it("a custom field key that is not a plain identifier is read through a bound parameter", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "it's a 'key'", type: "string" }]);
    const [match] = await addProfiles(db, database.id, [{ fields: { "it's a 'key'": "yes" } }, { fields: {} }]);
    expect(await ids({ databaseId: database.id, conditions: script({ conditions: [field("it's a 'key'", "eq", "yes")] }) })).toEqual([match]);
  });
});

describe("access (SPEC §3)", () => {
  it("an invisible database answers not found, before any validation", async () => {
    const db = await getDb();
    const group = await makeGroup(db);
    const database = await makeDatabase(db, [{ key: "city", type: "string" }]);
    await db.insert(profileDatabaseAccessGroups).values({ databaseId: database.id, groupId: group.id });
    const outsider = actingUser("marketer");
    const insider = actingUser("marketer", [group.id]);
    for (const run of [calculateSelection, showSelection]) {
      expect((await rejection(run(db, outsider, { databaseId: database.id }))).code).toBe("not_found");
      expect((await rejection(run(db, outsider, { databaseId: database.id, conditions: script({ conditions: [field("nope", "eq", 1)] }) }))).code).toBe(
        "not_found",
      );
    }
    expect((await rejection(calculateSelection(db, outsider, { databaseId: 987654 }))).code).toBe("not_found");
    expect((await calculateSelection(db, insider, { databaseId: database.id })).count).toBe(0);
  });

  it("an invisible referenced segment answers not found, like an absent one", async () => {
    const db = await getDb();
    const group = await makeGroup(db);
    const database = await makeDatabase(db);
    await addProfiles(db, database.id, [{}]);
    const [hiddenDynamic] = await db.insert(dynamicSegments).values({ name: "Hidden", databaseId: database.id }).returning();
    await db.insert(dynamicSegmentAccessGroups).values({ segmentId: hiddenDynamic.id, groupId: group.id });
    const [hiddenStatic] = await db.insert(staticSegments).values({ name: uniqueName("Hidden list"), databaseId: database.id }).returning();
    await db.insert(staticSegmentAccessGroups).values({ segmentId: hiddenStatic.id, groupId: group.id });
    // a visible segment that refers to the hidden one does not open it up
    const [wrapper] = await db
      .insert(dynamicSegments)
      .values({ name: "Wrapper", databaseId: database.id, conditions: script({ conditions: [{ kind: "segment", segment_type: "dynamic", segment_id: hiddenDynamic.id }] }) })
      .returning();
    const outsider = actingUser("marketer");
    const insider = actingUser("marketer", [group.id]);
    const refer = (segment_type: string, segment_id: number) => ({
      databaseId: database.id,
      conditions: script({ conditions: [{ kind: "segment", segment_type, segment_id }] }),
    });
    for (const [type, id] of [["dynamic", hiddenDynamic.id], ["static", hiddenStatic.id], ["dynamic", wrapper.id], ["dynamic", 999999], ["static", 999999]] as const) {
      for (const run of [calculateSelection, showSelection]) {
        const error = await rejection(run(db, outsider, refer(type, id)));
        expect(error.code).toBe("not_found");
        expect(error.issues[0].path).toBe("conditions.groups[0].conditions[0].segment_id");
      }
    }
    expect((await calculateSelection(db, insider, refer("dynamic", wrapper.id))).count).toBe(1);
    expect((await calculateSelection(db, insider, refer("static", hiddenStatic.id))).count).toBe(0);
  });
});

describe("saved segments and timeouts", () => {
  it("calculating a saved segment stores its count and writes the update log", async () => {
    const db = await getDb();
    const [user] = await db.insert(users).values({ email: `${uniqueName("u")}@example.com`, name: "Calc", passwordHash: "x", role: "marketer" }).returning();
    const acting = actingUser("marketer");
    Object.assign(acting, { id: user.id });
    const database = await makeDatabase(db, [{ key: "n", type: "number" }]);
    await addProfiles(db, database.id, [{ fields: { n: 1 } }, { fields: { n: 2 } }, { fields: { n: 3 } }]);
    const [segment] = await db
      .insert(dynamicSegments)
      .values({ name: "Big n", databaseId: database.id, conditions: script({ conditions: [field("n", "gte", 2)] }) })
      .returning();
    const result = await calculateSavedSegment(db, acting, segment.id, { now: NOW });
    expect(result).toEqual({ count: 2, calculatedAt: NOW });
    const [saved] = await db.select().from(dynamicSegments).where(eq(dynamicSegments.id, segment.id));
    expect(saved.lastCount).toBe(2);
    expect(saved.lastCalculatedAt?.toISOString()).toBe(NOW.toISOString());
    const log = await db.select().from(segmentUpdateLog).where(eq(segmentUpdateLog.segmentId, segment.id));
    expect(log).toMatchObject([{ kind: "calculated", userId: user.id, count: 2 }]);
    expect((await rejection(calculateSavedSegment(db, acting, 999999))).code).toBe("not_found");
  });

  it("a selection that runs too long is cancelled with a clear message, and the connection stays usable", async () => {
    const handle = await getHandle();
    if (handle.driver !== "postgres") return; // PGlite cannot cancel a running statement (see selection.ts)
    const db = handle.db;
    const database = await makeDatabase(db, [{ key: "city", type: "string" }]);
    await db.execute(sql`insert into profiles (database_id, fields) select ${database.id}, jsonb_build_object('city', md5(g::text)) from generate_series(1, 60000) g`);
    const heavy = script(
      ...Array.from({ length: 5 }, (_, g) => ({
        logic: "or" as const,
        conditions: Array.from({ length: 40 }, (__, i) => field("city", "contains", `${g}${i}x`)),
      })),
    );
    const error = await rejection(calculateSelection(db, admin, { databaseId: database.id, conditions: heavy }, { timeoutMs: 5 }));
    expect(error.code).toBe("timeout");
    expect(error.message).toMatch(/^This selection timed out after 5 ms \(its time limit\)\. Narrow the range/);
    expect((await calculateSelection(db, admin, { databaseId: database.id, limit: 7 })).count).toBe(7);
    const [row] = await queryRows<{ timeout: string }>(db, sql`select current_setting('statement_timeout') as timeout`);
    expect(row.timeout).toBe("0"); // the timeout was local to the calculation's transaction
  });

  it("inside a caller's transaction, the timeout does not outlive the calculation", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = '42s'`);
      expect((await calculateSelection(tx, admin, { databaseId: database.id }, { timeoutMs: 5000 })).count).toBe(0);
      const [row] = await queryRows<{ timeout: string }>(tx, sql`select current_setting('statement_timeout') as timeout`);
      expect(row.timeout).toBe("42s");
    });
  });
});

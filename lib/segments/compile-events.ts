/**
 * `interaction` and `event` conditions: how many of the profile's events match, compared with a count.
 *
 * The shape follows what the count asks, so that PostgreSQL can plan joins instead of a count per
 * profile: "at least once" is `EXISTS` (a semi-join), "never" is `NOT EXISTS` (an anti-join), and any
 * other count is an `EXISTS` over the counted profiles,
 * `(SELECT profile_id … GROUP BY profile_id HAVING count(*) …) c WHERE c.profile_id = p.id` — the same
 * semi-join as `id IN (…)` at the top level, but under OR it can also run per profile through the
 * `(profile_id, type, occurred_at)` index instead of a linear scan when the counted set is too big to
 * hash. When a count also matches profiles without any event (`lte 2`), it is written as the
 * complement, `NOT EXISTS (… HAVING count(*) > 2 …)`, an anti-join, so that those profiles are included.
 *
 * Plain conditions that differ only in their type share one subquery over `type in (…)` where their
 * group joins them the right way (OR of `EXISTS`, AND of `NOT EXISTS`): see `mergeKey`, used by
 * `compile.ts`.
 */
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { formatInstant, MICROS_PER_DAY, parseConditionDate } from "./dates";
import { propertyFilterType } from "./fields";
import { fieldPredicate, jsonValueSource, type ValueSource } from "./compile-field";
import { allOf, column, toSql, type AliasPool, type Predicate } from "./predicate";
import type { Count, EventCondition, InteractionCondition, Period } from "./script";

type CountOp = Count["op"] | "neq";

const COMPLEMENT: Record<CountOp, CountOp> = { eq: "neq", neq: "eq", gte: "lt", lt: "gte", gt: "lte", lte: "gt" };

function holds(count: number, op: CountOp, value: number): boolean {
  switch (op) {
    case "eq":
      return count === value;
    case "neq":
      return count !== value;
    case "gte":
      return count >= value;
    case "gt":
      return count > value;
    case "lte":
      return count <= value;
    case "lt":
      return count < value;
  }
}

/** Whether every count ≥ 1 satisfies the comparison (e.g. `gte 1`, `gt 0`, `neq 0`). */
function holdsForEveryPositive(op: CountOp, value: number): boolean {
  return (op === "gte" && value <= 1) || (op === "gt" && value <= 0) || (op === "neq" && value === 0);
}

/** Whether no count ≥ 1 satisfies the comparison (e.g. `eq 0`, `lt 1`, `lte 0`). */
function holdsForNoPositive(op: CountOp, value: number): boolean {
  return (op === "lt" && value <= 1) || ((op === "lte" || op === "eq") && value === 0);
}

const HAVING: Record<CountOp, SQL> = {
  eq: sql`=`,
  neq: sql`<>`,
  gte: sql`>=`,
  gt: sql`>`,
  lte: sql`<=`,
  lt: sql`<`,
};

export type EventEnv = {
  databaseId: number;
  now: bigint;
  aliases: AliasPool;
  /**
   * Which EXISTS tests are per-profile probes (`existsTest`): Show's "did not" ones (`anti`, a page's
   * own level), all (`all`, the streamed levels of limited segments), or the counted ones (`counted`,
   * the level of a limited segment's first ids); else the planner's choice.
   */
  probe?: "anti" | "all" | "counted";
  /**
   * The condition must hold for a profile to be selected (compile.ts, `Env.required`): where it is also
   * a positive count (a semi-join to grouped events), property filters keep the planner's own
   * estimates (`neutralEstimate`).
   */
  required?: boolean;
  /**
   * The statement reads every matching event (a count over events alone: Calculate's `eventOnlyCountQuery`
   * and rank, the funnel), so a property kept in a stored column is compared there and read from its
   * index (`propertySource`). Elsewhere the jsonb test stays: a page or a limit that walks the events in
   * profile order and stops relies on its low estimate — Show of "bought ≥ 3 times over 50" reads 6.6 ms
   * that way and 436 ms when the stored column's true estimate makes the planner aggregate every
   * purchase of the period first (docs/benchmarks.md, session 13).
   */
  everyMatch?: boolean;
};

/**
 * `EXISTS (<body>)`, or `NOT EXISTS (<body>)` when `negated`. Where `env.probe` asks for a probe, the
 * body ends in `offset 0`, which keeps PostgreSQL from rewriting the test (simplify_EXISTS_query gives
 * up on an OFFSET): it is neither pulled up into a semi- or anti-join nor turned into a hashed set, so
 * it stays a SubPlan that probes an index once per profile the page reads.
 *
 * Why Show needs it: under its LIMIT the planner, misestimating the profiles' side as one row, joined
 * "did not" sets by nested loops that re-read the whole inner set per profile (the plan guard: a
 * grouped count's groups, FC_SEED=1095443144; a static segment's members, 320005366) — and an
 * anti-join can never start from its inner side anyway, so a page in `id` order loses nothing by
 * probing. Written as a plain SubPlan (`not coalesce(exists …)`, tried first), PostgreSQL chose a
 * hashed set of every matching profile whenever it fit the selection's work_mem: "did not open in 90
 * days" 3 → 405 ms at 1M. The streamed levels (compile.ts, `streamedProfiles`) probe every test, since a
 * hashed set would compute what the page is meant to stop short of.
 *
 * `counted` (a test over grouped events, `… group by profile_id having count(*) …`): the level of a
 * limited segment's first ids (compile.ts, `limitedIds`) probes those. It is read in `id` order up to
 * its limit, so the planner favours nested loops there, and a grouped set cannot be probed by index from
 * a join: as the inner side of a nested loop its groups were walked again for each profile (plan guard,
 * FC_SEED=90210 batch 1: 262 profiles × 2,148 groups in one node). A probe reads the profile's own
 * events through the `(profile_id, type, occurred_at)` index: linear, if slower than a hash where the
 * condition is rare and the level reads every profile.
 */
export function existsTest(body: SQL, negated: boolean, env: Pick<EventEnv, "probe">, counted = false): SQL {
  const probe = env.probe === "all" || (env.probe === "anti" && negated) || (env.probe === "counted" && counted);
  const exists = sql`exists (${body}${probe ? sql` offset 0` : sql``})`;
  return negated ? sql`not ${exists}` : exists;
}

type AnyEventCondition = InteractionCondition | EventCondition;

/**
 * The SQL shape a condition takes in a polarity: a constant, a plain `EXISTS` ("at least once"), a
 * plain `NOT EXISTS` ("did not"), or a counted subquery.
 */
export type EventShape = "true" | "false" | "exists" | "not exists" | "counted";

function effectiveCount(condition: AnyEventCondition, negate: boolean): { op: CountOp; value: number } {
  const count = condition.count ?? { op: "gte", value: 1 };
  return { op: negate ? COMPLEMENT[count.op] : count.op, value: count.value };
}

export function eventShape(condition: AnyEventCondition, negate: boolean): EventShape {
  const { op, value } = effectiveCount(condition, negate);
  const withoutEvents = holds(0, op, value);
  if (withoutEvents && holdsForEveryPositive(op, value)) return "true";
  if (!withoutEvents && holdsForNoPositive(op, value)) return "false";
  if (!withoutEvents && holdsForEveryPositive(op, value)) return "exists";
  if (withoutEvents && holdsForNoPositive(op, value)) return "not exists";
  return "counted";
}

/**
 * For a counted shape: the comparison that puts a profile with events in the condition's deciding set
 * — the answer the other way from zero events — and whether that set is the complement of the answer
 * (`complement`: the condition holds without events, as `lt 3`).
 */
function decisiveCount(condition: AnyEventCondition, negate: boolean): { op: CountOp; value: number; complement: boolean } {
  const { op, value } = effectiveCount(condition, negate);
  const complement = holds(0, op, value);
  return { op: complement ? COMPLEMENT[op] : op, value, complement };
}

export function eventPredicate(condition: AnyEventCondition, profileAlias: string, env: EventEnv, negate: boolean): Predicate {
  const shape = eventShape(condition, negate);
  if (shape === "true") return true;
  if (shape === "false") return false;
  if (shape === "exists" || shape === "not exists") return existsPredicate([condition.type], condition, profileAlias, env, shape);
  const { op, value, complement } = decisiveCount(condition, negate);
  const e = env.aliases.next("e");
  // Profiles whose count is ≥ 1 and decides the answer the other way from zero events.
  const counted = sql`select ${column(e, "profile_id")} from events ${sql.raw(e)} where ${toSql(matching([condition.type], condition, e, env, [], !(env.required && !complement)))} group by ${column(e, "profile_id")} having count(*) ${HAVING[op]} ${value}::bigint`;
  const c = env.aliases.next("c");
  return existsTest(sql`select 1 from (${counted}) ${sql.raw(c)} where ${column(c, "profile_id")} = ${column(profileAlias, "id")}`, complement, env, true);
}

/**
 * The first `limit` profiles by id with an event that `condition` matches, for a condition that holds
 * for every profile with one ("at least once"), over events alone: `SELECT DISTINCT ON (profile_id) …
 * ORDER BY profile_id LIMIT n`, `where` tested on each event's profile id (a range). PostgreSQL runs a
 * DISTINCT ON only on sorted rows — the events index in profile order, or a (parallel) sort — never by
 * hashing, so it stops at the limit. Grouped instead (`GROUP BY … LIMIT n`), in the selection's 32 MB
 * work_mem it chose to hash every buyer first and then sort: "first 100,000 recent buyers" 0.76–1.1 s
 * against 0.37–0.39 s. Null for a condition of another shape (a count, "did not").
 */
export function firstProfilesWithEvents(condition: AnyEventCondition, env: EventEnv, negate: boolean, limit: number, where?: (profileId: SQL) => Predicate): SQL | null {
  const found = eventsFound(condition, env, negate, where);
  if (!found) return null;
  const { e, profileId, filter } = found;
  return sql`select distinct on (${profileId}) ${profileId} as profile_id from events ${sql.raw(e)} where ${toSql(filter)} order by ${profileId} limit ${limit}::bigint`;
}

/**
 * For a condition that holds for every profile with a matching event ("at least once"; null for any
 * other shape): an alias of events, its profile id, and the test of the events it matches whose
 * profile id meets `where` — over events alone, so with the property filters' raw estimates.
 */
function eventsFound(condition: AnyEventCondition, env: EventEnv, negate: boolean, where?: (profileId: SQL) => Predicate): { e: string; profileId: SQL; filter: Predicate } | null {
  if (eventShape(condition, negate) !== "exists") return null;
  const e = env.aliases.next("e");
  const profileId = column(e, "profile_id");
  const extra = where ? where(profileId) : true;
  return { e, profileId, filter: matching([condition.type], condition, e, env, extra === true ? [] : [toSql(extra)], false) };
}

/**
 * The number of profiles with an event that `condition` matches and whose id meets `where`, for a
 * condition that holds for every profile with one ("at least once"), over events alone: `SELECT
 * count(DISTINCT profile_id) …`, which PostgreSQL sorts (the rank of one explained profile: 288k
 * purchases of 90 days below the middle of 1M profiles, 0.11 s, against 0.27 s grouped with a hash).
 * Null for a condition of another shape.
 */
export function countProfilesWithEvents(condition: AnyEventCondition, env: EventEnv, negate: boolean, where: (profileId: SQL) => Predicate): SQL | null {
  const found = eventsFound(condition, env, negate, where);
  if (!found) return null;
  return sql`select count(distinct ${found.profileId}) from events ${sql.raw(found.e)} where ${toSql(found.filter)}`;
}

/**
 * For a Calculate of a rule that is one event condition: the profiles whose events decide it against
 * the answer of a profile without events — `SELECT profile_id FROM events … GROUP BY profile_id
 * [HAVING count(*) …]`, over events alone — and whether that set is the answer (`complement: false`)
 * or what to take away from every profile (`complement: true`: `eq 0`, `lt`, `lte`, "did not").
 * Correct without a join to profiles because an event's profile is in the event's database (the
 * composite foreign key of migration 0008). Null for a condition that is constant in this polarity.
 */
export function decidingProfiles(
  condition: AnyEventCondition,
  env: EventEnv,
  negate: boolean,
  /** A further HAVING over the group's `profile_id` (`e` is its events' alias), e.g. a range on its key. */
  having?: (profileId: SQL) => Predicate,
): { query: SQL; complement: boolean } | null {
  const shape = eventShape(condition, negate);
  if (shape === "true" || shape === "false") return null;
  const e = env.aliases.next("e");
  // No join to profiles here, so the planner's own estimates of property filters are kept (see neutralEstimate).
  const grouped = sql`select ${column(e, "profile_id")} as profile_id from events ${sql.raw(e)} where ${toSql(matching([condition.type], condition, e, env, [], false))} group by ${column(e, "profile_id")}`;
  const more: Predicate = having ? having(column(e, "profile_id")) : true;
  if (shape === "exists" || shape === "not exists") {
    return { query: more === true ? grouped : sql`${grouped} having ${toSql(more)}`, complement: shape === "not exists" };
  }
  const { op, value, complement } = decisiveCount(condition, negate);
  return { query: sql`${grouped} having ${toSql(allOf([sql`count(*) ${HAVING[op]} ${value}::bigint`, more]))}`, complement };
}

/**
 * For a Calculate of a rule that is one `and` group of two or more event conditions on the same events
 * (type, channel, mailing and property filters alike; each with its own period and count), at least
 * one of which needs events: the profiles that meet them all, from one aggregate over those events —
 * `SELECT profile_id … GROUP BY profile_id HAVING count(*) FILTER (WHERE <period>) <op> n AND …` —
 * instead of a semi- or anti-join per condition against the profiles. "Bought before, but not in the
 * last 180 days" is `having count(*) >= 1 and count(*) filter (where <the last 180 days>) = 0`. A
 * profile without such events fails the condition that needs them, so it is rightly absent; events
 * outside every period count for no condition. Null for any other set of conditions.
 */
export function sharedEventsProfiles(conditions: AnyEventCondition[], env: EventEnv): SQL | null {
  if (conditions.length < 2) return null;
  const [first] = conditions;
  if (!conditions.every((c) => eventsKind(c) === eventsKind(first))) return null;
  const shapes = conditions.map((c) => eventShape(c, false));
  if (shapes.includes("false")) return null;
  const counted = conditions.filter((_, i) => shapes[i] !== "true");
  const needsEvents = (c: AnyEventCondition) => {
    const { op, value } = effectiveCount(c, false);
    return !holds(0, op, value);
  };
  if (!counted.some(needsEvents)) return null;
  const e = env.aliases.next("e");
  // A group has at least one event, so "at least once" (or `gte 1`, `gt 0`) with no period holds for
  // every group and needs no test: "bought before, but not in the last 180 days" tests only the second.
  const everyGroup = (c: AnyEventCondition) => {
    const { op, value } = effectiveCount(c, false);
    const period = c.period ? periodFilters(c.period, column(e, "occurred_at"), env.now) : [];
    return period.length === 0 && holdsForEveryPositive(op, value);
  };
  const having = counted.filter((c) => !everyGroup(c)).map((c) => {
    const { op, value } = effectiveCount(c, false);
    return periodCount(c, e, env, op, value);
  });
  const grouped = sql`select ${column(e, "profile_id")} as profile_id from events ${sql.raw(e)} where ${toSql(kindEvents(first, e, env))} group by ${column(e, "profile_id")}`;
  return having.length ? sql`${grouped} having ${sql.join(having, sql` and `)}` : grouped;
}

/**
 * What event conditions must have in common to be counted by one aggregate over their events (one
 * row per profile, `sharedEventsProfiles`, the funnel's `decidingTest`): the type, channel, mailing
 * and property filters. Each may have its own period and count.
 */
export function eventsKind(condition: AnyEventCondition): string {
  return JSON.stringify([condition.type, condition.channel ?? null, condition.mailing_id ?? null, condition.where ?? []]);
}

/**
 * The events of `condition`'s kind (`eventsKind`): every filter but its period. No join to profiles
 * reads them, so the property filters keep the planner's own estimates, as in `decidingProfiles`.
 */
export function kindEvents(condition: AnyEventCondition, e: string, env: EventEnv): Predicate {
  return matching([condition.type], { ...condition, period: undefined }, e, env, [], false);
}

/** `count(*) [filter (where <the condition's period>)] <op> n`, over a group of its kind's events with alias `e`. */
function periodCount(condition: AnyEventCondition, e: string, env: EventEnv, op: CountOp, value: number): SQL {
  const period = condition.period ? periodFilters(condition.period, column(e, "occurred_at"), env.now) : [];
  const n = period.length ? sql`count(*) filter (where ${toSql(allOf(period))})` : sql`count(*)`;
  return sql`${n} ${HAVING[op]} ${value}::bigint`;
}

/**
 * For the funnel: whether a profile is in the condition's deciding set (`decidingProfiles`), as a test
 * on the group of its events of the condition's kind (`kindEvents`, grouped by profile), so that
 * several conditions on the same events are decided by one aggregate. A profile without such events is
 * in no deciding set. Null for a condition that is constant.
 */
export function decidingTest(condition: AnyEventCondition, e: string, env: EventEnv): { test: SQL; complement: boolean } | null {
  const shape = eventShape(condition, false);
  if (shape === "true" || shape === "false") return null;
  // "At least once" and "did not": the set of profiles with a matching event.
  if (shape === "exists" || shape === "not exists") return { test: periodCount(condition, e, env, "gte", 1), complement: shape === "not exists" };
  const { op, value, complement } = decisiveCount(condition, false);
  return { test: periodCount(condition, e, env, op, value), complement };
}

/**
 * Several plain conditions as one subquery over a list of types. Under OR, `exists (… type = a …) or
 * exists (… type = b …)` is `exists (… type in (a, b) …)`; under AND, `not exists (a) and not exists (b)`
 * is `not exists (… type in (a, b) …)`, whenever the subqueries differ in nothing but the type. The
 * caller groups the conditions by `mergeKey`, which guarantees that.
 */
export function mergedEventPredicate(conditions: AnyEventCondition[], profileAlias: string, env: EventEnv, shape: "exists" | "not exists", by: MergeDimension): Predicate {
  if (by === "mailing") {
    const mailings = [...new Set(conditions.map((c) => c.mailing_id as number))];
    return existsPredicate([conditions[0].type], conditions[0], profileAlias, env, shape, mailings);
  }
  const types = [...new Set(conditions.map((c) => c.type))];
  return existsPredicate(types, conditions[0], profileAlias, env, shape);
}

/** What merged conditions may differ in: their type (`type in (…)`) or their mailing (`mailing_id in (…)`). */
export type MergeDimension = "type" | "mailing";

/**
 * The key under which plain conditions of a group can share one subquery: the shape they take in this
 * polarity and every compiled filter except the type (channel, mailing, period, database), rendered as
 * SQL text and parameters (so `interaction` and `event` share a key when they compile alike). Null when
 * the condition is not merged: a constant or counted shape, or property filters (`where`).
 */
export function mergeKey(condition: AnyEventCondition, env: Pick<EventEnv, "databaseId" | "now">, negate: boolean, by: MergeDimension = "type"): string | null {
  const shape = eventShape(condition, negate);
  if (shape !== "exists" && shape !== "not exists") return null;
  if (condition.where && condition.where.length > 0) return null;
  if (by === "mailing" && !condition.mailing_id) return null;
  const filters = by === "mailing" ? [sql`type = ${condition.type}::text`, ...otherFilters({ ...condition, mailing_id: undefined }, "e", env)] : otherFilters(condition, "e", env);
  const rendered = KEY_DIALECT.sqlToQuery(toSql(allOf(filters)));
  return JSON.stringify([by, shape, rendered.sql, rendered.params], (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

const KEY_DIALECT = new PgDialect();

function existsPredicate(
  types: string[],
  condition: AnyEventCondition,
  profileAlias: string,
  env: EventEnv,
  shape: "exists" | "not exists",
  mailings?: number[],
): Predicate {
  const e = env.aliases.next("e");
  const own = [sql`${column(e, "profile_id")} = ${column(profileAlias, "id")}`];
  const where = mailings
    ? matching(types, { ...condition, mailing_id: undefined }, e, env, [...own, sql`${column(e, "mailing_id")} in (${sql.join(mailings.map((m) => sql`${m}::int`), sql`, `)})`])
    : matching(types, condition, e, env, own);
  return existsTest(sql`select 1 from events ${sql.raw(e)} where ${toSql(where)}`, shape === "not exists", env);
}

/** The events a condition counts: of one of `types`, with the condition's other filters. */
function matching(types: string[], condition: AnyEventCondition, e: string, env: Pick<EventEnv, "databaseId" | "now" | "everyMatch">, extra: SQL[] = [], neutral = true): Predicate {
  const type = column(e, "type");
  const typeFilter =
    types.length === 1 ? sql`${type} = ${types[0]}::text` : sql`${type} in (${sql.join(types.map((t) => sql`${t}::text`), sql`, `)})`;
  // `e.database_id` is implied by the profile, but stating it lets the planner read the events of one
  // type and period from the (database_id, type, occurred_at) INCLUDE (profile_id) index alone.
  const stored = env.everyMatch === true && types.length === 1 ? types[0] : null;
  return allOf([...extra, sql`${column(e, "database_id")} = ${env.databaseId}::int`, typeFilter, ...otherFilters(condition, e, env, neutral, stored)]);
}

/**
 * The event property that migration 0020 keeps on the row as a stored column: a purchase's
 * `properties.amount`, `purchase_amount = CASE WHEN type = 'purchase' THEN segment_number(properties ->
 * 'amount') END` — its numeric value when it is a JSON number, else NULL.
 */
const STORED_PROPERTY = { type: "purchase", property: "amount", column: "purchase_amount" } as const;

/**
 * Where a property filter reads its value. In a count over every matching event (`EventEnv.everyMatch`,
 * `storedType` the events' one type), a purchase's `amount` compared as a number reads the stored
 * `purchase_amount`: the same value as the JSON number (NULL for anything else, which no number test
 * matches), without reading the jsonb, and from the partial purchases index alone with its occurrence
 * time and profile — Calculate of "bought 3 times for over 50 in 180 days" at 1M: 829 → 438 ms
 * (docs/benchmarks.md, session 13). Emptiness and the other kinds still read the jsonb.
 */
function propertySource(filter: { property: string }, e: string, storedType: string | null): ValueSource {
  const source = jsonValueSource(column(e, "properties"), filter.property, { numberAsJsonb: true });
  const stored = storedType === STORED_PROPERTY.type && filter.property === STORED_PROPERTY.property;
  return stored ? { ...source, number: column(e, STORED_PROPERTY.column), numberAsJsonb: false } : source;
}

/**
 * The event's own filters except its type: channel, mailing, period and property filters;
 * `storedType`, the events' one type where a stored property column may serve (`propertySource`).
 */
function otherFilters(condition: AnyEventCondition, e: string, env: Pick<EventEnv, "now">, neutral = true, storedType: string | null = null): Predicate[] {
  const filters: Predicate[] = [];
  if (condition.channel) filters.push(sql`${column(e, "channel")} = ${condition.channel}::event_channel`);
  if (condition.mailing_id) filters.push(sql`${column(e, "mailing_id")} = ${condition.mailing_id}::int`);
  if (condition.period) filters.push(...periodFilters(condition.period, column(e, "occurred_at"), env.now));
  for (const filter of condition.where ?? []) {
    const type = propertyFilterType(filter);
    const predicate = fieldPredicate(type, filter.op, filter.value, propertySource(filter, e, storedType), env.now, false);
    filters.push(neutral ? neutralEstimate(predicate) : predicate);
  }
  return filters;
}

/**
 * A property filter as `coalesce(<filter>, false)`: the same rows (a WHERE drops NULL and false
 * alike), but PostgreSQL, which has no statistics on event properties, estimates it as keeping half
 * the events instead of guessing from the operator — `sku ilike '%BERLIN'` alone was estimated at 1 row
 * of 3,724, and an anti-join against that "one-row" set became a nested loop comparing every profile
 * with every matching event (plan guard, FC_SEED=540855069: 5,158 × 421 rows in one node). With a
 * neutral estimate the join is hashed. Only where the events are joined to profiles and the join may
 * be planned from the profiles' side: the count over events alone (`decidingProfiles`) keeps the raw
 * filter, since "bought ≥ 3 times over 50" relies on the planner's low estimate of its jsonb number
 * test for its parallel plan (4.5× slower with the neutral estimate), and so does a counted semi-join
 * that the profile must pass (`EventEnv.required`: outside every OR, in the selection's own level),
 * which the planner can then start from the grouped events — Show of "bought ≥ 3 times over 50" reads
 * the purchases in profile order and stops at its page (1.9 s → 17 ms at 1M). Not a plain EXISTS:
 * "a purchase over 100 in EUR", estimated at 13 of 388,658 profiles with the raw filters, was hashed
 * whole before its page (8 ms → 5.3 s). See docs/selection-sql.md.
 */
function neutralEstimate(filter: Predicate): Predicate {
  return typeof filter === "boolean" ? filter : sql`coalesce(${filter}, false)`;
}

/** `last_days` ends now; `from`/`to` is half-open (a date-only bound is the start of its UTC day). */
function periodFilters(period: Period, occurredAt: SQL, now: bigint): Predicate[] {
  const at = (micros: bigint) => sql`${formatInstant(micros)}::timestamptz`;
  const parse = (text: string) => {
    const parsed = parseConditionDate(text);
    if (!parsed) throw new Error("periodFilters needs a validated period");
    return parsed.micros;
  };
  if (period.last_days !== undefined) {
    return [sql`${occurredAt} >= ${at(now - BigInt(period.last_days) * MICROS_PER_DAY)}`, sql`${occurredAt} <= ${at(now)}`];
  }
  const filters: Predicate[] = [];
  if (period.from !== undefined) filters.push(sql`${occurredAt} >= ${at(parse(period.from))}`);
  if (period.to !== undefined) filters.push(sql`${occurredAt} < ${at(parse(period.to))}`);
  return filters;
}

/**
 * For explain: the number of the profile's events a condition counts (every filter but the count),
 * as a scalar subquery over the profile alias.
 */
export function eventCountExpression(condition: AnyEventCondition, profileAlias: string, env: EventEnv): SQL {
  const e = env.aliases.next("e");
  const where = matching([condition.type], condition, e, env, [sql`${column(e, "profile_id")} = ${column(profileAlias, "id")}`]);
  return sql`(select count(*)::int from events ${sql.raw(e)} where ${toSql(where)})`;
}

/** A period's resolved bounds as `periodFilters` applies them: `from` inclusive; `to` inclusive for `last_days`, else exclusive. */
export function resolvedPeriod(period: Period | null | undefined, now: bigint): { from: string | null; to: string | null; toInclusive: boolean } {
  if (!period) return { from: null, to: null, toInclusive: false };
  if (period.last_days !== undefined) return { from: formatInstant(now - BigInt(period.last_days) * MICROS_PER_DAY), to: formatInstant(now), toInclusive: true };
  const at = (text: string | undefined) => (text === undefined ? null : formatInstant(parseConditionDate(text)!.micros));
  return { from: at(period.from), to: at(period.to), toInclusive: false };
}

/**
 * For the funnel: every profile's number of events a condition counts (every filter but the count),
 * `(profile_id, n)` grouped once over the database's events, to be joined to the profiles.
 */
export function eventCountsQuery(condition: AnyEventCondition, env: EventEnv): SQL {
  const e = env.aliases.next("e");
  return sql`select ${column(e, "profile_id")} as profile_id, count(*) as n from events ${sql.raw(e)} where ${toSql(matching([condition.type], condition, e, env))} group by ${column(e, "profile_id")}`;
}

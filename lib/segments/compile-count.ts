/**
 * Calculate without the profiles table where a rule lets it: a rule whose conditions are one event
 * condition counts the profiles its events decide — one aggregate over events alone, which PostgreSQL
 * can run in parallel — instead of joining every profile of the database to that aggregate. See
 * docs/selection-sql.md ("Calculate of one event condition") for the plans and the measurements.
 */
import { sql, type SQL } from "drizzle-orm";
import { databaseSizeSql } from "@/db/database-size";
import { countProfilesWithEvents, decidingProfiles, eventShape, firstProfilesWithEvents, sharedEventsProfiles, type EventEnv } from "./compile-events";
import { allOf, anyOf, column, toSql, type Predicate } from "./predicate";
import { RANGE_KEY_SPACE, rangeBounds, type Range } from "./range";
import type { EventCondition, InteractionCondition, SelectionRule } from "./script";

/** SPEC §2's range key of a profile id, as the generated `profiles.range_key` column computes it. */
export function rangeKeyOf(id: SQL): SQL {
  return sql`(('x' || left(md5((${id})::text), 8))::bit(32))::bigint`;
}

/** `lo ≤ key < hi` (or its negation); bounds that every key satisfies are left out, so 0–100 adds nothing. */
export function rangeKeyPredicate(range: Range, key: SQL, negate: boolean): Predicate {
  const { lo, hi } = rangeBounds(range);
  const inside = allOf([
    lo > 0n ? sql`${key} >= ${lo.toString()}::bigint` : true,
    hi < RANGE_KEY_SPACE ? sql`${key} < ${hi.toString()}::bigint` : true,
  ]);
  if (!negate) return inside;
  return anyOf([lo > 0n ? sql`${key} < ${lo.toString()}::bigint` : false, hi < RANGE_KEY_SPACE ? sql`${key} >= ${hi.toString()}::bigint` : false]);
}

/** The counts here read every matching event: stored property columns serve (`EventEnv.everyMatch`). */
const everyMatch = (env: EventEnv): EventEnv => ({ ...env, everyMatch: true });

/**
 * The only condition of a script (however its one group is joined) when it is an event condition (a
 * mailing interaction or a behaviour event), and the polarity it is needed in; else null.
 */
function soleEventCondition(rule: SelectionRule): { condition: InteractionCondition | EventCondition; negate: boolean } | null {
  const groups = (rule.conditions?.groups ?? []).filter((g) => g.conditions.length > 0);
  if (groups.length !== 1 || groups[0].conditions.length !== 1) return null;
  const condition = groups[0].conditions[0];
  return condition.kind === "interaction" || condition.kind === "event" ? { condition, negate: groups[0].not } : null;
}

/** The conditions of a rule that is one `and` group (not negated) of event conditions only; else null. */
function sharedEventConditions(rule: SelectionRule): (InteractionCondition | EventCondition)[] | null {
  const groups = (rule.conditions?.groups ?? []).filter((g) => g.conditions.length > 0);
  if (groups.length !== 1 || groups[0].not || groups[0].logic !== "and" || groups[0].conditions.length < 2) return null;
  const conditions = groups[0].conditions;
  return conditions.every((c) => c.kind === "interaction" || c.kind === "event") ? (conditions as (InteractionCondition | EventCondition)[]) : null;
}

/**
 * `(SELECT count(*)::int …)` of the profiles meeting a rule that is one `and` group of event conditions
 * on the same events (`sharedEventsProfiles`, one aggregate over those events) whose id meets `where`
 * (the range on its key, and for a rank an upper bound); null for any other rule.
 */
function sharedEventsCount(rule: SelectionRule, env: EventEnv, where: (profileId: SQL) => Predicate): SQL | null {
  const shared = sharedEventConditions(rule);
  const together = shared ? sharedEventsProfiles(shared, env) : null;
  if (!together) return null;
  const d = env.aliases.next("c");
  return sql`(select count(*)::int from (${together}) ${sql.raw(d)} where ${toSql(where(column(d, "profile_id")))})`;
}

/**
 * `SELECT <n> AS count` of a rule that is one event condition — or one `and` group of event conditions
 * on the same events (`sharedEventsProfiles`) — before its limit, or null for any other
 * rule. The answer is the deciding profiles inside the range, or — when the condition holds for a
 * profile without events (`eq 0`, `lt`, `lte`, "did not") — the profiles inside the range (an
 * index-only count; for the whole range, the database's size as its row triggers keep it) minus the
 * deciding ones. The range test on a deciding profile computes its key from the id, after grouping, so
 * the aggregate never reads `profiles`.
 */
export function eventOnlyCountQuery(rule: SelectionRule, ruleEnv: EventEnv): SQL | null {
  const env = everyMatch(ruleEnv);
  const together = sharedEventsCount(rule, env, (profileId) => rangeKeyPredicate(rule.range, rangeKeyOf(profileId), false));
  if (together) return sql`select ${together} as count`;
  const sole = soleEventCondition(rule);
  if (!sole) return null;
  // "Did not" across a channel or a period (no matching event at all): the selection's own anti-join —
  // a parallel hash anti-join of the database's profiles with the matching events — beats the total
  // minus a serial, spilling count of distinct profiles. With one mailing the events are few and their
  // index yields the profiles in order, so the total minus the distinct ones stays ahead (at 1M: "did not
  // open an email in 90 days" 1.32× → 0.89–0.96× the best hand SQL; "did not open mailing 7" 0.91× this
  // way, 2.19× as an anti-join; docs/selection-sql.md).
  const oneMailing = sole.condition.kind === "interaction" && sole.condition.mailing_id != null;
  if (!oneMailing && eventShape(sole.condition, sole.negate) === "not exists") return null;
  const deciding = decidingProfiles(sole.condition, env, sole.negate);
  if (!deciding) return null;
  const d = env.aliases.next("c");
  const inRange = toSql(rangeKeyPredicate(rule.range, rangeKeyOf(column(d, "profile_id")), false));
  const decided = sql`select count(*) from (${deciding.query}) ${sql.raw(d)} where ${inRange}`;
  if (!deciding.complement) return sql`select (${decided})::int as count`;
  const q = env.aliases.next("p");
  const range = rangeKeyPredicate(rule.range, column(q, "range_key"), false);
  const total =
    range === true
      ? databaseSizeSql(sql`${rule.databaseId}::int`)
      : sql`(select count(*) from profiles ${sql.raw(q)} where ${toSql(allOf([sql`${column(q, "database_id")} = ${rule.databaseId}::int`, range]))})`;
  return sql`select (${total} - (${decided}))::int as count`;
}

/**
 * The first `limit` ids of a limited segment whose rule is one event condition that needs events,
 * over events alone: "at least once" as `firstProfilesWithEvents` (DISTINCT ON), a count as `SELECT
 * profile_id … GROUP BY profile_id HAVING <count> and <range> ORDER BY profile_id LIMIT n` — grouping,
 * order and limit in one query level, so that the planner may group the sorted events (in parallel)
 * and stop at the limit instead of grouping every profile first. Null for any other rule.
 */
export function eventOnlyLimitedIds(rule: SelectionRule & { limit: number }, env: EventEnv): SQL | null {
  const sole = soleEventCondition(rule);
  if (!sole) return null;
  const inRange = (profileId: SQL) => rangeKeyPredicate(rule.range, rangeKeyOf(profileId), false);
  const first = firstProfilesWithEvents(sole.condition, env, sole.negate, rule.limit, inRange);
  if (first) return first;
  const deciding = decidingProfiles(sole.condition, env, sole.negate, inRange);
  if (!deciding || deciding.complement) return null;
  return sql`${deciding.query} order by 1 limit ${rule.limit}::bigint`;
}

/**
 * The number of a rule's matches whose id is at most `upTo` (a profile's rank among them, before the
 * limit), over events alone, for a rule that `eventOnlyCountQuery` counts from the events that decide
 * it and that holds only for profiles with events ("at least once", `gte 2`, "bought before, but not
 * in the last 180 days"): the deciding profiles up to that id and in the range ("at least once" as a
 * distinct count, `countProfilesWithEvents`). A scalar subquery, or null for any other rule. "First
 * 100,000 recent buyers", a profile half-way through 1M: the 287,614 purchases of the period below it
 * read from their index, 0.11 s, instead of a semi-join of 500,000 profiles with every purchase of the
 * period, 0.5 s.
 */
export function eventOnlyRankQuery(rule: SelectionRule, ruleEnv: EventEnv, upTo: SQL): SQL | null {
  const env = everyMatch(ruleEnv);
  const below = (profileId: SQL) => allOf([rangeKeyPredicate(rule.range, rangeKeyOf(profileId), false), sql`${profileId} <= ${upTo}`]);
  const together = sharedEventsCount(rule, env, below);
  if (together) return together;
  const sole = soleEventCondition(rule);
  if (!sole) return null;
  const distinct = countProfilesWithEvents(sole.condition, env, sole.negate, below);
  if (distinct) return sql`(${distinct})::int`;
  const deciding = decidingProfiles(sole.condition, env, sole.negate, below);
  if (!deciding || deciding.complement) return null;
  return sql`(select count(*)::int from (${deciding.query}) ${sql.raw(env.aliases.next("c"))})`;
}

/**
 * The profiles of a rule that is one event condition holding only for profiles with events ("at least
 * once", `gte 2`, `eq 3`), with their range keys — `SELECT id, range_key` over events alone, the range
 * not applied — or null for any other rule. For statements that sort a selection's profiles by range
 * key without needing their rows (the impact of a range edit, lib/segments/impact.ts).
 */
export function eventOnlyKeysQuery(rule: SelectionRule, ruleEnv: EventEnv): SQL | null {
  const env = everyMatch(ruleEnv);
  const sole = soleEventCondition(rule);
  if (!sole) return null;
  const deciding = decidingProfiles(sole.condition, env, sole.negate);
  if (!deciding || deciding.complement) return null;
  const d = env.aliases.next("c");
  return sql`select ${column(d, "profile_id")} as id, ${rangeKeyOf(column(d, "profile_id"))} as range_key from (${deciding.query}) ${sql.raw(d)}`;
}

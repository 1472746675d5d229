/**
 * The compiler: a validated selection rule → Drizzle SQL over the profile alias `p`. Pure: it reads
 * nothing from the database; `selection.ts` loads the fields and referenced segments it needs.
 *
 * A selection is `p.database_id = … AND <range> AND <conditions>`, then `ORDER BY p.id LIMIT n` when
 * the rule has a limit. See docs/selection-sql.md for the SQL each kind of condition becomes.
 */
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { profiles } from "@/db/schema/profiles";
import { dateToMicros } from "./dates";
import { eventOnlyCountQuery, eventOnlyKeysQuery, eventOnlyLimitedIds, rangeKeyPredicate } from "./compile-count";
import { eventPredicate, eventShape, mergedEventPredicate, mergeKey, existsTest, type EventEnv, type MergeDimension } from "./compile-events";
import { fieldPredicate, jsonValueSource, systemValueSource } from "./compile-field";
import { resolveField } from "./fields";
import { allOf, AliasPool, anyOf, column, complement, toSql, type Predicate } from "./predicate";
import type { Range } from "./range";
import { parseScript, type Condition, type EventCondition, type FieldCondition, type InteractionCondition, type Script, type SelectionRule } from "./script";
import type { ValidationContext } from "./validate";

/** The profile alias every compiled selection reads: use it to select columns from a selection. */
export const selectionProfiles = alias(profiles, "p");
export const PROFILE_ALIAS = "p";

export type CompileOptions = { now: Date };

/**
 * A compiled selection: its WHERE over `p` (database, range, conditions) and its limit, plus what the
 * WHERE needs around it when the rule refers to a dynamic segment with a limit — that segment's first
 * `limit` ids as a `MATERIALIZED` CTE (`with`), which the WHERE tests by `IN` (or, above
 * `HASHED_LIMIT`, by a left join in `from`) — and the FROM item (`from`). Build statements with `selectionStatement`, or put `with` first and `from` after FROM yourself.
 */
export type CompiledSelection = {
  databaseId: number;
  where: SQL;
  limit: number | null;
  /** `with "limited_7"(id) as materialized (…), … ` or nothing: the statement's first words. */
  with: SQL;
  /** A cheaper statement of the count before the limit (`count` column), when the rule allows one. */
  countQuery: SQL | null;
  /**
   * Calculate of a rule without a limit that refers to limited segments, joining the first ids of those
   * it requires in `id` order and left-joining the others (`joinedCount`), compiled when first asked
   * for (only Calculate asks). Safe only without
   * nested loops: run it through `calculateQuery` under `countSettings`, as `countOf` does; every other
   * count uses `selectionCountQuery`.
   */
  joinedCount: () => SQL | null;
  /** `profiles p`, a left join per limited segment above `HASHED_LIMIT` the WHERE tests (and explain's lateral memberships): the FROM item. */
  from: SQL;
  /** Whether `where` needs neither `with` nor more than `profiles p` in `from` (no limited segment anywhere in the rule). */
  selfContained: boolean;
  /** Whether the selection is every profile of its database: a full range, no condition that restricts, no limit. */
  everyProfile: boolean;
  /**
   * Show's own WHERE, CTEs and FROM item (`pageForm`), compiled when first asked for (Calculate, the
   * live count, the funnel and impact never page) and then kept. The first page (`first` true):
   * "did not" tests as per-profile probes and, when the rule requires membership of a limited
   * segment, the profiles in `id` order with each such segment's membership as columns
   * (`streamedProfiles`), so that the page stops after its rows instead of computing the limited set
   * first. A later page (keyset pagination after an id): probes, and limited sets computed once.
   */
  page: (first: boolean) => PageForm;
};

export type PageForm = { where: SQL; with: SQL; from: SQL; streamed: boolean };

/** The limited dynamic segments of one compilation, as CTEs in the order they must be written. */
type LimitedSets = Map<number, { name: string; body: SQL }>;

type Env = {
  ctx: ValidationContext;
  databaseId: number;
  now: bigint;
  aliases: AliasPool;
  /** Dynamic segments being inlined, as a guard against cycles that validation should have caught. */
  inlining: number[];
  limited: LimitedSets;
  /** The left joins of the query level being compiled (limited segments too large to hash): segment id → join alias. */
  joins: Map<number, string>;
  /** Explain only: each limited segment's ids are computed up to this profile id (see `compileRuleParts`). */
  limitedUpTo: SQL | null;
  /**
   * Explain only: this level's profile is the one explained, so a limited segment's membership is
   * tested on it directly (its rule, and fewer than `limit` matches below its id) — see `lazyMembership`.
   */
  profileLevel?: boolean;
  /** Explain only: each limited segment's membership of the explained profile, once per row (`lazyMembership`). */
  lateral?: Map<number, { alias: string; member: SQL }>;
  /** Explain only: limited segments whose membership of the explained profile is already known (their own explanations). */
  members?: ReadonlyMap<number, boolean>;
  /** Show only: limited segments whose membership this level reads from columns of its rows (`streamedProfiles`). */
  streamed?: Streamed;
  /** Show, and a limited segment's level: which EXISTS tests are per-profile probes (compile-events.ts, `existsTest`). */
  probe?: EventEnv["probe"];
  /** Calculate without a limit only: limited segments whose ids this level's FROM joins (`joinedCount`), so each of its rows is a member. */
  joined?: Set<number>;
  /**
   * Calculate without a limit only (`joinedCount`, no nested loops): every other limited segment this
   * level tests is left-joined on the id, as above `HASHED_LIMIT`, instead of a hashed SubPlan — a
   * SubPlan over a CTE keeps the level's scan out of parallel workers; a hash anti-join does not.
   */
  leftJoined?: boolean;
  /**
   * The conditions compiled here must all hold for a profile to be selected: the selection's own
   * level, outside every OR (`underOr`), not a nested segment's rule. A semi-join there can start from
   * its events' side, so property filters keep the planner's own estimates (compile-events.ts,
   * `neutralEstimate`).
   */
  required?: boolean;
};

/** Limited segment id → its limit, for the segments whose membership a streamed level's columns hold (`streamedColumns`). */
type Streamed = Map<number, { limit: number }>;

/** The columns of a streamed level for a limited segment: its rule's verdict and the running count of its matches. */
function streamedColumns(segmentId: number): { matches: string; rank: string } {
  const id = Math.trunc(segmentId);
  return { matches: `streamed_in_${id}`, rank: `streamed_rank_${id}` };
}

function newEnv(ctx: ValidationContext, databaseId: number, options: CompileOptions): Env {
  return { ctx, databaseId, now: dateToMicros(options.now), aliases: new AliasPool(), inlining: [], limited: new Map(), joins: new Map(), limitedUpTo: null };
}

function selectionWhere(rule: SelectionRule, env: Env): SQL {
  return inDatabase(rule, selectionRestriction(rule, env));
}

/** The WHERE of a profile of the rule's database that meets `restriction`. */
function inDatabase(rule: SelectionRule, restriction: Predicate): SQL {
  return toSql(allOf([sql`${column(PROFILE_ALIAS, "database_id")} = ${rule.databaseId}::int`, restriction]));
}

/** What the rule asks of a profile of its database beyond belonging to it: its range and its conditions (`true` when nothing). */
function selectionRestriction(rule: SelectionRule, env: Env): Predicate {
  return allOf([rangePredicate(rule.range, PROFILE_ALIAS, false), scriptPredicate(rule.conditions, PROFILE_ALIAS, env, false)]);
}

/** The CTEs and the FROM item that everything compiled with `env` so far needs (see `CompiledSelection`). */
function frameOf(env: Env): { with: SQL; from: SQL } {
  const ctes = [...env.limited.values()].map(({ name, body }) => sql`${sql.raw(`"${name}"(id)`)} as materialized (${body})`);
  const laterals = [...(env.lateral?.values() ?? [])].map(({ alias, member }) => sql` cross join lateral (select ${member} as member) ${sql.raw(alias)}`);
  return { with: ctes.length ? sql`with ${sql.join(ctes, sql`, `)} ` : sql``, from: sql`${profilesWithJoins(PROFILE_ALIAS, env.joins)}${sql.join(laterals, sql``)}` };
}

/** Compiles a rule that `validateSelection` accepted against the same context. */
export function compileSelection(rule: SelectionRule, ctx: ValidationContext, options: CompileOptions): CompiledSelection {
  const env: Env = { ...newEnv(ctx, rule.databaseId, options), required: true };
  const restriction = selectionRestriction(rule, env);
  const selfContained = env.limited.size === 0 && env.joins.size === 0;
  return {
    databaseId: rule.databaseId,
    where: inDatabase(rule, restriction),
    limit: rule.limit,
    everyProfile: restriction === true && rule.limit === null,
    ...frameOf(env),
    selfContained,
    countQuery: eventOnlyCountQuery(rule, eventEnv(env)),
    // A rule that refers to no limited segment has no joined count (`joinedCount`): nothing to compile again.
    joinedCount: memoised((_: void) => (selfContained ? null : joinedCount(rule, ctx, options))),
    page: memoised((first: boolean) => pageForm(rule, ctx, options, first)),
  };
}

/** `compute(key)` once per key, then its kept result: a compilation that only some callers need. */
function memoised<K, V>(compute: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    if (!known.has(key)) known.set(key, compute(key));
    return known.get(key)!;
  };
}

/**
 * How a page of the selection is compiled (`CompiledSelection.page`): "did not" and non-membership
 * tests as per-profile probes (`probe: "anti"`, compile-events.ts `existsTest`), and — for the first page of a rule that requires
 * membership of limited segments (`requiredLimited`) — the streamed form: the same WHERE,
 * over `streamedProfiles` of those segments instead of `profiles`, each membership read from the
 * row's columns (`p.streamed_in_7 and p.streamed_rank_7 <= limit`). The rows arrive in `id` order from one index
 * scan, so the page's LIMIT stops the scan after its rows, and the rank's bound stops it at the end
 * of the limited set at the latest (a WindowAgg run condition); no join exists that the planner could
 * turn into a nested loop. Later pages (`first` false) and rules that require no limited segment keep
 * the limited sets as CTEs (`streamed` false).
 */
function pageForm(rule: SelectionRule, ctx: ValidationContext, options: CompileOptions, first: boolean): PageForm {
  const env: Env = { ...newEnv(ctx, rule.databaseId, options), probe: "anti", required: true };
  const required = first ? requiredLimited(rule.conditions, env) : [];
  const levels = required.length > 0 ? streamedProfiles(required, env, 0) : null;
  env.streamed = levels?.streamed;
  const where = selectionWhere(rule, env);
  const frame = frameOf(env);
  return { where, with: frame.with, from: levels ? profilesWithJoins(PROFILE_ALIAS, env.joins, sql`(${levels.query})`) : frame.from, streamed: levels !== null };
}

/**
 * The limited dynamic segments of the same database whose membership `script` requires outright: a
 * member condition in a group joined by AND (or alone) that is not negated, in a script joined by AND
 * (or of one group).
 */
function requiredLimited(script: Script | null, env: Env): number[] {
  const groups = (script?.groups ?? []).filter((g) => g.conditions.length > 0);
  if (script?.logic !== "and" && groups.length > 1) return [];
  const ids = new Set<number>();
  for (const group of groups) {
    if (group.not || (group.logic !== "and" && group.conditions.length > 1)) continue;
    for (const c of group.conditions) {
      if (c.kind !== "segment" || c.segment_type !== "dynamic" || !c.member) continue;
      const segment = env.ctx.dynamicSegments.get(c.segment_id);
      if (segment && segment.limit !== null && segment.databaseId === env.databaseId) ids.add(c.segment_id);
    }
  }
  return [...ids];
}

/**
 * `SELECT p.*, <columns> FROM profiles p … ORDER BY p.id` of the database's profiles with, for each
 * limited segment of `ids`, whether the profile matches its range and rule (`streamed_in_<id>`) and how many
 * profiles up to this one do (`streamed_rank_<id>`, a running count): a member is a match whose rank is at
 * most the limit — the segment's first `limit` matches by id, as SPEC §2 defines it. A segment whose
 * own rule requires other limited segments reads them from a level below, built the same way, so that
 * no limited set is computed in full. Every level keeps the `id` order of one index scan.
 */
function streamedProfiles(ids: number[], env: Env, depth: number): { query: SQL; streamed: Streamed } {
  if (depth > 64) throw new Error("Limited segments nested too deep: validate before compiling");
  const rules = ids.map((id) => {
    const segment = env.ctx.dynamicSegments.get(id)!;
    const parsed = parseScript(segment.conditions);
    if (!parsed.ok) throw new Error(`Segment ${id} has invalid conditions: validate before compiling`);
    return { id, segment, script: parsed.value };
  });
  // A segment that another one here requires is computed below (once), and read here from its columns.
  const deeper = [...new Set(rules.flatMap((r) => requiredLimited(r.script, env)))];
  const below = deeper.length > 0 ? streamedProfiles(deeper, env, depth + 1) : null;
  const here = rules.filter((r) => !below?.streamed.has(r.id));
  if (below && here.length === 0) return below;
  const q = env.aliases.next("p");
  // Every test of a verdict probes its profile: a hashed set would compute what the page stops short of.
  const level: Env = { ...env, joins: new Map(), profileLevel: false, streamed: below?.streamed ?? new Map(), probe: "all", required: false };
  const matches = here.map(({ id, segment, script }) => {
    const inner: Env = { ...level, inlining: [...env.inlining, id] };
    const verdict = allOf([rangePredicate(segment.range, q, false), scriptPredicate(script, q, inner, false)]);
    return sql`coalesce(${toSql(verdict)}, false) as ${sql.raw(`"${streamedColumns(id).matches}"`)}`;
  });
  const source = profilesWithJoins(q, level.joins, below ? sql`(${below.query})` : undefined);
  // `offset 0` keeps the verdicts in this level, computed once per row, below the running counts.
  const verdicts = sql`select ${sql.raw(q)}.*, ${sql.join(matches, sql`, `)} from ${source} where ${column(q, "database_id")} = ${env.databaseId}::int order by ${column(q, "id")} offset 0`;
  const r = env.aliases.next("p");
  const counts = here.map(({ id }) => {
    const { matches, rank } = streamedColumns(id);
    return sql`count(*) filter (where ${column(r, matches)}) over w as ${sql.raw(`"${rank}"`)}`;
  });
  const query = sql`select ${sql.raw(r)}.*, ${sql.join(counts, sql`, `)} from (${verdicts}) ${sql.raw(r)} window w as (order by ${column(r, "id")} rows between unbounded preceding and current row)`;
  const streamed: Streamed = new Map(below?.streamed ?? []);
  for (const { id, segment } of here) streamed.set(id, { limit: segment.limit! });
  return { query, streamed };
}

/**
 * `SELECT id, range_key` of the profiles a rule's conditions select, over events alone (the range not
 * applied), when the rule is one event condition that needs events (`eventOnlyKeysQuery`); else null.
 */
export function compileEventKeys(rule: SelectionRule, ctx: ValidationContext, options: CompileOptions): SQL | null {
  return eventOnlyKeysQuery(rule, eventEnv(newEnv(ctx, rule.databaseId, options)));
}

/** `profiles <p>` (or `source` as `p`) left-joined to the ids of each limited segment too large to hash that the level tests. */
function profilesWithJoins(p: string, joins: Map<number, string>, source: SQL = sql`profiles`): SQL {
  const parts = [...joins].map(
    ([segmentId, j]) => sql` left join ${sql.raw(`"${limitedName(segmentId)}"`)} ${sql.raw(j)} on ${column(j, "id")} = ${column(p, "id")}`,
  );
  return sql`${source} ${sql.raw(p)}${sql.join(parts, sql``)}`;
}

function limitedName(segmentId: number): string {
  return `limited_${Math.trunc(segmentId)}`;
}

/**
 * `lo ≤ range_key < hi` on the stored key (SPEC §2), served by the `(database_id, range_key)` index.
 * Bounds that every key satisfies are left out, so 0–100 adds nothing.
 */
export function rangePredicate(range: Range, p: string, negate: boolean): Predicate {
  return rangeKeyPredicate(range, column(p, "range_key"), negate);
}

/** `logic` joins the groups, each group's `logic` its conditions, `not` negates a group; empty groups are ignored. */
function scriptPredicate(script: Script | null, p: string, env: Env, negate: boolean): Predicate {
  const groups = (script?.groups ?? []).filter((g) => g.conditions.length > 0);
  if (groups.length === 0) return !negate;
  const groupsByAnd = (script!.logic === "and") !== negate;
  const outer = groupsByAnd || groups.length < 2 ? env : underOr(env);
  const parts = groups.map((group) => {
    const groupNegated = negate !== group.not;
    // De Morgan: a negated AND is an OR of negated conditions, and the other way round.
    const joinedByAnd = (group.logic === "and") !== groupNegated;
    const inner = joinedByAnd || group.conditions.length < 2 ? outer : underOr(outer);
    const conditions = groupConditions(group.conditions, p, inner, groupNegated, joinedByAnd);
    return joinedByAnd ? allOf(conditions) : anyOf(conditions);
  });
  return groupsByAnd ? allOf(parts) : anyOf(parts);
}

/**
 * A page's tests under OR (`probe: "anti"` → `"all"`): every EXISTS a per-profile probe. An OR is
 * evaluated profile by profile in `id` order whatever its parts, so the planner cannot start from an
 * event's side there, and a hashed set of every match costs what the page stops short of: Show of the
 * OR of 30 conditions built a hash of every click on five mailings, 62 ms at 1M and 1.07 s at 10M.
 */
function underOr(env: Env): Env {
  return { ...env, probe: env.probe === "anti" ? "all" : env.probe, required: false };
}

/**
 * A group's conditions in their polarity, in order, with conditions that say the same thing about
 * different values merged into one at the place of the first of them (docs/selection-sql.md, "Merged
 * conditions"): plain event conditions that differ only in their type (`type in (…)`), or else only in
 * their mailing (`mailing_id in (…)`) — `EXISTS` ones when the group is joined by OR, `NOT EXISTS` ones
 * when it is joined by AND (after De Morgan) — and `eq`/`in` conditions on one string or number field
 * under OR (`neq`/`not_in` under AND), which become one `in` list that an index or a hashed lookup can
 * serve. Any other condition compiles alone.
 */
function groupConditions(conditions: Condition[], p: string, env: Env, negate: boolean, joinedByAnd: boolean): Predicate[] {
  const mergeable = joinedByAnd ? "not exists" : "exists";
  const assigned: (string | null)[] = conditions.map(() => null);
  const buckets = new Map<string, Condition[]>();
  const bucketBy = (keyOf: (c: Condition) => string | null) => {
    const found = new Map<string, number[]>();
    conditions.forEach((c, i) => {
      const key = assigned[i] === null ? keyOf(c) : null;
      if (key !== null) found.set(key, [...(found.get(key) ?? []), i]);
    });
    for (const [key, members] of found) {
      if (members.length < 2) continue;
      members.forEach((i) => (assigned[i] = key));
      buckets.set(key, members.map((i) => conditions[i]));
    }
  };
  const eventKey = (by: MergeDimension) => (c: Condition) =>
    (c.kind === "interaction" || c.kind === "event") && eventShape(c, negate) === mergeable ? mergeKey(c, env, negate, by) : null;
  bucketBy(eventKey("type"));
  bucketBy(eventKey("mailing"));
  bucketBy((c) => fieldListKey(c, env, negate, joinedByAnd));

  const done = new Set<string>();
  const out: Predicate[] = [];
  conditions.forEach((c, i) => {
    const key = assigned[i];
    if (key === null) {
      out.push(conditionPredicate(c, p, env, negate));
    } else if (!done.has(key)) {
      done.add(key);
      const bucket = buckets.get(key)!;
      if (bucket[0].kind === "field") out.push(fieldListPredicate(bucket as FieldCondition[], p, env, negate));
      else out.push(mergedEventPredicate(bucket as (InteractionCondition | EventCondition)[], p, eventEnv(env), mergeable, JSON.parse(key)[0]));
    }
  });
  return out;
}

const LIST_OPS: Partial<Record<FieldCondition["op"], boolean>> = { eq: true, in: true, neq: false, not_in: false };

/**
 * The key under which `eq`/`in` (or `neq`/`not_in`) conditions on one string or number field merge:
 * only where their group joins them as one list — positive ones by OR, negative ones by AND.
 */
function fieldListKey(c: Condition, env: Env, negate: boolean, joinedByAnd: boolean): string | null {
  if (c.kind !== "field" || LIST_OPS[c.op] === undefined) return null;
  const field = resolveField(c.field, env.ctx.fields);
  if (!field || (field.type !== "string" && field.type !== "number")) return null;
  const positive = LIST_OPS[c.op] !== negate;
  return positive === joinedByAnd ? null : JSON.stringify(["field", field.key, positive]);
}

/** `field in (every value)`, or its exact complement for `neq`/`not_in` conditions joined by AND. */
function fieldListPredicate(conditions: FieldCondition[], p: string, env: Env, negate: boolean): Predicate {
  const values = conditions.flatMap((c) => (Array.isArray(c.value) ? c.value : [c.value]));
  const positive = LIST_OPS[conditions[0].op] !== negate;
  return conditionPredicate({ ...conditions[0], op: "in", value: values } as FieldCondition, p, env, !positive);
}

function eventEnv(env: Env): EventEnv {
  return { databaseId: env.databaseId, now: env.now, aliases: env.aliases, probe: env.probe, required: env.required };
}

function conditionPredicate(condition: Condition, p: string, env: Env, negate: boolean): Predicate {
  switch (condition.kind) {
    case "field": {
      const field = resolveField(condition.field, env.ctx.fields);
      if (!field) throw new Error(`Unknown field ${condition.field}: validate before compiling`);
      const source = field.source === "system" ? systemValueSource(p, field.key) : jsonValueSource(column(p, "fields"), field.key);
      return fieldPredicate(field.type, condition.op, condition.value, source, env.now, negate);
    }
    case "subscription": {
      const status = column(p, `${condition.channel}_subscription`);
      const positive = condition.status === "none" ? sql`${status} is null` : sql`${status} = ${condition.status}::subscription_status`;
      if (!negate) return positive;
      return condition.status === "none" ? sql`${status} is not null` : complement(positive);
    }
    case "interaction":
    case "event":
      return eventPredicate(condition, p, eventEnv(env), negate);
    case "segment": {
      const member = condition.member !== negate;
      return condition.segment_type === "static"
        ? staticMembership(condition.segment_id, p, env, member)
        : dynamicMembership(condition.segment_id, p, env, member);
    }
  }
}

function staticMembership(segmentId: number, p: string, env: Env, member: boolean): Predicate {
  const m = env.aliases.next("m");
  return existsTest(
    sql`select 1 from static_segment_members ${sql.raw(m)} where ${column(m, "segment_id")} = ${segmentId}::int and ${column(m, "profile_id")} = ${column(p, "id")}`,
    !member,
    env,
  );
}

/**
 * Membership in another dynamic segment, evaluated with its own range, conditions and limit. Without
 * a limit it is simply its predicate on the same profile row. With one, its first `limit` ids are
 * computed once per statement — a `MATERIALIZED` CTE — and membership is `p.id IN (those ids)`, kept a
 * hashed SubPlan: the ids are read once into a hash table that each profile probes, inside AND, OR
 * and NOT alike (above `HASHED_LIMIT` ids, and in Calculate's `joinedCount`, which has no nested loops,
 * a left join to the CTE and a null test: `Env.leftJoined`). A correlated `EXISTS` over `… ORDER BY id LIMIT n` let the planner re-run the whole
 * inner selection once per outer profile (a quadratic plan); a join to the CTE could still become a
 * nested loop that rescans it per outer row. See docs/selection-sql.md.
 */
/**
 * The largest limit whose ids are tested as a hashed SubPlan. PostgreSQL hashes an `IN (subquery)` only
 * when its estimated rows × 32 bytes fit the hash memory (`work_mem` × `hash_mem_multiplier`, 8 MB
 * with the defaults: 262,144 ids) and otherwise scans the ids once per profile; the estimate never
 * exceeds the limit, so up to here every statement gets the hash, whatever its `work_mem`.
 */
export const HASHED_LIMIT = 250_000;

function dynamicMembership(segmentId: number, p: string, env: Env, member: boolean): Predicate {
  const segment = env.ctx.dynamicSegments.get(segmentId);
  if (!segment || env.inlining.includes(segmentId) || env.inlining.length > 64) {
    throw new Error(`Segment ${segmentId} cannot be inlined: validate before compiling`);
  }
  const parsed = parseScript(segment.conditions);
  if (!parsed.ok) throw new Error(`Segment ${segmentId} has invalid conditions: validate before compiling`);
  const range = { from: segment.range.from, to: segment.range.to };
  const streamed = env.streamed?.get(segmentId);
  if (streamed) {
    // Show over `streamedProfiles`: the row says whether the profile matches and its rank among the matches.
    const { matches, rank } = streamedColumns(segmentId);
    const inSet = sql`(${column(p, matches)} and ${column(p, rank)} <= ${streamed.limit}::bigint)`;
    return member ? inSet : sql`not ${inSet}`;
  }
  if (env.joined?.has(segmentId)) return member;
  if (segment.limit === null) {
    const inner: Env = { ...env, inlining: [...env.inlining, segmentId], required: false };
    return allOrAny(member, [rangePredicate(range, p, !member), scriptPredicate(parsed.value, p, inner, !member)]);
  }
  if (env.profileLevel) return lazyMembership(segment, segmentId, parsed.value, p, env, member);
  if (!env.limited.has(segmentId)) env.limited.set(segmentId, { name: limitedName(segmentId), body: limitedIds(segmentId, env, false) });
  if (segment.limit > HASHED_LIMIT || env.leftJoined) {
    // Too many ids to be sure of a hash table in memory (hash joins spill to disk), or a statement
    // without nested loops (`leftJoined`): a left join, and membership a null test on the joined id.
    let j = env.joins.get(segmentId);
    if (j === undefined) {
      j = env.aliases.next("c");
      env.joins.set(segmentId, j);
    }
    return member ? sql`${column(j, "id")} is not null` : sql`${column(j, "id")} is null`;
  }
  // A hashed SubPlan: the CTE is read once into a hash table that every profile of the level probes.
  // Wrapped in coalesce() (the ids are never null, so the value is the same) so that PostgreSQL does not
  // pull the IN up into a join, which it may plan as a nested loop rescanning the CTE per outer row when
  // it misestimates the outer side as one row (plan guard, FC_SEED=216574682 batch 1).
  const cte = sql.raw(`"${limitedName(segmentId)}"`);
  const m = env.aliases.next("c");
  const inSet = sql`coalesce(${column(p, "id")} in (select ${column(m, "id")} from ${cte} ${sql.raw(m)}), false)`;
  if (!member) return sql`not ${inSet}`;
  // A member's id lies between the set's least and greatest id (two InitPlans, computed once): implied,
  // so the answer is the same, but an index range for the level, which then probes only those profiles.
  const lo = env.aliases.next("c");
  const hi = env.aliases.next("c");
  return allOf([
    inSet,
    sql`${column(p, "id")} >= (select min(${column(lo, "id")}) from ${cte} ${sql.raw(lo)})`,
    sql`${column(p, "id")} <= (select max(${column(hi, "id")}) from ${cte} ${sql.raw(hi)})`,
  ]);
}

/**
 * `SELECT id …` of a limited segment's first `limit` matches in `id` order: over events alone for a
 * segment of one event condition that needs events (a parallel aggregate or DISTINCT ON, as its
 * Calculate counts them, compile-count.ts), else its own query level, where limited segments inside it
 * become CTEs before it — or, with `join` (`joinedCount`), the ones its rule requires are joined
 * there the same way, so that every level streams in `id` order.
 */
function limitedIds(segmentId: number, env: Env, join: boolean): SQL {
  const segment = env.ctx.dynamicSegments.get(segmentId)!;
  const parsed = parseScript(segment.conditions);
  if (!parsed.ok) throw new Error(`Segment ${segmentId} has invalid conditions: validate before compiling`);
  const range = { from: segment.range.from, to: segment.range.to };
  const keys = env.limitedUpTo === null ? eventOnlyLimitedIds({ databaseId: segment.databaseId, range, conditions: parsed.value, limit: segment.limit! }, eventEnv(env)) : null;
  if (keys) return keys;
  const q = env.aliases.next("p");
  // Read in `id` order up to its limit: counted tests probe each profile (compile-events.ts, `existsTest`),
  // unless the level is joined, which runs without nested loops.
  const inner: Env = { ...env, inlining: [...env.inlining, segmentId], joins: new Map(), profileLevel: false, streamed: undefined, probe: join ? undefined : "counted", joined: undefined, leftJoined: undefined, required: false };
  const required = join ? requiredLimited(parsed.value, inner) : [];
  inner.joined = new Set(required);
  const where = allOf([
    sql`${column(q, "database_id")} = ${segment.databaseId}::int`,
    rangePredicate(range, q, false),
    scriptPredicate(parsed.value, q, inner, false),
    env.limitedUpTo === null ? true : sql`${column(q, "id")} <= ${env.limitedUpTo}`,
  ]);
  const from = sql`${profilesWithJoins(q, inner.joins)}${joinedSets(q, required, inner)}`;
  return sql`select ${column(q, "id")} from ${from} where ${toSql(where)} order by ${column(q, "id")} limit ${segment.limit}::bigint`;
}

/** ` join (<first ids of S>) j(id) on j.id = <p>.id` for each limited segment S of `ids`, inside the level of `p`. */
function joinedSets(p: string, ids: number[], env: Env): SQL {
  return sql.join(
    ids.map((id) => {
      const j = env.aliases.next("c");
      return sql` join (${limitedIds(id, env, true)}) ${sql.raw(`${j}(id)`)} on ${column(j, "id")} = ${column(p, "id")}`;
    }),
    sql``,
  );
}

/**
 * `[WITH …] SELECT id …` of a limited segment's first `limit` matches in `id` order, the limited
 * segments its rule requires joined in `id` order as in `joinedCount` (others as CTEs), for statements
 * that run without nested loops (the funnel's nested sets, lib/segments/funnel.ts).
 */
export function limitedSegmentIds(segmentId: number, ctx: ValidationContext, options: CompileOptions): SQL {
  const segment = ctx.dynamicSegments.get(segmentId);
  if (!segment || segment.limit === null) throw new Error(`Segment ${segmentId} has no limit: validate before compiling`);
  const env = newEnv(ctx, segment.databaseId, options);
  const body = limitedIds(segmentId, env, true);
  return sql`${frameOf(env).with}select l.id from (${body}) ${sql.raw("l(id)")}`;
}

/**
 * Calculate of a rule without a limit that refers to limited segments (`CompiledSelection.joinedCount`;
 * null for a rule that refers to none). The ones it requires (`requiredLimited`) are joined, over events
 * or profiles:
 * `SELECT count(*) FROM profiles p JOIN (<S's first ids>) j(id) ON j.id = p.id … WHERE …`, each level
 * of nested limits joined the same way, where the selection tests membership of a hashed CTE. The ids
 * come in `id` order, so PostgreSQL merges them with the profiles and stops reading each limited
 * set's source where the set ends: "member of the first 20,000 subscribed among the first 100,000
 * recent buyers" reads 25,562 buyers and 55,473 profiles instead of computing all 100,000 buyers and
 * testing every profile. When the rule asks nothing but membership of one such segment, its ids are
 * counted alone. Every other limited segment the rule tests is left-joined (`Env.leftJoined`): a hash
 * anti-join above a parallel scan of the profiles, where a hashed SubPlan over the CTE keeps the scan
 * serial. Only under `countSettings` (no nested loops, which a join to a LIMIT subquery or a CTE
 * would otherwise risk: the quadratic plan of issue 11); hence only without a limit. Null otherwise.
 */
function joinedCount(rule: SelectionRule, ctx: ValidationContext, options: CompileOptions): SQL | null {
  if (rule.limit !== null) return null;
  const env: Env = { ...newEnv(ctx, rule.databaseId, options), required: true, leftJoined: true };
  const required = requiredLimited(rule.conditions, env);
  env.joined = new Set(required);
  const restriction = selectionRestriction(rule, env);
  if (restriction === true && required.length === 1) {
    // Nothing asked beyond membership of one limited segment ("member of S" over the whole range; a
    // joined membership compiles to `true` and adds no join): its ids are already profiles of this
    // database, so they are counted without joining `profiles` back (two levels of limited nesting at
    // 1M: 53 → 44 ms, docs/benchmarks.md).
    const ids = limitedIds(required[0], env, true);
    return sql`${frameOf(env).with}select count(*)::int as count from (${ids}) ${sql.raw("c(id)")}`;
  }
  const where = inDatabase(rule, restriction);
  const joined = joinedSets(PROFILE_ALIAS, required, env);
  const frame = frameOf(env);
  return sql`${frame.with}select count(*)::int as count from ${frame.from}${joined} where ${where}`;
}

/**
 * Explain only: membership of the explained profile in a limited segment, without computing the
 * segment: the profile is in it iff it matches the segment's own rule and fewer than `limit` of its
 * matches have a smaller id — a count that stops after `limit` rows, and that runs only when the
 * profile matches (AND and OR stop at their first deciding operand). Limited segments inside that
 * count are CTEs bounded by `limitedUpTo`.
 */
function lazyMembership(segment: { databaseId: number; range: Range; limit: number | null }, segmentId: number, script: Script | null, p: string, env: Env, member: boolean): Predicate {
  // Explained already (the nested segment's own tree counted its rank): its answer, not a second count.
  const explained = env.members?.get(segmentId);
  if (explained !== undefined) return explained === member;
  // Computed once per explained profile, in a lateral subquery that the verdicts of the selection,
  // its groups and its conditions all read.
  const lateral = env.lateral!;
  let known = lateral.get(segmentId);
  if (!known) {
    const alias = env.aliases.next("c");
    known = { alias, member: sql`coalesce(${toSql(lazyMembershipPredicate(segment, segmentId, script, p, env))}, false)` };
    lateral.set(segmentId, known);
  }
  const value = column(known.alias, "member");
  return member ? value : sql`not ${value}`;
}

function lazyMembershipPredicate(segment: { databaseId: number; range: Range; limit: number | null }, segmentId: number, script: Script | null, p: string, env: Env): Predicate {
  const limit = segment.limit!;
  const self: Env = { ...env, inlining: [...env.inlining, segmentId] };
  const q = env.aliases.next("p");
  const inner: Env = { ...env, inlining: [...env.inlining, segmentId], joins: new Map(), profileLevel: false, streamed: undefined };
  const below = toSql(
    allOf([
      sql`${column(q, "database_id")} = ${segment.databaseId}::int`,
      rangePredicate(segment.range, q, false),
      scriptPredicate(script, q, inner, false),
      // Below the explained profile, whose id is the bound: a constant, so that the planner sees how many
      // profiles lie below it (an index range for a small id, a hash join for a large one).
      sql`${column(q, "id")} < ${env.limitedUpTo!}`,
    ]),
  );
  const counted = sql`(select count(*) from (select 1 from ${profilesWithJoins(q, inner.joins)} where ${below} limit ${limit}::bigint) ${sql.raw(`${q}_below`)})`;
  return allOf([
    sql`${column(p, "database_id")} = ${segment.databaseId}::int`,
    rangePredicate(segment.range, p, false),
    scriptPredicate(script, p, self, false),
    sql`${counted} < ${limit}::bigint`,
  ]);
}

/** Range AND conditions for a member; for a non-member the negation, range OR conditions failing. */
function allOrAny(member: boolean, parts: Predicate[]): Predicate {
  return member ? allOf(parts) : anyOf(parts);
}

/**
 * `<with> SELECT <columns> FROM <from> WHERE <where> [AND <and>] ORDER BY p.id [LIMIT n]`: a whole
 * statement over the selection, CTEs first, so that it may also stand in parentheses as a subquery.
 * `unordered` drops the ORDER BY where only the number of rows matters (a limited count).
 */
export function selectionStatement(selection: CompiledSelection, columns: SQL, opts: { and?: SQL; unordered?: boolean } = {}): SQL {
  const where = opts.and ? sql`(${selection.where}) and ${opts.and}` : selection.where;
  const order = opts.unordered ? sql`` : sql` order by ${column(PROFILE_ALIAS, "id")}`;
  return sql`${selection.with}select ${columns} from ${selection.from} where ${where}${order}${limitClause(selection.limit)}`;
}

/** `SELECT p.id …` of the whole selection in `id` order: for `INSERT … SELECT`, `IN (…)` and exports. */
export function selectionIdsQuery(selection: CompiledSelection): SQL {
  return selectionStatement(selection, column(PROFILE_ALIAS, "id"));
}

/**
 * Calculate's statement: the joined count where the rule has one (`CompiledSelection.joinedCount`),
 * else `selectionCountQuery`. Run it under `countSettings` (selection.ts, `countOf`).
 */
export function calculateQuery(selection: CompiledSelection): SQL {
  return selection.joinedCount() ?? selectionCountQuery(selection);
}

/** `SELECT count(*)` of the selection: min(matches, limit). Order does not change a limited count. */
export function selectionCountQuery(selection: CompiledSelection): SQL {
  if (selection.countQuery) {
    if (selection.limit === null) return selection.countQuery;
    return sql`select least(n.count, ${selection.limit}::bigint)::int as count from (${selection.countQuery}) n`;
  }
  if (selection.limit === null) return selectionStatement(selection, sql`count(*)::int as count`, { unordered: true });
  return sql`select count(*)::int as count from (${selectionStatement(selection, sql`1`, { unordered: true })}) limited`;
}

function limitClause(limit: number | null): SQL {
  return limit === null ? sql`` : sql` limit ${limit}::bigint`;
}

/**
 * The compiler's parts for explain and the funnel (lib/segments/explain.ts, funnel.ts), which evaluate
 * a rule piece by piece with exactly the predicates the selection uses: the whole selection's WHERE, a
 * group as the selection compiles it (`not` included), a condition on its own in positive polarity —
 * all over the profile alias `p` and sharing one compilation, so that `frame()` (called after them)
 * gives the CTEs and FROM item that every one of them needs (limited nested segments).
 */
export type RuleParts = {
  selection: Pick<CompiledSelection, "databaseId" | "where" | "limit">;
  group: (group: Script["groups"][number]) => Predicate;
  condition: (condition: Condition) => Predicate;
  frame: () => { with: SQL; from: SQL };
  /**
   * The selection's WHERE over any profile (limited nested segments as CTEs joined by id) and its FROM
   * item, for counts over the selection such as explain's rank. The same as `selection.where` and
   * `frame().from` unless `limitedUpTo` is given.
   */
  setWhere: SQL;
  setFrom: () => SQL;
};

export function compileRuleParts(
  rule: SelectionRule,
  ctx: ValidationContext,
  options: CompileOptions & { limitedUpTo?: SQL; oneProfile?: boolean; members?: ReadonlyMap<number, boolean> },
): RuleParts {
  // `limitedUpTo` (explain): a limited segment's membership of a profile depends only on the matches
  // with a smaller id, so its first `limit` ids up to that bound answer exactly for every profile up to
  // it, and the CTE stops there instead of computing the whole limited set.
  // `oneProfile` (explain of the profile whose id is `limitedUpTo`): `selection`, `group` and
  // `condition` test limited segments on the profile itself (`lazyMembership`), and `setWhere` is the
  // selection over any profile, sharing the CTEs. `members` (with `oneProfile`): limited segments whose
  // membership of that profile is known, tested as constants.
  const explain = options.oneProfile === true && options.limitedUpTo !== undefined;
  const env: Env = { ...newEnv(ctx, rule.databaseId, options), limitedUpTo: options.limitedUpTo ?? null, profileLevel: explain, lateral: new Map(), members: explain ? options.members : undefined };
  const setEnv: Env = explain ? { ...env, profileLevel: false, joins: new Map() } : env;
  const p = PROFILE_ALIAS;
  const where = selectionWhere(rule, env);
  const setWhere = explain ? selectionWhere(rule, setEnv) : where;
  return {
    selection: { databaseId: rule.databaseId, where, limit: rule.limit },
    group: (group) => scriptPredicate({ logic: "and", groups: [group] }, p, env, false),
    condition: (condition) => conditionPredicate(condition, p, env, false),
    frame: () => frameOf(env),
    setWhere,
    setFrom: () => profilesWithJoins(p, setEnv.joins),
  };
}

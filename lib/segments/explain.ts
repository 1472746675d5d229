import "server-only";
/**
 * "Why is this profile in or out?" (SPEC §6): a rule evaluated by the database for one profile, piece
 * by piece, with the compiler's own predicates — the range, each group as the selection compiles it,
 * each condition on its own, and the selection's whole WHERE for the final verdict — plus the evidence
 * each condition looked at. One statement per rule (nested dynamic segments are explained by their own
 * statement); the rank under a limit counts the matches with an id up to the profile's, with the same
 * WHERE, so the verdict is membership in the selection by construction.
 */
import { sql, type SQL } from "drizzle-orm";
import { describeCondition } from "./describe";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { invalid, notFound } from "@/lib/errors";
import { compileRuleParts, rangePredicate, type RuleParts } from "./compile";
import { eventOnlyRankQuery } from "./compile-count";
import { eventCountExpression, resolvedPeriod } from "./compile-events";
import { dateConditionBounds, type DateBound } from "./compile-field";
import { dateToMicros, formatInstant } from "./dates";
import { resolveField } from "./fields";
import { AliasPool, column, jsonKey, toSql } from "./predicate";
import { rangeBounds } from "./range";
import { parseScript, type Condition, type SelectionRule, type SelectionRuleInput } from "./script";
import { withReadDb } from "@/db/replica";
import { prepareSelection, selectionTimeoutMs, withStatementTimeout, type PreparedSelection, type SelectionOptions } from "./selection";
import type { ValidationContext } from "./validate";
import { ruleLabelOptions } from "./labels";
import { summarize, type DateBounds, type ExplainedCondition, type ExplainedGroup, type ExplainEvidence, type Explanation, type SegmentTree } from "./explain-text";

export type { Explanation, SegmentTree } from "./explain-text";

const P = "p";
const MAX_PROFILE_REF = 320;

/** Explains a rule (saved or draft) for one profile of its database, given by id or email. */
export async function explainSelection(
  db: Db,
  user: ActingUser,
  input: SelectionRuleInput | unknown,
  profile: string,
  opts: SelectionOptions = {},
): Promise<Explanation> {
  const ref = checkProfileRef(profile);
  const prepared = await prepareSelection(db, user, input, opts);
  // Access was checked on the primary; the evaluation only reads, on the read replica when there is one.
  return withReadDb(db, (reader) =>
    withStatementTimeout(reader, selectionTimeoutMs(opts), async (tx) => {
      const profileId = await resolveProfile(tx, prepared.rule.databaseId, ref);
      const [tree] = await explainPrepared(tx, prepared, [profileId]);
      if (!tree) throw notFound("The profile");
      return tree;
    }),
  );
}

/**
 * Explains a checked rule for profiles of its database (ids that are not there are left out): the
 * engine of `explainSelection`, also run by the property test over every profile of a world.
 */
export async function explainPrepared(db: Db, prepared: PreparedSelection, profileIds: number[]): Promise<Explanation[]> {
  if (profileIds.length === 0) return [];
  const labels = await ruleLabelOptions(db, prepared.rule, prepared.ctx);
  const env: TreeEnv = { db, ctx: prepared.ctx, now: prepared.now, labels, nested: new Map() };
  const trees = await evaluateTrees(env, prepared.rule, profileIds);
  return profileIds.flatMap((id) => {
    const tree = trees.get(id);
    return tree ? [{ profile_id: id, ...tree }] : [];
  });
}

/** Explains a saved segment (as it is saved) for one profile. */
export async function explainSavedSegment(db: Db, user: ActingUser, segmentId: number, profile: string, opts: Omit<SelectionOptions, "segmentId"> = {}): Promise<Explanation> {
  const segment = await requireVisibleDynamicSegment(db, user, segmentId);
  const rule = { databaseId: segment.databaseId, range: { from: Number(segment.rangeFrom), to: Number(segment.rangeTo) }, conditions: segment.conditions, limit: segment.limit };
  return explainSelection(db, user, rule, profile, { ...opts, segmentId });
}

function checkProfileRef(profile: unknown): string {
  const ref = typeof profile === "string" ? profile.trim() : "";
  const issue = (message: string) => invalid([{ path: "profile", message }], message);
  if (!ref) throw issue("Enter a profile id or email.");
  if (ref.length > MAX_PROFILE_REF || /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(ref)) throw issue("Enter a profile id or email address.");
  return ref;
}

/** A profile of the database by id, else by email (case-insensitive; the lowest id when several share it). */
async function resolveProfile(db: Db, databaseId: number, ref: string): Promise<number> {
  if (/^\d{1,18}$/.test(ref)) {
    const [row] = await queryRows<{ id: string | number }>(db, sql`select id from profiles where id = ${ref}::bigint and database_id = ${databaseId}::int`);
    if (row) return Number(row.id);
  }
  const [row] = await queryRows<{ id: string | number }>(
    db,
    sql`select id from profiles where database_id = ${databaseId}::int and lower(email) = lower(${ref}::text) order by id limit 1`,
  );
  if (!row) throw notFound("The profile");
  return Number(row.id);
}

type TreeEnv = {
  db: Db;
  ctx: ValidationContext;
  now: Date;
  labels: BuilderOptions;
  /** Nested dynamic segments already explained, by id (one may be referred to more than once). */
  nested: Map<number, Map<number, SegmentTree>>;
};

type Row = { id: number | string; r: Evaluated | string; rank: number | null };
type Evaluated = { key: number | string; inside: boolean; matches: boolean; groups: [boolean, [boolean, unknown][]][] };

/**
 * A rule for some profiles of its database (one for explain; every profile in the property test, so that
 * both run the same SQL): one statement, the exact rank of profiles past the limit (for many profiles),
 * then nested segments.
 */
async function evaluateTrees(env: TreeEnv, rule: SelectionRule, profileIds: number[]): Promise<Map<number, SegmentTree>> {
  const now = dateToMicros(env.now);
  // The selection's WHERE and every part below share one compilation: `frame()` then has the CTEs and
  // joins of limited nested segments that any of them needs. Those CTEs stop at the highest profile
  // explained, since membership of a profile depends only on the matches below its id; with one
  // profile (the page and the API), a limited nested segment is tested on the profile itself — its
  // rule, then fewer than `limit` of its matches below the profile's id, counted only when the profile
  // matches (compileRuleParts). No explanation computes a whole limited set. The bound is also written
  // beside each `<= profile id` of the rank: implied there, it tells the planner how few profiles lie
  // below a small id (else it hashes every match).
  const upTo = BigInt(Math.max(...profileIds)).toString();
  const one = profileIds.length === 1;
  const groups = rule.conditions?.groups ?? [];
  const nestedSegments = groups.flatMap((group) => group.conditions.flatMap((c) => (c.kind === "segment" && c.segment_type === "dynamic" ? [c.segment_id] : [])));
  // Nested dynamic segments first, each once for all the profiles (every level below included), so that
  // for one profile this statement tests a limited one's membership as the constant its own tree
  // found — its rank is counted once, there, not again here.
  for (const id of nestedSegments) await nestedTrees(env, id, profileIds);
  const members = one ? knownMembers(env, profileIds[0]) : undefined;
  const parts = compileRuleParts(rule, env.ctx, { now: env.now, limitedUpTo: sql`${upTo}::bigint`, oneProfile: one, members });
  const selection = parts.selection;
  const aliases = new AliasPool();
  const groupColumns = groups.map((group) => {
    const verdict = group.conditions.length ? toSql(parts.group(group)) : sql`${(group.logic === "and") !== group.not}::boolean`;
    const conditions = group.conditions.map(
      (c) => sql`jsonb_build_array(coalesce(${toSql(parts.condition(c))}, false), ${evidenceSql(c, env.ctx, rule.databaseId, now, aliases, parts)})`,
    );
    return sql`jsonb_build_array(coalesce(${verdict}, false), jsonb_build_array(${sql.join(conditions, sql`, `)}))`;
  });
  const ids = sql.join(profileIds.map((id) => sql`${id}::bigint`), sql`, `);
  const frame = parts.frame(); // after every part above is compiled
  // The rank reads the outer row through `x`, so that the selection's WHERE keeps its own alias `p`.
  const rank = rule.limit === null ? sql`null::int` : sql`case when (x.r ->> 'matches')::boolean then ${rankQuery(rule, parts, { one, upTo, now, aliases, limit: rule.limit })} end`;
  const statement = sql`${frame.with}select x.id, x.r, ${rank} as rank from (
      select ${column(P, "id")} as id, jsonb_build_object(
        'key', ${column(P, "range_key")},
        'inside', coalesce(${toSql(rangePredicate(rule.range, P, false))}, false),
        'matches', coalesce(${selection.where}, false),
        'groups', jsonb_build_array(${sql.join(groupColumns, sql`, `)})) as r
      from ${frame.from} where ${column(P, "id")} in (${ids}) and ${column(P, "database_id")} = ${rule.databaseId}::int) x`;
  const rows = await queryRows<Row>(env.db, statement);
  const ranks = new Map(rows.map((row) => [Number(row.id), row.rank === null ? null : Number(row.rank)]));

  // One profile's rank is counted exactly at once (a count up to it costs no more than a capped count
  // and then an exact one); for many, a capped count each, then exactly for those past the limit.
  const past = rule.limit === null || one ? [] : rows.filter((row) => row.rank !== null && Number(row.rank) > rule.limit!).map((row) => Number(row.id));
  if (past.length) {
    // Past the limit the capped count stopped at limit + 1; count exactly.
    const values = sql.join(past.map((id) => sql`(${id}::bigint)`), sql`, `);
    const exact = await queryRows<{ id: number | string; n: number | string }>(
      env.db,
      sql`${frame.with}select v.id, (select count(*)::int from ${parts.setFrom()} where ${parts.setWhere} and ${upToRow(one, upTo, sql`v.id`)}) as n from (values ${values}) v(id)`,
    );
    for (const e of exact) ranks.set(Number(e.id), Number(e.n));
  }

  const trees = new Map<number, SegmentTree>();
  for (const row of rows) {
    const id = Number(row.id);
    const r: Evaluated = typeof row.r === "string" ? JSON.parse(row.r) : row.r;
    const explainedGroups: ExplainedGroup[] = groups.map((group, g) => ({
      member: r.groups[g][0],
      logic: group.logic,
      not: group.not,
      ignored: group.conditions.length === 0,
      conditions: group.conditions.map((c, i): ExplainedCondition => {
        const [member, raw] = r.groups[g][1][i];
        return { member, label: describeCondition(c, env.labels, rule.databaseId), evidence: evidenceOf(env, c, raw, now, id) };
      }),
    }));
    const { lo, hi } = rangeBounds(rule.range);
    const rankValue = ranks.get(id) ?? null;
    const limit = rule.limit === null ? null : { limit: rule.limit, rank: r.matches ? rankValue : null };
    const member = r.matches && (limit === null || (limit.rank !== null && limit.rank <= limit.limit));
    const tree: Omit<SegmentTree, "summary"> = {
      member,
      range: { key: Number(r.key), lo: Number(lo), hi: Number(hi), inside: r.inside, from: rule.range.from, to: rule.range.to },
      logic: rule.conditions?.logic ?? "and",
      matches: r.matches,
      groups: explainedGroups,
      limit,
    };
    trees.set(id, { ...tree, summary: summarize(tree) });
  }
  return trees;
}

/**
 * The rank of the outer row `x` among a limited rule's matches (its matches up to its id), as a scalar
 * subquery. For one profile (`one`: the page and the API) it is exact and the bound is the constant
 * `upTo`; a rule counted from the events that decide it counts over those events alone (compile-count.ts,
 * `eventOnlyRankQuery`), any other through the profiles. For many profiles it is capped at `limit + 1`.
 */
export function rankQuery(rule: SelectionRule, parts: RuleParts, opts: { one: boolean; upTo: string; now: bigint; aliases: AliasPool; limit: number }): SQL {
  const fromEvents = opts.one ? eventOnlyRankQuery(rule, { databaseId: rule.databaseId, now: opts.now, aliases: opts.aliases }, sql`${opts.upTo}::bigint`) : null;
  if (fromEvents) return fromEvents;
  return sql`(select count(*)::int from (select 1 from ${parts.setFrom()} where ${parts.setWhere} and ${upToRow(opts.one, opts.upTo, sql`x.id`)}${opts.one ? sql`` : sql` limit ${opts.limit + 1}::bigint`}) ranked)`;
}

/** Up to the profile's id: with one profile a constant, so that the count is planned for it. */
function upToRow(one: boolean, upTo: string, row: SQL): SQL {
  return one ? sql`${column(P, "id")} <= ${upTo}::bigint` : sql`${column(P, "id")} <= ${row} and ${column(P, "id")} <= ${upTo}::bigint`;
}

/** The explained profile's membership of each nested segment explained so far (a profile outside the database has none). */
function knownMembers(env: TreeEnv, profileId: number): Map<number, boolean> {
  return new Map([...env.nested].flatMap(([segmentId, trees]) => {
    const tree = trees.get(profileId);
    return tree ? [[segmentId, tree.member] as const] : [];
  }));
}

async function nestedTrees(env: TreeEnv, segmentId: number, profileIds: number[]): Promise<void> {
  if (env.nested.has(segmentId)) return;
  const info = env.ctx.dynamicSegments.get(segmentId);
  const parsed = info ? parseScript(info.conditions) : null;
  if (!info || !parsed?.ok) throw new Error(`Segment ${segmentId} cannot be explained: validate before explaining`);
  const rule: SelectionRule = { databaseId: info.databaseId, range: info.range, conditions: parsed.value, limit: info.limit };
  env.nested.set(segmentId, await evaluateTrees(env, rule, profileIds));
}

/** The stored value, status, event count or membership a condition looks at, as jsonb. */
function evidenceSql(c: Condition, ctx: ValidationContext, databaseId: number, now: bigint, aliases: AliasPool, parts: RuleParts): SQL {
  switch (c.kind) {
    case "field": {
      const field = resolveField(c.field, ctx.fields);
      if (!field) throw new Error(`Unknown field ${c.field}: validate before explaining`);
      if (field.source === "custom") return sql`(${column(P, "fields")} -> ${jsonKey(field.key)})`;
      if (field.type === "date") return sql`to_jsonb(to_char(${column(P, field.key)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))`;
      return sql`to_jsonb(${column(P, field.key)})`;
    }
    case "subscription":
      return sql`to_jsonb(${column(P, `${c.channel}_subscription`)})`;
    case "interaction":
    case "event":
      return sql`to_jsonb(${eventCountExpression(c, P, { databaseId, now, aliases })})`;
    case "segment":
      if (c.segment_type === "dynamic") return sql`'null'::jsonb`;
      return sql`to_jsonb(coalesce(${toSql(parts.condition({ ...c, member: true }))}, false))`;
  }
}

const boundText = (b: DateBound | null) => (b ? formatInstant(b.micros) : null);

function evidenceOf(env: TreeEnv, c: Condition, raw: unknown, now: bigint, profileId: number): ExplainEvidence {
  switch (c.kind) {
    case "field": {
      const field = resolveField(c.field, env.ctx.fields)!;
      let bounds: DateBounds | undefined;
      if (field.type === "date" && !["empty", "not_empty"].includes(c.op)) {
        const b = dateConditionBounds(c.op, c.value, now);
        bounds = { from: boundText(b.from), from_inclusive: b.from?.inclusive ?? false, to: boundText(b.to), to_inclusive: b.to?.inclusive ?? false };
      }
      return { kind: "field", field: c.field, value: raw ?? null, ...(bounds ? { bounds } : {}) };
    }
    case "subscription":
      return { kind: "subscription", channel: c.channel, status: (raw as "subscribed" | "unsubscribed" | null) ?? null };
    case "interaction":
    case "event": {
      const period = resolvedPeriod(c.period, now);
      return { kind: "events", type: c.type, count: Number(raw), from: period.from, to: period.to };
    }
    case "segment": {
      if (c.segment_type === "static") {
        const info = env.ctx.staticSegments.get(c.segment_id);
        return { kind: "static_segment", segment_id: c.segment_id, name: info?.name ?? `#${c.segment_id}`, wants_member: c.member, in_segment: raw === true };
      }
      const tree = env.nested.get(c.segment_id)?.get(profileId);
      if (!tree) throw new Error(`Segment ${c.segment_id} was not explained for profile ${profileId}`);
      return { kind: "dynamic_segment", segment_id: c.segment_id, name: env.ctx.dynamicSegments.get(c.segment_id)?.name ?? `#${c.segment_id}`, wants_member: c.member, tree };
    }
  }
}

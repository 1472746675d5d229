import "server-only";
/**
 * The data layer of selections: Calculate, Show, saved-segment calculation and the building blocks
 * that copy/export/bulk-edit reuse. Every entry point checks the acting user's access to the source
 * database and to every segment the rule refers to (absent or invisible → 404), validates the rule,
 * then runs the compiled SQL under a statement timeout.
 */
import { eq, is, sql, type SQL } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import { queryRows, type Db } from "@/db/client";
import { withReadDb } from "@/db/replica";
import { dynamicSegments, segmentUpdateLog } from "@/db/schema";
import { requireVisibleDatabase, requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { cancelReason } from "@/db/errors";
import { AppError, formatDuration, invalid } from "@/lib/errors";
import { calculateQuery, compileSelection, selectionIdsQuery, selectionStatement, type CompiledSelection } from "./compile";
import { loadValidationContext } from "./load-context";
import { parseSelectionRule, type SelectionRule, type SelectionRuleInput } from "./script";
import { validateSelection, type ValidationContext } from "./validate";
import { env } from "@/lib/env";
import { profileOfRow, type Profile, type ProfileSqlRow } from "@/lib/profiles/profile";

export type SelectionOptions = {
  /** The clock for relative periods (`last_days`, `within_*`); tests pin it. Default: now. */
  now?: Date;
  /** Statement timeout on PostgreSQL. Default: SELECTION_TIMEOUT_MS or 30 s. */
  timeoutMs?: number;
  /** The saved segment the rule belongs to, so that a reference back to it is reported as a cycle. */
  segmentId?: number;
};

/** A rule that passed access checks and validation, with its SQL. */
export type PreparedSelection = {
  rule: SelectionRule;
  selection: CompiledSelection;
  /** `SELECT p.id … ORDER BY p.id [LIMIT n]`: embed it in `INSERT … SELECT` or `IN (…)`. */
  idsQuery: SQL;
  now: Date;
  /** The fields and referenced segments the rule was validated and compiled against. */
  ctx: ValidationContext;
};

export const SHOW_LIMIT = 100;

/** The statement timeout a selection statement runs under: the caller's, else SELECTION_TIMEOUT_MS. */
export function selectionTimeoutMs(opts: { timeoutMs?: number }): number {
  return opts.timeoutMs ?? env().SELECTION_TIMEOUT_MS;
}

/**
 * How often the engine parsed a rule and prepared (authorized, validated, compiled) one, since the
 * process started: tests read it to prove a request prepares its selection once.
 */
export const selectionWork = { parses: 0, preparations: 0 };

/**
 * Parses, authorizes and validates a selection rule, and compiles it. Throws AppError: `not_found`
 * for an invisible or absent database or referenced segment, `validation_failed` with every issue at
 * the rule's paths (`range.to`, `conditions.groups[0].conditions[1].value`).
 */
export async function prepareSelection(db: Db, user: ActingUser, input: SelectionRuleInput | unknown, opts: SelectionOptions = {}): Promise<PreparedSelection> {
  const databaseId = (input as { databaseId?: unknown } | null)?.databaseId;
  if (typeof databaseId === "number" && Number.isInteger(databaseId) && databaseId > 0) {
    // Access first, so that validation messages never reveal an invisible database's fields.
    await requireVisibleDatabase(db, user, databaseId);
  }
  selectionWork.parses++;
  const parsed = parseSelectionRule(input);
  if (!parsed.ok) throw invalid(parsed.issues);
  return prepareParsedRule(db, user, parsed.value, opts, { accessChecked: true });
}

/**
 * Authorizes, validates and compiles a rule that is already parsed (a segment's input parsed at the
 * edge): the save path prepares its selection once with this and carries the result through.
 */
export async function prepareRule(db: Db, user: ActingUser, rule: SelectionRule, opts: SelectionOptions = {}): Promise<PreparedSelection> {
  return prepareParsedRule(db, user, rule, opts, { accessChecked: false });
}

async function prepareParsedRule(db: Db, user: ActingUser, rule: SelectionRule, opts: SelectionOptions, { accessChecked }: { accessChecked: boolean }): Promise<PreparedSelection> {
  if (!accessChecked) await requireVisibleDatabase(db, user, rule.databaseId);
  selectionWork.preparations++;
  const ctx = await loadValidationContext(db, user, rule, opts.segmentId);
  const issues = validateSelection(rule, ctx);
  if (issues.length) throw invalid(issues);
  const now = opts.now ?? new Date();
  const selection = compileSelection(rule, ctx, { now });
  return { rule, selection, idsQuery: selectionIdsQuery(selection), now, ctx };
}

/** Calculate: the number of profiles in the selection. */
export async function calculateSelection(
  db: Db,
  user: ActingUser,
  rule: SelectionRuleInput | unknown,
  opts: SelectionOptions = {},
): Promise<{ count: number; calculatedAt: Date }> {
  const prepared = await prepareSelection(db, user, rule, opts);
  const count = await withReadDb(db, (reader) => withStatementTimeout(reader, selectionTimeoutMs(opts), (tx) => countOf(tx, prepared.selection)));
  return { count, calculatedAt: prepared.now };
}

/** Show: the first 100 profiles of the selection in `id` order. */
export async function showSelection(db: Db, user: ActingUser, rule: SelectionRuleInput | unknown, opts: SelectionOptions = {}): Promise<Profile[]> {
  const prepared = await prepareSelection(db, user, rule, opts);
  return withReadDb(db, (reader) => withStatementTimeout(reader, selectionTimeoutMs(opts), (tx) => profilePage(tx, prepared.selection, { pageSize: SHOW_LIMIT }), PAGE_SETTINGS));
}

/**
 * The whole selection in `id` order, page by page (keyset pagination on `id`), for streamed exports.
 * The rule is checked once and `now` fixed, so that every page reads the same selection.
 */
export async function* streamSelection(
  db: Db,
  user: ActingUser,
  rule: SelectionRuleInput | unknown,
  opts: SelectionOptions & { pageSize?: number } = {},
): AsyncGenerator<Profile[]> {
  const prepared = await prepareSelection(db, user, rule, opts);
  const pageSize = opts.pageSize ?? 1000;
  let afterId: number | undefined;
  let remaining = prepared.selection.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const page = await withStatementTimeout(
      db,
      selectionTimeoutMs(opts),
      (tx) => profilePage(tx, prepared.selection, { pageSize: Math.min(pageSize, remaining), afterId }),
      PAGE_SETTINGS,
    );
    if (page.length === 0) return;
    yield page;
    remaining -= page.length;
    afterId = page[page.length - 1].id;
    if (page.length < pageSize) return;
  }
}

/**
 * Calculates a saved segment and, in one transaction, stores its count and writes a "calculated" row
 * to its update log (time, user, count).
 */
export async function calculateSavedSegment(
  db: Db,
  user: ActingUser,
  segmentId: number,
  opts: Omit<SelectionOptions, "segmentId"> = {},
): Promise<{ count: number; calculatedAt: Date }> {
  const segment = await requireVisibleDynamicSegment(db, user, segmentId);
  const prepared = await prepareSavedSegment(db, user, segment, opts);
  return countSavedSegment(db, user, segmentId, prepared, opts);
}

type SavedSegment = Pick<typeof dynamicSegments.$inferSelect, "id" | "databaseId" | "rangeFrom" | "rangeTo" | "conditions" | "limit">;
type SegmentDefinition = { range: { from: number; to: number }; conditions: unknown; limit: number | null };

/**
 * Prepares a saved segment's selection (the caller checked that the user may see it): its rule — the
 * current definition, or `definition` (a version's) — checked, validated and compiled like any rule, a
 * reference back to the segment itself reported as a cycle.
 */
export function prepareSavedSegment(
  db: Db,
  user: ActingUser,
  segment: SavedSegment,
  opts: Omit<SelectionOptions, "segmentId"> & { definition?: SegmentDefinition } = {},
): Promise<PreparedSelection> {
  const { definition = { range: { from: segment.rangeFrom, to: segment.rangeTo }, conditions: segment.conditions, limit: segment.limit }, ...options } = opts;
  const rule = { databaseId: segment.databaseId, range: definition.range, conditions: definition.conditions, limit: definition.limit };
  return prepareSelection(db, user, rule, { ...options, segmentId: segment.id });
}

/**
 * Counts a saved segment whose selection the caller prepared (a save, which prepared it at the edge)
 * and records the count: the segment row and a "calculated" row in its update log, at `prepared.now`.
 */
export async function countSavedSegment(
  db: Db,
  user: ActingUser,
  segmentId: number,
  prepared: PreparedSelection,
  opts: Pick<SelectionOptions, "timeoutMs"> = {},
): Promise<{ count: number; calculatedAt: Date }> {
  const calculatedAt = prepared.now;
  // The count on the read replica when there is one (it waits for the primary's latest commit), the
  // count and the log row then written on the primary together.
  const count = await withReadDb(db, (reader) => withStatementTimeout(reader, selectionTimeoutMs(opts), (tx) => countOf(tx, prepared.selection)));
  await db.transaction(async (tx) => {
    await tx.update(dynamicSegments).set({ lastCount: count, lastCalculatedAt: calculatedAt }).where(eq(dynamicSegments.id, segmentId));
    await tx.insert(segmentUpdateLog).values({ segmentId, userId: user.id, at: calculatedAt, kind: "calculated", count });
  });
  return { count, calculatedAt };
}

/**
 * The planner settings of Calculate's count (`countOf`): without a limit no nested loops. Such a count
 * reads the whole selection, where a semi- or anti-join by hash (or merge) is linear, while a nested
 * loop is linear only when its inner side is an index probe: the plan guard found counts whose outer
 * side PostgreSQL misestimated as one row and then joined by a nested loop that re-read a whole inner
 * set per profile (a sequential scan of a static segment's members, a materialized event set, a
 * grouped event count; FC_SEED=320005366, 216574682 and 1095443144 — with an expensive outer filter
 * every inner choice costs the same to within the planner's 1 % fuzz, so it kept the worst). Measured on
 * the 23 benchmark counts at 1M: the same or faster (member of an unlimited nested segment 1.4 s →
 * 0.4 s). With a limit the count stops at its first matches, which is what a nested loop does well
 * (the limited combination: 0.42 s with, 0.70 s without), so those keep the planner's choice.
 */
export function countSettings(selection: Pick<CompiledSelection, "limit">): readonly Setting[] {
  return selection.limit === null ? NO_NESTED_LOOPS : [];
}

/** No nested-loop joins: for statements that read whole sets (an unlimited count, the funnel). */
export const NO_NESTED_LOOPS: readonly Setting[] = [{ name: "enable_nestloop", value: "off" }];

/**
 * Calculate's count of `selection` on `db` with `countSettings` for this statement only (set and
 * restored around it, in a savepoint when `db` is a transaction). `render` rewrites the statement (the
 * actions inline its values).
 */
export async function countOf(db: Db, selection: CompiledSelection, render: (query: SQL) => SQL = (q) => q): Promise<number> {
  const settings = countSettings(selection);
  const query = render(calculateQuery(selection));
  if (settings.length === 0) {
    const [row] = await queryRows<{ count: number | string }>(db, query);
    return Number(row.count);
  }
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [saved] = await queryRows<Record<string, string>>(t, changeSettings(settings));
    const [row] = await queryRows<{ count: number | string }>(t, query);
    await queryRows(t, restoreSettings(settings, saved));
    return Number(row.count);
  });
}

export type Setting = { name: string; value: string };

/** `SELECT` of each setting's current value (`s0`, `s1`, …) that sets it for the transaction. */
function changeSettings(settings: readonly Setting[]): SQL {
  const before = settings.map(({ name }, i) => sql`current_setting(${name}) as ${sql.raw(`s${i}`)}`);
  const set = settings.map(({ name, value }) => sql`set_config(${name}, ${value}, true)`);
  return sql`select ${sql.join([...before, ...set], sql`, `)}`;
}

/** Sets each setting back to its value that `changeSettings` returned. */
function restoreSettings(settings: readonly Setting[], saved: Record<string, string>): SQL {
  return sql`select ${sql.join(settings.map(({ name }, i) => sql`set_config(${name}, ${saved[`s${i}`]}, true)`), sql`, `)}`;
}

/**
 * The planner settings of a page of profiles (Show, a stream's pages): no JIT compilation. A page
 * stops after its rows, but the planner costs the scan that a rare condition might need in full
 * (175,504 for "not an invitee, in Berlin" at 1M, over `jit_above_cost`), so a page that takes 0.5 ms
 * spent 5–20 ms compiling expressions first (docs/selection-sql.md, "Running a statement"). The
 * analytics figures run under it too (lib/analytics/subject.ts `runFigure`).
 */
export const PAGE_SETTINGS: readonly Setting[] = [{ name: "jit", value: "off" }];

/**
 * The statement of one page of the selection's profiles in `id` order, after `afterId` (Show is the
 * first page of 100). Exported for the benchmark, which times exactly this SQL.
 */
export function selectionPageQuery(selection: CompiledSelection, page: { pageSize: number; afterId?: number }): SQL {
  const size = Math.min(page.pageSize, selection.limit ?? page.pageSize);
  // With a limit, a later page must stay inside the first `limit` ids: the caller counts what it took.
  const after = page.afterId === undefined ? undefined : sql`"p"."id" > ${page.afterId}::bigint`;
  // Pages probe "did not" per profile (compile.ts, `pageForm`). The first page of a rule that requires a
  // limited segment reads its streamed form, which stops after the page; a later page would have to
  // count the limited segment's matches from the first profile again, page after page, so it takes the
  // limited set once instead.
  const form = { ...selection, ...selection.page(after === undefined) };
  return selectionStatement({ ...form, limit: size }, PAGE_COLUMNS, { and: after });
}

const PAGE_COLUMNS = sql.raw(
  `"p"."id"::text as id, "p"."email", "p"."phone", "p"."first_name", "p"."last_name", "p"."created_at", "p"."updated_at", "p"."fields", ` +
    `"p"."email_subscription", "p"."sms_subscription", "p"."push_subscription"`,
);

/** One page of the selection's profiles in `id` order, after `afterId`. */
async function profilePage(db: Db, selection: CompiledSelection, page: { pageSize: number; afterId?: number }): Promise<Profile[]> {
  const rows = await queryRows<ProfileSqlRow>(db, selectionPageQuery(selection, page));
  return rows.map((r) => profileOfRow(r, (time) => new Date(time).toISOString()));
}

/** `work_mem` of selection statements (SELECTION_WORK_MEM, default 32MB): hash joins and sorts in memory. */
export const selectionWorkMem = () => env().SELECTION_WORK_MEM;

/**
 * Runs `work` in a transaction whose statements are cancelled after `ms` (PostgreSQL's
 * statement_timeout; the transaction rolls back and the connection stays usable). Plans are always
 * made for the actual values (`plan_cache_mode`), since postgres.js reuses prepared statements and a
 * generic plan cannot see how selective a range or an event type is; sorts and hashes get
 * `selectionWorkMem()`. It only reads, so it may run on the read replica (db/replica.ts).
 *
 * PGlite runs queries synchronously inside this process and has no timer to cancel them with: there
 * the setting is accepted but has no effect, so the embedded database has no timeout.
 */
export async function withStatementTimeout<T>(db: Db, ms: number, work: (tx: Db) => Promise<T>, more: readonly Setting[] = []): Promise<T> {
  // Inside a caller's transaction this is a savepoint, and SET LOCAL would outlive it: restore after.
  const nested = is(db, PgTransaction);
  const started = Date.now();
  const settings: Setting[] = [
    { name: "statement_timeout", value: String(Math.max(1, Math.round(ms))) },
    { name: "plan_cache_mode", value: "force_custom_plan" },
    { name: "work_mem", value: selectionWorkMem() },
    ...more,
  ];
  try {
    return await db.transaction(async (tx) => {
      const [saved] = await queryRows<Record<string, string>>(tx, changeSettings(settings));
      const result = await work(tx as unknown as Db);
      if (nested) await tx.execute(restoreSettings(settings, saved));
      return result;
    });
  } catch (error) {
    const elapsed = Date.now() - started;
    const cancelled = cancelReason(error, elapsed, ms);
    if (cancelled === "timeout") {
      throw new AppError(
        "timeout",
        `This selection timed out after ${formatDuration(ms)} (its time limit). Narrow the range or simplify the conditions, and try again.`,
      );
    }
    if (cancelled === "request") {
      throw new AppError("timeout", `This calculation was cancelled on the database server after ${formatDuration(elapsed)} (not by its time limit). Try again.`);
    }
    throw error;
  }
}

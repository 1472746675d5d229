import "server-only";
/**
 * What every action on a selection shares: resolving its source (a saved segment or an unsaved
 * rule, access checked), its transaction (statement timeout, isolation), the advisory lock that lets
 * only one run per target at a time, the update-log row, and progress reporting.
 */
import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { queryRows, type Db } from "@/db/client";
import { getReadDb } from "@/db/replica";
import { segmentUpdateLog } from "@/db/schema";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { cancelReason, sqlState } from "@/db/errors";
import { getSegmentVersion } from "@/lib/dynamic-segments/versions";
import { AppError, formatDuration, invalid } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { issuesFromZod } from "@/lib/segments/script";
import { countOf, prepareSavedSegment, prepareSelection, type PreparedSelection } from "@/lib/segments/selection";
import { inlineSql } from "./literals";
import type { ActionSource } from "./schema";
import { env } from "@/lib/env";

/** Progress as the job runner records it: `done` of `total` profiles (or rows), and what is happening. */
export type ProgressUpdate = { total?: number | null; done?: number; stage?: string };
export type RunContext = {
  /** Called as work advances; never awaited, so it may be slow (or queue behind the transaction on PGlite). */
  progress?: (update: ProgressUpdate) => void;
  /** The clock for relative periods in the rule; tests pin it. */
  now?: Date;
  /**
   * The saved source segment's version to select with: a job runs the version it recorded at
   * submission, though the segment was edited since. Absent: the segment as it is now.
   */
  version?: number | null;
};

/** Where an export goes: the file to write (the job runner names it after the job). */
export type ExportContext = RunContext & {
  file: string;
  /** Awaited after each batch is written (tests use it to break the database mid-export). */
  afterBatch?: (rowsSoFar: number) => Promise<void>;
};

/** What an action did: the number of profiles it acted on, a sentence for people, and details. */
export type ActionOutcome = { count: number; summary: string } & Record<string, string | number | boolean | null>;

/** What an action will do, worked out (with access checked) before it is queued. */
export type ActionPlan = { title: string; lockKey: string | null; databaseId: number; sourceSegmentId: number | null };

export type ResolvedSource = {
  prepared: PreparedSelection;
  databaseId: number;
  /** The saved segment the selection came from, whose update log records the action. */
  segment: { id: number; name: string } | null;
};

/** Parses an action's parameters with its schema; bad input is a validation error with paths. */
export function parseParams<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw invalid(issuesFromZod(result.error));
  return result.data;
}

/**
 * The selection an action reads, with access to its source checked: a saved segment must be live and
 * visible, a rule's database (and every segment it refers to) visible. Absent or invisible → 404.
 */
export async function resolveSource(db: Db, user: ActingUser, source: ActionSource, ctx: RunContext = {}): Promise<ResolvedSource> {
  if ("segmentId" in source) {
    const segment = await requireVisibleDynamicSegment(db, user, source.segmentId);
    // Versions are immutable, so the recorded one reads the same whenever the job runs.
    const definition = ctx.version ? await getSegmentVersion(db, user, segment.id, ctx.version) : undefined;
    const prepared = await prepareSavedSegment(db, user, segment, { now: ctx.now, definition });
    return { prepared, databaseId: segment.databaseId, segment: { id: segment.id, name: segment.name } };
  }
  const prepared = await prepareSelection(db, user, source.rule, { now: ctx.now });
  return { prepared, databaseId: prepared.rule.databaseId, segment: null };
}

/** Statement timeout for one action's transaction (bulk work on a large database takes minutes). */
export function actionTimeoutMs(): number {
  return env().ACTION_TIMEOUT_MS;
}

/** How long an action's write waits for a row lock another transaction holds (ACTION_LOCK_TIMEOUT_MS; 0 = no limit). */
export function actionLockTimeoutMs(): number {
  return env().ACTION_LOCK_TIMEOUT_MS;
}

/**
 * Runs an action's writes in one transaction: all or nothing. Statements are cancelled after the
 * action timeout (PostgreSQL; PGlite has no timer), and a write that waits longer than the lock
 * timeout for rows someone else is changing gives up with a conflict instead of queueing forever.
 */
export async function inActionTransaction<T>(
  db: Db,
  opts: { isolation?: "read committed" | "repeatable read" },
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    return await db.transaction(
      async (tx) => {
        await tx.execute(
          // Set-based work on hundreds of thousands of rows: hash joins and sorts in memory, not on disk.
          // (No plan_cache_mode here: forcing custom plans would also re-plan the foreign-key check of
          // every inserted row — 60 µs each. The big statements carry literals instead; see `literally`.)
          sql`select set_config('statement_timeout', ${String(actionTimeoutMs())}, true), set_config('work_mem', ${env().ACTION_WORK_MEM}, true),
                     set_config('lock_timeout', ${String(actionLockTimeoutMs())}, true)`,
        );
        return work(tx as unknown as Db);
      },
      { isolationLevel: opts.isolation ?? "read committed" },
    );
  } catch (error) {
    const code = sqlState(error);
    const cancelled = cancelReason(error, Date.now() - started, actionTimeoutMs());
    if (cancelled) throw actionCancelled(cancelled, Date.now() - started);
    if (code === "40001" || code === "40P01")
      throw new AppError("conflict", "The profiles changed while this action ran, so nothing was changed. Try again.");
    if (code === "55P03")
      throw new AppError("conflict", "Someone else was changing the same profiles for too long, so nothing was changed. Try again in a moment.");
    throw error;
  }
}

/** What a user is told when the database stopped an action: its time limit, or someone cancelled it. */
export function actionCancelled(reason: "timeout" | "request", elapsedMs: number): AppError {
  return reason === "timeout"
    ? new AppError("timeout", `This action timed out after ${formatDuration(actionTimeoutMs())} (its time limit) and was stopped; nothing was changed.`)
    : new AppError("timeout", `This action was cancelled on the database server after ${formatDuration(elapsedMs)} (not by its time limit); nothing was changed.`);
}

/** Advisory locks of this app live under one namespace, so they never collide with anyone else's. */
const LOCK_NAMESPACE = 7301;

/**
 * Takes the transaction-scoped advisory lock of a target (`static:12`, `profiles:3`, …) without
 * waiting: a second run on the same target is told that one is already running instead of queueing
 * behind it, so runs never wait on each other and cannot deadlock. Released at commit or rollback.
 */
export async function lockTarget(tx: Db, lockKey: string, busyMessage: string): Promise<void> {
  const [row] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${lockKey})) as locked`);
  if (!row?.locked) throw new AppError("conflict", busyMessage);
}

/**
 * A statement with its parameters written in as literals (strings escaped, see `literals.ts`),
 * so that PostgreSQL plans it for the actual values — how selective a range or an event type is —
 * every time, where a cached generic plan of a prepared statement could not. Falls back to the
 * parametrized statement for a parameter that cannot be a literal.
 */
export function literally(query: SQL): SQL {
  try {
    return sql.raw(inlineSql(query));
  } catch {
    return query;
  }
}

/** The size of the selection, inside the action's transaction. */
export async function countSelection(tx: Db, source: ResolvedSource): Promise<number> {
  return countOf(tx, source.prepared.selection, literally);
}

/**
 * The first steps of a writing action's progress: "Counting the selection", the count (an empty
 * selection is refused: nothing to do), then what it is doing to that many (`doing(…"1,234 profiles")`).
 */
export async function countForWork(tx: Db, source: ResolvedSource, ctx: RunContext, doing: (profiles: string) => string): Promise<number> {
  ctx.progress?.({ stage: "Counting the selection" });
  const total = await countSelection(tx, source);
  if (total === 0) throw emptySelection();
  ctx.progress?.({ total, done: 0, stage: doing(profilesWord(total)) });
  return total;
}

/**
 * The first steps of an export: the selection is read on the read replica when there is one
 * (db/replica.ts; the update log is written on the primary), counted (an empty selection is refused),
 * and the progress says what is being written (`writing(…"1,234 profiles")`).
 */
export async function startExport(db: Db, source: ResolvedSource, ctx: RunContext, writing: (profiles: string) => string): Promise<{ reader: Db; total: number }> {
  const reader = await getReadDb(db);
  return { reader, total: await countForWork(reader, source, ctx, writing) };
}

/** The end of an export: the update-log row (a saved source; on the primary) and the final progress. */
export async function finishExport(db: Db, user: ActingUser, source: ResolvedSource, ctx: RunContext, outcome: ActionOutcome, action: string): Promise<ActionOutcome> {
  if (source.segment) await db.transaction((tx) => logAction(tx as unknown as Db, user, source, outcome, action));
  ctx.progress?.({ total: outcome.count, done: outcome.count });
  return outcome;
}

export function emptySelection(): AppError {
  return new AppError("validation_failed", "The selection is empty: no profile matches it, so nothing was changed.", [
    { path: "source", message: "No profile matches this selection." },
  ]);
}

/** The one row of numbers a set-based statement answers (`… select count(*)::int as n …`), run with literals. */
export async function scalar(tx: Db, query: SQL): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number | string>>(tx, literally(query));
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}

/**
 * Adds the selection's profiles to a list of profiles (a static segment's members, a scenario's
 * participants) with one `INSERT … SELECT`, which counts what it read and what it added itself: exact,
 * whatever changed since the count. `skip` leaves out the profiles already there (empty for a new list).
 * An empty selection is refused.
 */
export async function addSelectionTo(
  tx: Db,
  source: ResolvedSource,
  list: { table: "static_segment_members" | "scenario_participants"; column: "segment_id" | "scenario_id"; id: number },
  skip: SQL,
): Promise<{ selected: number; added: number; already: number }> {
  const { selected, added } = await scalar(
    tx,
    sql`
      with sel as (${source.prepared.idsQuery}),
      ins as (
        insert into ${sql.raw(list.table)} (${sql.raw(list.column)}, profile_id)
        select ${list.id}::int, sel.id from sel
        ${skip}
        returning 1
      )
      select (select count(*) from sel)::int as selected, (select count(*) from ins)::int as added`,
  );
  if (selected === 0) throw emptySelection();
  return { selected, added, already: selected - added };
}

/** Records an action in the source segment's update log (when the source is a saved segment). */
export async function logAction(tx: Db, user: ActingUser, source: ResolvedSource, outcome: ActionOutcome, action: string): Promise<void> {
  if (!source.segment) return;
  await tx.insert(segmentUpdateLog).values({
    segmentId: source.segment.id,
    userId: user.id,
    kind: "action",
    count: outcome.count,
    details: { ...outcome, action },
  });
}

export const profilesWord = (n: number) => `${formatCount(n)} profile${n === 1 ? "" : "s"}`;

/** Lock keys: one run per target at a time. Writes to a database's profiles share one key. */
export const lockKeys = {
  staticSegment: (id: number) => `static:${id}`,
  newStaticSegment: (databaseId: number, name: string) => `static-new:${databaseId}:${name.trim().toLowerCase()}`,
  profiles: (databaseId: number) => `profiles:${databaseId}`,
  scenario: (id: number) => `scenario:${id}`,
};

import "server-only";
/**
 * Putting work on the jobs table. One row per form submission: `(user_id, idempotency_key)` is
 * unique, so a double submit answers the first job; and while a job is queued or running, its
 * `lock_key` is unique, so a second run on the same target is refused as "already running".
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { jobs, type Job } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import { latestVersionSql } from "@/lib/dynamic-segments/versions";
import { AppError, invalid } from "@/lib/errors";

export const idempotencyKeySchema = z
  .string({ error: "This form has no submission key; reload the page." })
  .regex(/^[A-Za-z0-9_-]{8,100}$/, { error: "This form's submission key is not valid; reload the page." });

/** The job a user already submitted with this key, if any. */
export async function findSubmittedJob(db: Db, user: ActingUser, idempotencyKey: string): Promise<Job | null> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.userId, user.id), eq(jobs.idempotencyKey, idempotencyKey)));
  return row ?? null;
}

export type NewJob = {
  kind: string;
  /** As the action's schema parsed them. */
  params: Record<string, unknown>;
  idempotencyKey: string;
  title: string;
  lockKey: string | null;
  databaseId: number;
  sourceSegmentId: number | null;
};

/**
 * Queues a job. Answers `{ job, created: false }` when this submission was already queued (same key),
 * and refuses with a `conflict` when the same target already has a queued or running job.
 */
export async function enqueueJob(db: Db, user: ActingUser, input: NewJob): Promise<{ job: Job; created: boolean }> {
  const key = idempotencyKeySchema.safeParse(input.idempotencyKey);
  if (!key.success) throw invalid([{ path: "idempotencyKey", message: key.error.issues[0].message }]);
  try {
    const [row] = await db
      .insert(jobs)
      .values({
        kind: input.kind,
        userId: user.id,
        idempotencyKey: key.data,
        lockKey: input.lockKey,
        params: input.params,
        title: input.title,
        databaseId: input.databaseId,
        sourceSegmentId: input.sourceSegmentId,
        // The version of the source segment this job acts on (SPEC §6), read in the same statement.
        sourceSegmentVersion: latestVersionSql(input.sourceSegmentId),
      })
      .onConflictDoNothing({ target: [jobs.userId, jobs.idempotencyKey] })
      .returning();
    if (row) return { job: row, created: true };
  } catch (error) {
    if (!isUniqueViolation(error, "jobs_active_lock_key")) throw error;
    const [active] = await db
      .select({ title: jobs.title, userId: jobs.userId })
      .from(jobs)
      .where(and(eq(jobs.lockKey, input.lockKey!), inArray(jobs.status, ["queued", "running"])));
    const who = active && active.userId !== user.id ? " by another user" : "";
    throw new AppError("conflict", `This is already running${who}: “${active?.title ?? input.title}”. Wait for it to finish, then try again.`);
  }
  const existing = await findSubmittedJob(db, user, key.data);
  if (!existing) throw new AppError("conflict", "This form was submitted twice at the same moment; reload the page.");
  return { job: existing, created: false };
}

/**
 * Marks jobs whose worker is gone as failed; answers their ids. Gone: the caller's own running jobs it
 * is not running (`activeJobIds`; after `graceMs`, so that a job it claimed a moment ago is not taken
 * for one), and any other running job whose heartbeat is older than the lease (`staleAfterMs`).
 */
export async function failAbandonedJobs(
  db: Db,
  opts: { runnerId: string; activeJobIds?: number[]; staleAfterMs: number; graceMs?: number },
): Promise<{ id: number; kind: string }[]> {
  const olderThan = (ms: number) => sql`${jobs.heartbeatAt} < now() - make_interval(secs => ${ms / 1000})`;
  const mine = sql`${jobs.runnerId} is not distinct from ${opts.runnerId}`;
  const active = opts.activeJobIds?.length ? sql`${jobs.id} not in (${sql.join(opts.activeJobIds.map((id) => sql`${id}::bigint`), sql`, `)})` : sql`true`;
  return db
    .update(jobs)
    .set({
      status: "failed",
      error: sql`case when ${mine}
        then 'The connection to the database was lost while this ran, so it stopped; nothing was changed and no file was kept. Start it again.'
        else 'The server stopped while this job was running, so it was cancelled; nothing was changed. Start it again.' end`,
      finishedAt: sql`now()`,
    })
    .where(
      and(
        eq(jobs.status, "running"),
        active,
        sql`(${jobs.heartbeatAt} is null or (${mine} and ${olderThan(opts.graceMs ?? 0)}) or ${olderThan(opts.staleAfterMs)})`,
      ),
    )
    .returning({ id: jobs.id, kind: jobs.kind });
}

/** Takes the oldest queued job for this runner (`SKIP LOCKED`: several server processes never take the same one). */
export async function claimNextJob(db: Db, runnerId: string): Promise<Job | null> {
  const [job] = await db
    .update(jobs)
    .set({ status: "running", startedAt: sql`now()`, heartbeatAt: sql`now()`, runnerId })
    .where(sql`${jobs.id} = (select id from jobs where status = 'queued' order by id limit 1 for update skip locked)`)
    .returning();
  return job ?? null;
}

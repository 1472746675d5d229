import "server-only";
/**
 * The job runner: lives in the Next.js server process (docs/jobs.md explains why no job library).
 * `kick()` claims queued jobs up to the concurrency limit and runs them in the background; each job
 * reports progress (done / total) into its row, a heartbeat says the process is alive, and a job
 * left "running" by a process that died is marked failed by the next runner that looks.
 *
 * A job whose worker lost the database (restart, network cut) fails like any other: its transaction
 * rolled back with the connection, its partial export file is removed, and the failure is written
 * again and again until the database answers (within the job's lease). If it still cannot be written,
 * the row's heartbeat stops and the lease runs out; then any runner — this one too — fails the job
 * and frees its target (`reclaim()`, also run when a submission finds its target "already running").
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { jobs, type Job } from "@/db/schema";
import { loadActingUser, type ActingUser } from "@/lib/access/acting-user";
import { isDatabaseUnavailable } from "@/db/errors";
import { AppError, isAppError } from "@/lib/errors";
import { cleanExports } from "./files";
import { claimNextJob, failAbandonedJobs } from "./queue";

export type JobProgress = { total?: number | null; done?: number; stage?: string };
export type JobResult = { count: number; summary: string } & Record<string, unknown>;

export type JobDefinition = {
  /** The job writes an export file: a failed run removes its partial file, and says no file was kept. */
  producesFile?: boolean;
  run: (ctx: { db: Db; user: ActingUser; job: Job; progress: (update: JobProgress) => void }) => Promise<JobResult>;
};

export type RunnerOptions = {
  concurrency?: number;
  /** The lease: a running job whose heartbeat is older than this belongs to a dead process (or one that lost the database). */
  staleAfterMs?: number;
  heartbeatMs?: number;
  /** PGlite: one process owns the database, so any "running" job of another runner is dead. */
  singleProcess?: boolean;
};

const MIN_PROGRESS_INTERVAL_MS = 400;

/**
 * Writes a job's progress to its row, at most every few hundred milliseconds, never awaited by the
 * work itself: on PGlite a write waits until the action's transaction ends, and awaiting it inside the
 * transaction would wait forever. Writes only touch a running job, so a late one cannot undo the end.
 */
class ProgressWriter {
  private pending: JobProgress = {};
  private chain: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly db: Db,
    private readonly jobId: number,
  ) {}

  update(update: JobProgress) {
    Object.assign(this.pending, update);
    const important = update.total !== undefined || update.stage !== undefined;
    const wait = this.lastWrite + MIN_PROGRESS_INTERVAL_MS - Date.now();
    if (important || wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const values = this.pending;
    this.pending = {};
    if (!Object.keys(values).length) return;
    this.lastWrite = Date.now();
    this.chain = this.chain
      .then(() => this.db.update(jobs).set(values).where(and(eq(jobs.id, this.jobId), eq(jobs.status, "running"))))
      .then(
        () => undefined,
        (error: unknown) => console.error(`job ${this.jobId}: progress not recorded`, error),
      );
  }

  async settle() {
    this.flush();
    await this.chain;
  }
}

function failureMessage(job: Job, exported: boolean, error: unknown): string {
  if (isAppError(error)) return error.message;
  if (isDatabaseUnavailable(error))
    return exported
      ? "The connection to the database was lost during the export, so it stopped; no file was kept. Start the export again."
      : "The connection to the database was lost while this ran, so it stopped; nothing was changed. Try again.";
  console.error(`job ${job.id} (${job.kind}) failed:`, error);
  return "Something went wrong on our side, so this stopped; nothing was changed. Try again; if it keeps failing, tell your admin.";
}

export class JobRunner {
  readonly id = randomUUID();
  private readonly active = new Map<number, Promise<void>>();
  private pump: Promise<void> | null = null;
  private again = false;
  private lastRecovery = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly concurrency: number;
  private readonly staleAfterMs: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly definitions: Record<string, JobDefinition>,
    private readonly options: RunnerOptions = {},
    private readonly database: () => Promise<Db> = getDb,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
  }

  /** Starts queued jobs (up to the concurrency limit) in the background; resolves once they are claimed. */
  kick(): Promise<void> {
    this.again = true;
    this.pump ??= (async () => {
      try {
        while (this.again) {
          this.again = false;
          await this.fill();
        }
      } catch (error) {
        console.error("job runner: could not claim jobs", error);
      } finally {
        this.pump = null;
      }
    })();
    return this.pump;
  }

  /** Runs until no job is queued or running here (tests, scripts); looks for abandoned jobs first. */
  async drain(): Promise<void> {
    this.lastRecovery = 0;
    for (;;) {
      await this.kick();
      if (this.active.size === 0) {
        const db = await this.database();
        const [queued] = await db.select({ id: jobs.id }).from(jobs).where(eq(jobs.status, "queued")).limit(1);
        if (!queued) return;
        continue;
      }
      await Promise.race(this.active.values());
    }
  }

  private async fill() {
    const db = await this.database();
    await this.recover(db);
    while (this.active.size < this.concurrency) {
      const job = await claimNextJob(db, this.id);
      if (!job) return;
      const run = this.execute(db, job).finally(() => {
        this.active.delete(job.id);
        if (this.active.size === 0) this.stopHeartbeat();
        void this.kick();
      });
      this.active.set(job.id, run);
      this.startHeartbeat(db);
    }
  }

  /** Fails abandoned jobs (at most every 30 s, or sooner when the lease is shorter). */
  private async recover(db: Db) {
    if (Date.now() - this.lastRecovery < Math.min(30_000, this.staleAfterMs)) return;
    this.lastRecovery = Date.now();
    await this.reclaim(db);
  }

  /**
   * Fails the jobs whose worker is gone and removes their partial files: those another process left
   * running past the lease (on PGlite, which one process owns, at once), and this runner's own that it
   * is no longer running (their failure could not be recorded while the database was away). Answers
   * how many it failed.
   */
  async reclaim(db?: Db): Promise<number> {
    const abandoned = await failAbandonedJobs(db ?? (await this.database()), {
      runnerId: this.id,
      activeJobIds: [...this.active.keys()],
      staleAfterMs: this.options.singleProcess ? 0 : this.staleAfterMs,
      graceMs: Math.min(this.heartbeatMs, this.staleAfterMs),
    });
    await cleanExports({ jobIds: abandoned.map((j) => j.id) }).catch((error: unknown) => console.error("job runner: cleaning exports failed", error));
    return abandoned.length;
  }

  private startHeartbeat(db: Db) {
    if (this.heartbeat) return;
    let beating = false;
    this.heartbeat = setInterval(() => {
      if (beating || this.active.size === 0) return;
      beating = true;
      void db
        .update(jobs)
        .set({ heartbeatAt: sql`now()` })
        .where(and(inArray(jobs.id, [...this.active.keys()]), eq(jobs.runnerId, this.id)))
        .catch((error: unknown) => console.error("job runner: heartbeat failed", error))
        .finally(() => (beating = false));
    }, this.heartbeatMs);
    this.heartbeat.unref?.();
  }

  private stopHeartbeat() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private async execute(db: Db, job: Job): Promise<void> {
    const progress = new ProgressWriter(db, job.id);
    const definition = Object.hasOwn(this.definitions, job.kind) ? this.definitions[job.kind] : undefined;
    try {
      const user = await loadActingUser(db, job.userId);
      if (!user) throw new AppError("unauthorized", "The account that started this job is no longer active, so it did not run.");
      if (!definition) throw new Error(`No definition for job kind ${job.kind}`);
      const result = await definition.run({ db, user, job, progress: (u) => progress.update(u) });
      await progress.settle();
      await db
        .update(jobs)
        .set({
          status: "succeeded",
          result,
          total: sql`coalesce(${jobs.total}, ${result.count}::bigint)`,
          done: sql`coalesce(${jobs.total}, ${result.count}::bigint)`,
          stage: null,
          finishedAt: sql`now()`,
        })
        .where(eq(jobs.id, job.id));
    } catch (error) {
      await progress.settle();
      if (definition?.producesFile)
        await cleanExports({ jobIds: [job.id] }).catch((e: unknown) => console.error(`job ${job.id}: cleaning its export failed`, e));
      await this.recordFailure(db, job, failureMessage(job, Boolean(definition?.producesFile), error));
    }
  }

  /**
   * Writes a failure, retrying while the database is away (its pool reconnects on the next query),
   * until the lease would run out; after that the row is left to `reclaim()`, which fails it by its
   * stale heartbeat.
   */
  private async recordFailure(db: Db, job: Job, message: string): Promise<void> {
    const deadline = Date.now() + this.staleAfterMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await db
          .update(jobs)
          .set({ status: "failed", error: message, stage: null, finishedAt: sql`now()` })
          .where(and(eq(jobs.id, job.id), eq(jobs.status, "running")));
        return;
      } catch (e) {
        const wait = Math.min(200 * 2 ** attempt, 5_000, this.heartbeatMs);
        if (Date.now() + wait >= deadline) {
          console.error(`job ${job.id}: could not record the failure; it is failed when its lease runs out`, e);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

import "server-only";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobs, users, type Job, type JobStatus } from "@/db/schema";
import { databaseVisible, dynamicSegmentVisible, staticSegmentVisible } from "@/lib/access/visibility";
import type { ActingUser } from "@/lib/access/acting-user";
import { notFound } from "@/lib/errors";
import { jobTargetParams } from "@/lib/segment-actions/registry";

/** A job as the pages and the progress bar show it: no parameters, no file paths. */
export type JobView = {
  id: number;
  kind: string;
  title: string;
  status: JobStatus;
  total: number | null;
  done: number;
  stage: string | null;
  summary: string | null;
  error: string | null;
  /** Where to download a finished export. */
  downloadUrl: string | null;
  sourceSegmentId: number | null;
  /** The source segment's version the job used (SPEC §6). */
  sourceSegmentVersion: number | null;
  userName: string | null;
  createdAt: string;
  finishedAt: string | null;
};

export function toJobView(job: Job, userName: string | null = null): JobView {
  const result = job.result ?? {};
  return {
    id: job.id,
    kind: job.kind,
    title: job.title,
    status: job.status,
    total: job.total,
    done: job.done,
    stage: job.stage,
    summary: typeof result.summary === "string" ? result.summary : null,
    error: job.error,
    // Only an action that writes a file puts its name in the result.
    downloadUrl: job.status === "succeeded" && typeof result.file === "string" ? `/api/exports/${job.id}` : null,
    sourceSegmentId: job.sourceSegmentId,
    sourceSegmentVersion: job.sourceSegmentVersion,
    userName,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

/** A job parameter that names an id (validated when queued), as a number for the visibility joins. */
const paramId = (path: readonly string[]) => {
  const text = sql`(${jobs.params} #>> '{${sql.raw(path.join(","))}}')`;
  return sql`(case when ${text} ~ '^[0-9]{1,10}$' then (${text})::bigint end)`;
};

/**
 * Jobs a user may see: their own (an admin: everyone's), and only while the user can still see what
 * the job read and wrote as it is now (SPEC §3): the source database, the saved source segment, the
 * target static segment or profile database (where the parameters name them, the registry entries
 * say: `targets`). Narrowing access hides old jobs, their status and their downloads (404). A scenario
 * target belongs to the source database, so that check covers it.
 */
function visibleJobs(user: ActingUser): SQL | undefined {
  if (user.role === "admin") return undefined;
  return and(
    eq(jobs.userId, user.id),
    sql`(${jobs.databaseId} is null or ${databaseVisible(user, jobs.databaseId)})`,
    sql`(${jobs.sourceSegmentId} is null or ${dynamicSegmentVisible(user, jobs.sourceSegmentId)})`,
    ...jobTargetParams.staticSegment.map((path) => staticSegmentVisible(user, paramId(path))),
    ...jobTargetParams.database.map((path) => databaseVisible(user, paramId(path))),
  );
}

/** Recent jobs, newest first; optionally those of one saved segment. */
export async function listJobs(db: Db, user: ActingUser, opts: { limit?: number; sourceSegmentId?: number } = {}): Promise<JobView[]> {
  const rows = await db
    .select({ job: jobs, userName: users.name })
    .from(jobs)
    .leftJoin(users, eq(users.id, jobs.userId))
    .where(and(visibleJobs(user), opts.sourceSegmentId ? eq(jobs.sourceSegmentId, opts.sourceSegmentId) : undefined))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(Math.min(Math.max(opts.limit ?? 50, 1), 200));
  return rows.map((r) => toJobView(r.job, r.userName));
}

/** One job the user may see (their own; admins: any), with the stored row for the download. */
export async function getJob(db: Db, user: ActingUser, id: number): Promise<{ view: JobView; job: Job }> {
  if (!Number.isSafeInteger(id) || id <= 0) throw notFound("The job");
  const [row] = await db
    .select({ job: jobs, userName: users.name })
    .from(jobs)
    .leftJoin(users, eq(users.id, jobs.userId))
    .where(and(eq(jobs.id, id), visibleJobs(user)));
  if (!row) throw notFound("The job");
  return { view: toJobView(row.job, row.userName), job: row.job };
}

import "server-only";
/**
 * Every action on a selection runs as a job: submitted from a form (checked at once: access to source
 * and target, parameters), queued once per submission, run in the background by the runner with
 * progress, and recorded with its outcome. Small selections finish in well under a second; large
 * ones show their progress bar.
 */
import path from "node:path";
import { databaseKind, getJobsDb, type Db } from "@/db/client";
import type { JobKind } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import { ensureExportsDir, exportFileName } from "@/lib/jobs/files";
import { enqueueJob, findSubmittedJob, idempotencyKeySchema } from "@/lib/jobs/queue";
import { toJobView, type JobView } from "@/lib/jobs/queries";
import { JobRunner, type JobDefinition } from "@/lib/jobs/runner";
import { invalid, isAppError } from "@/lib/errors";
import { addToScenario, planAddToScenario } from "./add-to-scenario";
import { applyBulkEdit, planBulkEdit } from "./bulk-edit";
import type { ActionPlan } from "./common";
import { copyToDatabase, planCopyToDatabase } from "./copy-to-database";
import { copyToStaticSegment, planCopyToStaticSegment } from "./copy-to-static-segment";
import { exportHistory, planExportHistory } from "./export-history";
import { exportProfiles, planExportProfiles } from "./export-profiles";
import { env } from "@/lib/env";

type Planner = (db: Db, user: ActingUser, params: unknown) => Promise<ActionPlan>;

function exportJob(extension: (params: Record<string, unknown>) => string, run: typeof exportProfiles): JobDefinition {
  return {
    run: async ({ db, user, job, progress }) => {
      const dir = await ensureExportsDir();
      const file = exportFileName(job.id, extension(job.params));
      const outcome = await run(db, user, job.params, { progress, file: path.join(dir, file) });
      return { ...outcome, file };
    },
  };
}

const planners: Record<JobKind, Planner> = {
  copy_to_static_segment: planCopyToStaticSegment,
  copy_to_database: planCopyToDatabase,
  bulk_edit: planBulkEdit,
  add_to_scenario: planAddToScenario,
  export_profiles: planExportProfiles,
  export_history: planExportHistory,
};

/** What each kind of job runs (exported for tests that run jobs on a runner of their own). */
export const actionJobDefinitions: Record<JobKind, JobDefinition> = {
  copy_to_static_segment: { run: ({ db, user, job, progress }) => copyToStaticSegment(db, user, job.params, { progress }) },
  copy_to_database: { run: ({ db, user, job, progress }) => copyToDatabase(db, user, job.params, { progress }) },
  bulk_edit: { run: ({ db, user, job, progress }) => applyBulkEdit(db, user, job.params, { progress }) },
  add_to_scenario: { run: ({ db, user, job, progress }) => addToScenario(db, user, job.params, { progress }) },
  export_profiles: exportJob((p) => (p.format === "ndjson" ? "ndjson" : "csv"), exportProfiles),
  export_history: exportJob(() => "csv", exportHistory),
};

const globalRunner = globalThis as unknown as { __segmentActionRunner?: JobRunner };

/** The process's runner (one per server process, kept across dev reloads). */
export function actionRunner(): JobRunner {
  const pglite = databaseKind() === "pglite";
  globalRunner.__segmentActionRunner ??= new JobRunner(
    actionJobDefinitions,
    { concurrency: env().JOBS_CONCURRENCY ?? (pglite ? 1 : 2), singleProcess: pglite },
    getJobsDb, // a pool of its own on PostgreSQL (DATABASE_JOBS_POOL_SIZE)
  );
  return globalRunner.__segmentActionRunner;
}

/**
 * Submits an action: a repeated submission (same key) answers the job it already made; otherwise the
 * action is planned (access to source and target, parameters — any problem is answered now and
 * nothing is queued), queued, and the runner kicked.
 */
export async function submitAction(db: Db, user: ActingUser, kind: JobKind, params: unknown, idempotencyKey: unknown): Promise<JobView> {
  const key = idempotencyKeySchema.safeParse(idempotencyKey);
  if (!key.success) throw invalid([{ path: "idempotencyKey", message: key.error.issues[0].message }]);
  const submitted = await findSubmittedJob(db, user, key.data);
  if (submitted) return toJobView(submitted, user.name);
  const plan = await planners[kind](db, user, params);
  const queued = { kind, params: params as Record<string, unknown>, idempotencyKey: key.data, ...plan };
  const { job } = await enqueueJob(db, user, queued).catch(async (error: unknown) => {
    // "Already running": unless the job holding the target has lost its worker (then it is failed now).
    if (!isAppError(error) || error.code !== "conflict" || !(await actionRunner().reclaim(db))) throw error;
    return enqueueJob(db, user, queued);
  });
  void actionRunner().kick();
  return toJobView(job, user.name);
}

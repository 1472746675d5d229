import "server-only";
/**
 * Every action on a selection runs as a job: submitted from a form (checked at once: access to source
 * and target, parameters), queued once per submission, run in the background by the runner with
 * progress, and recorded with its outcome. Small selections finish in well under a second; large
 * ones show their progress bar.
 */
import path from "node:path";
import type { z } from "zod";
import { databaseKind, getJobsDb, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { ensureExportsDir, exportFileName } from "@/lib/jobs/files";
import { enqueueJob, findSubmittedJob, idempotencyKeySchema } from "@/lib/jobs/queue";
import { toJobView, type JobView } from "@/lib/jobs/queries";
import { JobRunner, type JobDefinition } from "@/lib/jobs/runner";
import { invalid, isAppError } from "@/lib/errors";
import { parseParams } from "./common";
import { planAction, runAction, type SelectionAction } from "./define";
import { selectionActions, type SelectionActionKind } from "./registry";
import { env } from "@/lib/env";

/**
 * How the runner runs an action's job: the stored parameters read back through the action's schema,
 * the source segment selected as the version the job recorded, an export written to the job's file.
 */
function jobDefinition(action: SelectionAction): JobDefinition {
  return {
    producesFile: Boolean(action.exportFile),
    run: async ({ db, user, job, progress }) => {
      const params = parseParams(action.schema, job.params);
      const ctx = { progress, version: job.sourceSegmentVersion };
      if (!action.exportFile) return runAction(db, user, action, params, ctx);
      const file = exportFileName(job.id, action.exportFile.extension(params));
      const outcome = await runAction(db, user, action, params, { ...ctx, file: path.join(await ensureExportsDir(), file) });
      return { ...outcome, file };
    },
  };
}

/** What each kind of job runs (exported for tests that run jobs on a runner of their own). */
export const actionJobDefinitions: Record<string, JobDefinition> = Object.fromEntries(
  Object.values(selectionActions).map((action: SelectionAction) => [action.kind, jobDefinition(action)]),
);

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
 * Submits an action with parameters its schema already parsed: a repeated submission (same key)
 * answers the job it already made; otherwise the action is planned (access to source and target —
 * any problem is answered now and nothing is queued), queued with those parsed parameters, and the
 * runner kicked.
 */
export async function submitParsedAction(
  db: Db,
  user: ActingUser,
  action: SelectionAction,
  params: z.output<SelectionAction["schema"]>,
  idempotencyKey: string,
): Promise<JobView> {
  const submitted = await findSubmittedJob(db, user, idempotencyKey);
  if (submitted) return toJobView(submitted, user.name);
  const plan = await planAction(db, user, action, params);
  const queued = { kind: action.kind, params: params as Record<string, unknown>, idempotencyKey, ...plan };
  const { job } = await enqueueJob(db, user, queued).catch(async (error: unknown) => {
    // "Already running": unless the job holding the target has lost its worker (then it is failed now).
    if (!isAppError(error) || error.code !== "conflict" || !(await actionRunner().reclaim(db))) throw error;
    return enqueueJob(db, user, queued);
  });
  void actionRunner().kick();
  return toJobView(job, user.name);
}

/** Submits an action as sent (tests, scripts): the key and the parameters are parsed here, once. */
export async function submitAction(db: Db, user: ActingUser, kind: SelectionActionKind, input: unknown, idempotencyKey: unknown): Promise<JobView> {
  const key = idempotencyKeySchema.safeParse(idempotencyKey);
  if (!key.success) throw invalid([{ path: "idempotencyKey", message: key.error.issues[0].message }]);
  const action: SelectionAction = selectionActions[kind];
  return submitParsedAction(db, user, action, parseParams(action.schema, input), key.data);
}

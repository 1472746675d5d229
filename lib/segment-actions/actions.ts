"use server";

import { z } from "zod";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import { runAction, type ActionResult } from "@/lib/actions/safe-action";
import { invalid } from "@/lib/errors";
import { getJob, type JobView } from "@/lib/jobs/queries";
import { previewBulkEdit } from "./bulk-edit";
import { actionRunner, submitAction } from "./jobs";
import { actionTargets, type ActionTargets } from "./targets";

/*
 * The actions on a selection, as the dialogs call them. Each submission carries an idempotency key
 * made when the dialog opened: sending it twice answers the same job. Access to source and target and
 * the parameters are checked before anything is queued; the job then runs in the background.
 */

export async function copyToStaticSegmentAction(params: unknown, idempotencyKey: string): Promise<ActionResult<JobView>> {
  return runAction("segments.copyToStaticSegment", ({ db, user }) => submitAction(db, user, "copy_to_static_segment", params, idempotencyKey));
}

export async function copyToDatabaseAction(params: unknown, idempotencyKey: string): Promise<ActionResult<JobView>> {
  return runAction("segments.copyToDatabase", ({ db, user }) => submitAction(db, user, "copy_to_database", params, idempotencyKey));
}

export async function bulkEditAction(params: unknown, idempotencyKey: string): Promise<ActionResult<JobView>> {
  return runAction("segments.bulkEditProfiles", ({ db, user }) => submitAction(db, user, "bulk_edit", params, idempotencyKey));
}

export async function addToScenarioAction(params: unknown, idempotencyKey: string): Promise<ActionResult<JobView>> {
  return runAction("segments.addToScenario", ({ db, user }) => submitAction(db, user, "add_to_scenario", params, idempotencyKey));
}

export async function exportProfilesAction(params: unknown, idempotencyKey: string): Promise<ActionResult<JobView>> {
  return runAction("segments.exportProfiles", ({ db, user }) => submitAction(db, user, "export_profiles", params, idempotencyKey));
}

export async function exportHistoryAction(params: unknown, idempotencyKey: string): Promise<ActionResult<JobView>> {
  return runAction("segments.exportHistory", ({ db, user }) => submitAction(db, user, "export_history", params, idempotencyKey));
}

/** How many profiles a bulk edit would change, to confirm before applying. */
export async function previewBulkEditAction(params: unknown): Promise<ActionResult<{ total: number; willChange: number }>> {
  return runAction("segments.bulkEditProfiles", ({ db, user }) => previewBulkEdit(db, user, params));
}

const id = z.int().positive().max(2_147_483_647);
const targetsFor = z.union([z.strictObject({ databaseId: id }), z.strictObject({ segmentId: id })]);

/** Fields, target databases, static segments and scenarios the dialogs offer for a source (a database or a saved segment). */
export async function actionTargetsAction(source: { databaseId: number } | { segmentId: number }): Promise<ActionResult<ActionTargets>> {
  return runAction("segments.actionTargets", async ({ db, user }) => {
    const parsed = targetsFor.safeParse(source);
    if (!parsed.success) throw invalid([{ path: "databaseId", message: "Choose a profile database." }]);
    const databaseId = "databaseId" in parsed.data ? parsed.data.databaseId : (await requireVisibleDynamicSegment(db, user, parsed.data.segmentId)).databaseId;
    return actionTargets(db, user, databaseId);
  });
}

/** One job's progress, for the progress bar (which polls it). Also wakes the runner after a restart. */
export async function jobStatusAction(jobId: number): Promise<ActionResult<JobView>> {
  return runAction("jobs.read", async ({ db, user }) => {
    void actionRunner().kick();
    return (await getJob(db, user, Number(jobId))).view;
  });
}

"use server";

import { z } from "zod";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import { defineAction, type Action } from "@/lib/actions/define-action";
import { getJob, type JobView } from "@/lib/jobs/queries";
import { idempotencyKeySchema } from "@/lib/jobs/queue";
import { previewBulkEdit } from "./bulk-edit";
import type { SelectionAction } from "./define";
import { actionRunner, submitParsedAction } from "./jobs";
import { selectionActions } from "./registry";
import { bulkEditSchema } from "./schema";
import { actionTargets } from "./targets";

/*
 * The actions on a selection, as the dialogs call them, made from the registry: each takes the
 * action's parameters (its schema, so a wrong field in a dialog fails `tsc`) with the idempotency key
 * made when the dialog opened — sending it twice answers the same job. The role (the entry's policy
 * key), the parameters and access to source and target are checked before anything is queued; the
 * job then runs in the background.
 */

/**
 * A submission of a registry entry: its parameters plus the dialog's key, parsed once (issue paths as
 * in the parameters). Typed from the entry's own schema (spelled out: inferred through the generic
 * `safeExtend`, the input type would widen to any object).
 */
function selectionAction<S extends z.ZodObject>(entry: SelectionAction & { schema: S }): Action<z.input<S> & { idempotencyKey: string }, JobView> {
  return defineAction({
    key: entry.policyKey,
    input: entry.schema.safeExtend({ idempotencyKey: idempotencyKeySchema }),
    handler: (input, { db, user }) => {
      const { idempotencyKey, ...params } = input as { idempotencyKey: string };
      return submitParsedAction(db, user, entry, params, idempotencyKey);
    },
  });
}

export const copyToStaticSegmentAction = selectionAction(selectionActions.copy_to_static_segment);
export const copyToDatabaseAction = selectionAction(selectionActions.copy_to_database);
export const bulkEditAction = selectionAction(selectionActions.bulk_edit);
export const addToScenarioAction = selectionAction(selectionActions.add_to_scenario);
export const exportProfilesAction = selectionAction(selectionActions.export_profiles);
export const exportHistoryAction = selectionAction(selectionActions.export_history);

/** How many profiles a bulk edit would change, to confirm before applying. */
export const previewBulkEditAction = defineAction({
  key: "segments.bulkEditProfiles",
  input: bulkEditSchema,
  handler: (params, { db, user }) => previewBulkEdit(db, user, params),
});

const id = z.int().positive().max(2_147_483_647);

/** Fields, target databases, static segments and scenarios the dialogs offer for a source (a database or a saved segment). */
export const actionTargetsAction = defineAction({
  key: "segments.actionTargets",
  input: z.union([z.strictObject({ databaseId: id }), z.strictObject({ segmentId: id })], { error: "Choose a profile database." }),
  handler: async (source, { db, user }) => {
    const databaseId = "databaseId" in source ? source.databaseId : (await requireVisibleDynamicSegment(db, user, source.segmentId)).databaseId;
    return actionTargets(db, user, databaseId);
  },
});

/** One job's progress, for the progress bar (which polls it). Also wakes the runner after a restart. */
export const jobStatusAction = defineAction({
  key: "jobs.read",
  input: z.number(),
  handler: async (jobId, { db, user }) => {
    void actionRunner().kick();
    return (await getJob(db, user, jobId)).view;
  },
});

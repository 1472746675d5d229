"use server";

import { z } from "zod";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import type { PolicyKey } from "@/lib/access/policy";
import { defineAction, failure, type Action, type ActionResult } from "@/lib/actions/define-action";
import { invalid } from "@/lib/errors";
import { getJob, type JobView } from "@/lib/jobs/queries";
import { idempotencyKeySchema } from "@/lib/jobs/queue";
import { bulkEditSchema, previewBulkEdit } from "./bulk-edit";
import type { SelectionAction } from "./define";
import { actionRunner, submitParsedAction } from "./jobs";
import { selectionActionList, type SelectionActionKind, type SelectionActionParams } from "./registry";
import { actionTargets } from "./targets";

/*
 * The actions on a selection, as the dialogs call them, made from the registry — a new entry needs no
 * line here: `submitSelectionAction(kind, params)` takes the action's parameters (its schema, so a
 * wrong field in a dialog fails `tsc`) with the idempotency key made when the dialog opened — sending
 * it twice answers the same job. The role (the entry's policy key), the parameters and access to
 * source and target are checked before anything is queued; the job then runs in the background.
 */

/** What a dialog sends for the action of `kind`: its parameters and the dialog's idempotency key. */
export type SelectionActionInput<K extends SelectionActionKind> = SelectionActionParams<K> & { idempotencyKey: string };

/**
 * A submission of a registry entry: its parameters plus the dialog's key, parsed once (issue paths as
 * in the parameters), after the role check for the entry's own policy key.
 */
function selectionAction(entry: SelectionAction & { schema: z.ZodObject }): Action<Record<string, unknown>, JobView> {
  return defineAction({
    key: entry.policy.key as PolicyKey,
    input: entry.schema.safeExtend({ idempotencyKey: idempotencyKeySchema }),
    handler: (input, { db, user }) => {
      const { idempotencyKey, ...params } = input as z.output<SelectionAction["schema"]> & { idempotencyKey: string };
      return submitParsedAction(db, user, entry, params, idempotencyKey);
    },
  });
}

const submissions = new Map(selectionActionList.map((entry) => [entry.kind as string, selectionAction(entry)]));

/** Submits the action of `kind` on a selection (every entry of the registry; its own policy key). */
export const submitSelectionAction = Object.assign(
  async <K extends SelectionActionKind>(kind: K, input: SelectionActionInput<K>): Promise<ActionResult<JobView>> => {
    const submit = submissions.get(kind);
    if (!submit) return failure(invalid([{ path: "kind", message: "There is no such action." }]));
    return submit(input);
  },
  { policyKeys: [...new Set(selectionActionList.map((entry) => entry.policy.key))] as readonly PolicyKey[] },
);

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

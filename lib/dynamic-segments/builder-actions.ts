"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/actions/safe-action";
import { parseInput } from "@/lib/api/parse";
import { AppError, invalid, type Issue } from "@/lib/errors";
import { formatPath, type Script } from "@/lib/segments/script";
import { calculateSavedSegment, calculateSelection, prepareSelection, showSelection, type SelectionProfile } from "@/lib/segments/selection";
import { idSchema } from "@/lib/validation/input";
import type { Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { createSegment, segmentConditions, updateSegment, type SaveResult } from "./save";
import {
  formFieldOf,
  formMessage,
  formValuesFromFormData,
  scriptMessage,
  segmentFormSchema,
  type BuilderFormValues,
  type SegmentFormField,
} from "./segment-schema";

/** The rule the builder calculates: what a selection is, before it is saved. */
export type RuleInput = {
  databaseId: number;
  range: { from: number; to: number };
  conditions: Script | null;
  limit: number | null;
};
export type ShownProfile = SelectionProfile;

const optionalId = idSchema("Not a segment id.").optional();

/** Calculate (and Refresh count). An unchanged saved segment is calculated as itself and logged. */
export async function calculateRuleAction(rule: RuleInput, savedSegmentId?: number): Promise<ActionResult<{ count: number; calculatedAt: string }>> {
  const result = await runAction("segments.calculate", async ({ db, user }) => {
    const id = parseInput(optionalId, savedSegmentId);
    const { count, calculatedAt } = id ? await calculateSavedSegment(db, user, id) : await calculateSelection(db, user, rule);
    return { count, calculatedAt: calculatedAt.toISOString() };
  });
  if (result.ok && savedSegmentId) revalidatePath(`/segments/dynamic/${savedSegmentId}`);
  return result;
}

/** Show: the first 100 profiles of the selection. */
export async function showRuleAction(rule: RuleInput): Promise<ActionResult<{ profiles: ShownProfile[] }>> {
  return runAction("segments.show", async ({ db, user }) => ({ profiles: await showSelection(db, user, rule) }));
}

/** Checks conditions from the Script editor against the source's fields and segments; issues come back as data. */
export async function checkConditionsAction(input: { databaseId: number; conditions: Script; segmentId?: number }): Promise<ActionResult<{ issues: Issue[] }>> {
  return runAction("segments.checkConditions", async ({ db, user }) => {
    try {
      await prepareSelection(db, user, { databaseId: input.databaseId, conditions: input.conditions }, { segmentId: parseInput(optionalId, input.segmentId) });
      return { issues: [] };
    } catch (error) {
      if (error instanceof AppError && error.code === "validation_failed")
        return { issues: error.issues.map((i) => ({ ...i, path: i.path.replace(/^conditions\.?/, "") })) };
      throw error;
    }
  });
}

/** The conditions of another visible segment, for "Import conditions". */
export async function importConditionsAction(segmentId: number): Promise<ActionResult<Script>> {
  return runAction("segments.importConditions", async ({ db, user }) => (await segmentConditions(db, user, parseInput(idSchema("Not a segment id."), segmentId))).script);
}

export type SaveSegmentState = {
  message?: string;
  /** Errors by the form input they concern, in words. */
  fieldErrors?: Partial<Record<SegmentFormField, string>>;
  /** Problems inside the conditions, with Script-relative paths (`groups[0].conditions[1].value`). */
  conditionIssues?: Issue[];
  /** What was posted, exactly as typed: a failed save without JavaScript shows it again. */
  values?: BuilderFormValues;
};

const formId = z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.int().positive().max(2_147_483_647));

type Prepared = { values: BuilderFormValues; id: number | undefined } | { state: SaveSegmentState };

/** The posted values, checked for shape (text fields as text); the rest is the form schema's job. */
function preparedSave(raw: unknown): Prepared {
  const shape = segmentFormSchema.in.safeParse(raw);
  if (!shape.success) return { state: { message: "The form was not sent complete. Reload the page and try again." } };
  const values = shape.data;
  const id = values.id === "" ? undefined : formId.safeParse(values.id).data;
  if (values.id !== "" && id === undefined) return { state: { message: "This segment was not found.", values } };
  return { values, id };
}

/** Saves with the same schema as the form's resolver, then the data layer (which checks access and the rule). */
function saveBody(values: BuilderFormValues, id: number | undefined) {
  return async ({ db, user }: { db: Db; user: ActingUser }): Promise<SaveResult> => {
    const parsed = segmentFormSchema.safeParse(values);
    if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
    return id ? updateSegment(db, user, id, parsed.data) : createSegment(db, user, parsed.data);
  };
}

/** A failed save: every error on its input, in words; a saved one opens the segment. */
function afterSave(result: ActionResult<SaveResult>, values: BuilderFormValues): SaveSegmentState {
  if (!result.ok) {
    const fieldErrors: Partial<Record<SegmentFormField, string>> = {};
    const conditionIssues: Issue[] = [];
    for (const issue of result.issues ?? []) {
      const field = formFieldOf(issue.path);
      if (field === "script" && issue.path !== "script") {
        const relative = { ...issue, path: issue.path.replace(/^conditions\.?/, "") };
        conditionIssues.push(relative);
        fieldErrors.script ??= scriptMessage(relative);
      } else fieldErrors[field] ??= formMessage(field, issue);
    }
    const message = result.issues?.length ? "The segment was not saved. Fix the fields marked below." : result.message;
    return { message, fieldErrors, conditionIssues, values };
  }
  revalidatePath("/segments/dynamic");
  redirect(`/segments/dynamic/${result.data.id}${result.data.warning ? "?calc=timeout" : ""}`);
}

/** Save without JavaScript: a plain form post. */
export async function saveSegmentAction(_prev: SaveSegmentState, form: FormData): Promise<SaveSegmentState> {
  const prepared = preparedSave(formValuesFromFormData(form));
  if ("state" in prepared) return prepared.state;
  const { values, id } = prepared;
  return afterSave(await runAction(id ? "segments.update" : "segments.create", saveBody(values, id)), values);
}

/** Save from the builder with JavaScript: the form's values as they are (the form keeps them on failure). */
export async function saveSegmentValuesAction(raw: BuilderFormValues): Promise<SaveSegmentState> {
  const prepared = preparedSave(raw);
  if ("state" in prepared) return prepared.state;
  const { values, id } = prepared;
  return afterSave(await runAction(id ? "segments.update" : "segments.create", saveBody(values, id)), values);
}

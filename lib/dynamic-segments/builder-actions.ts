"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction, defineFormAction, type ActionContext } from "@/lib/actions/define-action";
import { AppError, notFound, type Issue } from "@/lib/errors";
import type { Script } from "@/lib/segments/script";
import type { Profile } from "@/lib/profiles/profile";
import { calculateSavedSegment, calculateSelection, prepareSelection, showSelection } from "@/lib/segments/selection";
import { idSchema } from "@/lib/validation/input";
import { ruleInput, type RuleInput } from "./rule-input";
import { changeSegment, insertSegment, prepareSegment, segmentConditions } from "./save";
import { formValuesFromFormData, segmentFormSchema, type BuilderFormValues } from "./segment-schema";

export type ShownProfile = Profile;

const segmentId = idSchema("Not a segment id.");

/** Calculate (and Refresh count). An unchanged saved segment is calculated as itself and logged. */
export const calculateRuleAction = defineAction({
  key: "segments.calculate",
  input: z.strictObject({ rule: ruleInput, savedSegmentId: segmentId.optional() }),
  handler: async ({ rule, savedSegmentId }, { db, user }) => {
    const { count, calculatedAt } = savedSegmentId ? await calculateSavedSegment(db, user, savedSegmentId) : await calculateSelection(db, user, rule);
    if (savedSegmentId) revalidatePath(`/segments/dynamic/${savedSegmentId}`);
    return { count, calculatedAt: calculatedAt.toISOString() };
  },
});

/** Show: the first 100 profiles of the selection. */
export const showRuleAction = defineAction({
  key: "segments.show",
  input: z.strictObject({ rule: ruleInput }),
  handler: async ({ rule }, { db, user }) => ({ profiles: (await showSelection(db, user, rule)) as ShownProfile[] }),
});

/** Checks conditions from the Script editor against the source's fields and segments; issues come back as data, at the rule's paths (`conditions.groups[0]…`). */
export const checkConditionsAction = defineAction({
  key: "segments.checkConditions",
  input: z.strictObject({ databaseId: z.number(), conditions: z.custom<Script>(), segmentId: segmentId.optional() }),
  handler: async (input, { db, user }): Promise<{ issues: Issue[] }> => {
    try {
      await prepareSelection(db, user, { databaseId: input.databaseId, conditions: input.conditions }, { segmentId: input.segmentId });
      return { issues: [] };
    } catch (error) {
      if (error instanceof AppError && error.code === "validation_failed") return { issues: error.issues };
      throw error;
    }
  },
});

/** The conditions of another visible segment, for "Import conditions". */
export const importConditionsAction = defineAction({
  key: "segments.importConditions",
  input: z.strictObject({ segmentId }),
  handler: async (input, { db, user }) => (await segmentConditions(db, user, input.segmentId)).script,
});

/** The segment being saved: none yet (""), or a saved one's id as the form holds it (text); anything else is not found. */
function savedId(text: string): number | undefined {
  if (text === "") return undefined;
  const id = segmentId.safeParse(/^\d{1,10}$/.test(text) ? Number(text) : NaN);
  if (!id.success) throw notFound("The segment");
  return id.data;
}

/**
 * What a save parses, once: the builder form's values with the same schema as the form's resolver
 * (which parses the Script text and validates the segment input), and the segment's id.
 */
const saveInput = segmentFormSchema.and(z.object({ id: z.string() }));

/**
 * Saves, then opens the segment: the values parsed once (`saveInput`), the selection prepared once
 * (access, rule, compiled SQL) and carried through the write to the first count. A failure answers
 * every issue at its path — form inputs by name, conditions at the rule's `conditions.groups[0]…` — and
 * the form puts each on its input (`formErrorsOf`).
 */
async function save({ id: idText, ...input }: z.output<typeof saveInput>, { db, user }: ActionContext): Promise<never> {
  const id = savedId(idText);
  const segment = await prepareSegment(db, user, input, { segmentId: id });
  const saved = id ? await changeSegment(db, user, segment) : await insertSegment(db, user, segment);
  revalidatePath("/segments/dynamic");
  redirect(`/segments/dynamic/${saved.id}${saved.warning ? "?calc=timeout" : ""}`);
}

const NOT_SAVED = "The segment was not saved. Fix the fields marked below.";

/** Save without JavaScript: a plain form post; a failure shows the form again with every field as typed. */
export const saveSegmentAction = defineFormAction({
  key: ["segments.create", "segments.update"],
  read: formValuesFromFormData,
  keep: formValuesFromFormData,
  input: saveInput,
  invalidMessage: NOT_SAVED,
  handler: (input, ctx) => save(input, ctx),
});

/** Save from the builder with JavaScript: the form's values as they are (the form keeps them on failure). */
export const saveSegmentValuesAction = defineAction({
  key: ["segments.create", "segments.update"],
  input: saveInput as z.ZodType<z.output<typeof saveInput>, BuilderFormValues>,
  invalidMessage: NOT_SAVED,
  handler: (input, ctx) => save(input, ctx),
});

export type { RuleInput };

"use server";

import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { explainSavedSegment, explainSelection } from "@/lib/segments/explain";
import { funnelOfSavedSegment, funnelOfSelection } from "@/lib/segments/funnel";
import { idSchema } from "@/lib/validation/input";
import { ruleInput } from "./rule-input";

const savedSegmentId = idSchema("Not a segment id.").optional();

/**
 * "Why is this profile in or out?" for the builder's rule, or for the saved segment itself when the
 * form still holds its saved definition. `profile` is an id or an email.
 */
export const explainProfileAction = defineAction({
  key: "segments.explain",
  input: z.strictObject({ rule: ruleInput, profile: z.string(), savedSegmentId }),
  handler: ({ rule, profile, savedSegmentId: id }, { db, user }) => (id ? explainSavedSegment(db, user, id, profile) : explainSelection(db, user, rule, profile)),
});

/** The condition funnel of the builder's rule (or of the unchanged saved segment). */
export const conditionFunnelAction = defineAction({
  key: "segments.funnel",
  input: z.strictObject({ rule: ruleInput, savedSegmentId }),
  handler: ({ rule, savedSegmentId: id }, { db, user }) => (id ? funnelOfSavedSegment(db, user, id) : funnelOfSelection(db, user, rule)),
});

"use server";

import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/actions/safe-action";
import { explainSavedSegment, explainSelection, type Explanation } from "@/lib/segments/explain";
import { funnelOfSavedSegment, funnelOfSelection, type Funnel } from "@/lib/segments/funnel";
import type { RuleInput } from "./builder-actions";

const optionalId = z.int().positive().max(2_147_483_647).optional();

/**
 * "Why is this profile in or out?" for the builder's rule, or for the saved segment itself when the
 * form still holds its saved definition. `profile` is an id or an email.
 */
export async function explainProfileAction(rule: RuleInput, profile: string, savedSegmentId?: number): Promise<ActionResult<Explanation>> {
  return runAction("segments.explain", async ({ db, user }) => {
    const id = optionalId.parse(savedSegmentId);
    return id ? explainSavedSegment(db, user, id, profile) : explainSelection(db, user, rule, profile);
  });
}

/** The condition funnel of the builder's rule (or of the unchanged saved segment). */
export async function conditionFunnelAction(rule: RuleInput, savedSegmentId?: number): Promise<ActionResult<Funnel>> {
  return runAction("segments.funnel", async ({ db, user }) => {
    const id = optionalId.parse(savedSegmentId);
    return id ? funnelOfSavedSegment(db, user, id) : funnelOfSelection(db, user, rule);
  });
}

import { z } from "zod";
import type { Script } from "@/lib/segments/script";

/** The rule the builder calculates: what a selection is, before it is saved. */
export type RuleInput = {
  databaseId: number;
  range: { from: number; to: number };
  conditions: Script | null;
  limit: number | null;
};

/**
 * A rule as an action's input: typed for the caller, and handed to the selection engine as it is — the
 * engine checks access to the database first and only then validates the rule (so that its messages
 * never describe an invisible database's fields), and reports issues at the rule's paths.
 */
export const ruleInput = z.custom<RuleInput>((value) => typeof value === "object" && value !== null, "Expected a rule.");

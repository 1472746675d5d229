/**
 * What the actions on a selection share in their parameters: the source (a saved segment or an unsaved
 * rule), target ids and names, and the pieces the dialogs build from (a bulk edit's changes, the export
 * columns). Client-safe (no database, no session). Each action's own schema sits in its file, beside its
 * plan and run (`copy-to-static-segment.ts`, …); the dialogs take its type from the registry.
 * The selection rule inside a source is parsed and validated by the selection engine itself.
 */
import { z } from "zod";
import { recordSchema, storableText } from "@/lib/validation/input";
import { SUBSCRIPTION_CHANNELS } from "@/lib/segments/script";

/** A target or source chosen from a list: a positive `integer` id. */
export const pickedId = z.int({ error: "Enter a whole number." }).min(1, { error: "Choose an item." }).max(2_147_483_647, { error: "Choose an item." });

/** Where the profiles come from: a saved dynamic segment (its update log records the action), or an unsaved rule. */
export const actionSourceSchema = z.union(
  [z.strictObject({ segmentId: pickedId }), z.strictObject({ rule: recordSchema(z.unknown()) })],
  { error: "Choose a saved segment or a selection." },
);
export type ActionSource = z.infer<typeof actionSourceSchema>;

/** The name of a target created on the spot (a new static segment). */
export const newName = storableText({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(200, { error: "Use at most 200 characters." });

/** System fields a bulk edit may set or clear; `id`, `created_at` and `updated_at` are the app's. */
export const EDITABLE_SYSTEM_FIELDS = ["email", "phone", "first_name", "last_name"] as const;

export const fieldChangeSchema = z.strictObject({
  kind: z.literal("field"),
  field: storableText({ error: "Choose a field." }).min(1, { error: "Choose a field." }).max(100),
  op: z.enum(["set", "clear"], { error: "Choose set or clear." }),
  /** The new value as JSON (string, number, boolean, ISO date text); checked against the field's type. */
  value: z.unknown().optional(),
});

export const subscriptionChangeSchema = z.strictObject({
  kind: z.literal("subscription"),
  channel: z.enum(SUBSCRIPTION_CHANNELS, { error: "Choose email, sms or push." }),
  status: z.enum(["subscribed", "unsubscribed", "none"], { error: "Choose subscribed, unsubscribed or none." }),
});

export const profileChangeSchema = z.discriminatedUnion("kind", [fieldChangeSchema, subscriptionChangeSchema], {
  error: "Each change sets a field or a subscription.",
});
export type ProfileChange = z.infer<typeof profileChangeSchema>;

/** Columns every export offers besides the database's own fields, in this order. */
export const EXPORT_SYSTEM_COLUMNS = ["id", "email", "phone", "first_name", "last_name", "created_at", "updated_at"] as const;
export const EXPORT_SUBSCRIPTION_COLUMNS = ["email_subscription", "sms_subscription", "push_subscription"] as const;

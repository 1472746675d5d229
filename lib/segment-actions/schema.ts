/**
 * What each action on a selection accepts: one zod schema per action, shared by the dialogs, the
 * server actions, the job runner and any API handler. Client-safe (no database, no session).
 * The selection rule inside a source is parsed and validated by the selection engine itself.
 */
import { z } from "zod";
import { recordSchema, storableText } from "@/lib/validation/input";
import { SUBSCRIPTION_CHANNELS } from "@/lib/segments/script";

const id = z.int({ error: "Enter a whole number." }).min(1, { error: "Choose an item." }).max(2_147_483_647, { error: "Choose an item." });

/** Where the profiles come from: a saved dynamic segment (its update log records the action), or an unsaved rule. */
export const actionSourceSchema = z.union(
  [z.strictObject({ segmentId: id }), z.strictObject({ rule: recordSchema(z.unknown()) })],
  { error: "Choose a saved segment or a selection." },
);
export type ActionSource = z.infer<typeof actionSourceSchema>;

const name = storableText({ error: "Enter a name." }).trim().min(1, { error: "Enter a name." }).max(200, { error: "Use at most 200 characters." });

export const copyToStaticSegmentSchema = z.strictObject({
  source: actionSourceSchema,
  /** An existing static segment of the same database, or a new one named on the spot. */
  target: z.union([z.strictObject({ staticSegmentId: id }), z.strictObject({ newName: name })], { error: "Choose a static segment or name a new one." }),
});
export type CopyToStaticSegmentParams = z.infer<typeof copyToStaticSegmentSchema>;

export const EXISTING_EMAIL_MODES = ["skip", "update"] as const;
export type ExistingEmailMode = (typeof EXISTING_EMAIL_MODES)[number];

export const copyToDatabaseSchema = z.strictObject({
  source: actionSourceSchema,
  targetDatabaseId: id,
  /** A profile whose email already exists in the target: leave the target as it is, or update it. */
  onExistingEmail: z.enum(EXISTING_EMAIL_MODES, { error: "Choose skip or update." }),
});
export type CopyToDatabaseParams = z.infer<typeof copyToDatabaseSchema>;

export const addToScenarioSchema = z.strictObject({ source: actionSourceSchema, scenarioId: id });
export type AddToScenarioParams = z.infer<typeof addToScenarioSchema>;

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

export const MAX_CHANGES = 50;

export const bulkEditSchema = z.strictObject({
  source: actionSourceSchema,
  changes: z
    .array(profileChangeSchema)
    .min(1, { error: "Add at least one change." })
    .max(MAX_CHANGES, { error: `Use at most ${MAX_CHANGES} changes.` }),
});
export type BulkEditParams = z.infer<typeof bulkEditSchema>;

export const EXPORT_FORMATS = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Columns every export offers besides the database's own fields, in this order. */
export const EXPORT_SYSTEM_COLUMNS = ["id", "email", "phone", "first_name", "last_name", "created_at", "updated_at"] as const;
export const EXPORT_SUBSCRIPTION_COLUMNS = ["email_subscription", "sms_subscription", "push_subscription"] as const;

export const exportProfilesSchema = z.strictObject({
  source: actionSourceSchema,
  format: z.enum(EXPORT_FORMATS, { error: "Choose CSV or NDJSON." }),
  /** Column keys in the order wanted; empty = every column. */
  fields: z.array(storableText().max(100)).max(300).default([]),
});
export type ExportProfilesParams = z.infer<typeof exportProfilesSchema>;

const day = storableText({ error: "Enter a date." })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Enter a date such as 2026-01-31." })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
    error: "Enter a real date such as 2026-01-31.",
  });

export const exportHistorySchema = z
  .strictObject({
    source: actionSourceSchema,
    /** The period, whole UTC days, both inclusive. */
    from: day,
    to: day,
    include: z
      .array(z.enum(["events", "changes"]))
      .min(1, { error: "Include events, profile changes or both." })
      .default(["events", "changes"]),
  })
  .superRefine((v, ctx) => {
    if (v.from > v.to) ctx.addIssue({ code: "custom", path: ["to"], message: "The end of the period must not be before its start." });
  });
export type ExportHistoryParams = z.infer<typeof exportHistorySchema>;

import { z } from "zod";
import { idSchema, storableText } from "@/lib/validation/input";

/**
 * What a profile database may declare, shared by the create form (browser), the server action and the
 * HTTP API. Pure zod: no database, no Next.js, safe to import from client components.
 */

export const FIELD_TYPES = ["string", "number", "date", "boolean"] as const;
export type FieldTypeName = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABELS: Record<FieldTypeName, string> = {
  string: "Text",
  number: "Number",
  date: "Date",
  boolean: "Yes / no",
};

/** Columns every profile has (SPEC §1); a custom field may not take their names. */
export const SYSTEM_FIELD_KEYS = ["id", "email", "phone", "first_name", "last_name", "created_at", "updated_at"] as const;

/** The CSV import reads subscriptions from these columns, so a custom field may not take them either. */
export const SUBSCRIPTION_COLUMNS = ["email_subscription", "sms_subscription", "push_subscription"] as const;

const RESERVED_KEYS = new Set<string>([...SYSTEM_FIELD_KEYS, ...SUBSCRIPTION_COLUMNS]);

export const MAX_FIELDS = 200;
export const MAX_NAME_LENGTH = 200;
export const MAX_LABEL_LENGTH = 200;
export const FIELD_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

export const fieldKeySchema = storableText({ error: "Enter a key." })
  .trim()
  .min(1, "Enter a key.")
  .regex(FIELD_KEY_PATTERN, "Use a lowercase letter first, then lowercase letters, digits or _ (at most 63).")
  .refine((key) => !RESERVED_KEYS.has(key), { message: "This name belongs to a system field; choose another key." });

export const fieldTypeSchema = z.enum(FIELD_TYPES, { error: "Choose text, number, date or yes/no." });

export const databaseNameSchema = storableText({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(MAX_NAME_LENGTH, `Use at most ${MAX_NAME_LENGTH} characters.`);

export const fieldDefinitionSchema = z.object({
  key: fieldKeySchema,
  type: fieldTypeSchema,
  /** Shown in the UI; defaults to the key. */
  label: storableText().trim().max(MAX_LABEL_LENGTH, `Use at most ${MAX_LABEL_LENGTH} characters.`).optional(),
});

export type FieldDefinitionInput = z.input<typeof fieldDefinitionSchema>;

function noDuplicateKeys(fields: { key: string }[], ctx: z.RefinementCtx, pathOf: (i: number) => (string | number)[]) {
  const seen = new Map<string, number>();
  fields.forEach((field, i) => {
    if (!field.key) return;
    if (seen.has(field.key)) ctx.addIssue({ code: "custom", path: pathOf(i), message: `The key "${field.key}" is used twice.` });
    else seen.set(field.key, i);
  });
}

/** The data layer's input (and the API's, after renaming `access_groups`). */
export const createDatabaseSchema = z.object({
  name: databaseNameSchema,
  fields: z
    .array(fieldDefinitionSchema)
    .max(MAX_FIELDS, `A database may declare at most ${MAX_FIELDS} fields.`)
    .default([])
    .superRefine((fields, ctx) => noDuplicateKeys(fields, ctx, (i) => [i, "key"])),
  accessGroupIds: z.array(idSchema()).default([]),
});

export type CreateDatabaseInput = z.input<typeof createDatabaseSchema>;

/**
 * The create form's values. The form always shows at least one field row, so a row left entirely blank
 * is ignored instead of being an error; issues keep the row's position in the form.
 */
export const fieldRowSchema = z.object({ key: storableText(), type: storableText(), label: storableText() });
export type FieldRow = z.infer<typeof fieldRowSchema>;

const isBlankRow = (row: FieldRow) => row.key.trim() === "" && row.label.trim() === "";

export const createDatabaseFormSchema = z
  .object({
    name: databaseNameSchema,
    fields: z.array(fieldRowSchema),
    accessGroupIds: z.array(storableText()),
  })
  .superRefine((form, ctx) => {
    const used = form.fields.filter((row) => !isBlankRow(row));
    if (used.length > MAX_FIELDS) ctx.addIssue({ code: "custom", path: ["fields"], message: `A database may declare at most ${MAX_FIELDS} fields.` });
    form.fields.forEach((row, i) => {
      if (isBlankRow(row)) return;
      const key = fieldKeySchema.safeParse(row.key);
      if (!key.success) ctx.addIssue({ code: "custom", path: ["fields", i, "key"], message: key.error.issues[0]?.message ?? "Invalid key." });
      if (!fieldTypeSchema.safeParse(row.type).success) ctx.addIssue({ code: "custom", path: ["fields", i, "type"], message: "Choose a type." });
      if (row.label.trim().length > MAX_LABEL_LENGTH)
        ctx.addIssue({ code: "custom", path: ["fields", i, "label"], message: `Use at most ${MAX_LABEL_LENGTH} characters.` });
    });
    noDuplicateKeys(
      form.fields.map((row) => (isBlankRow(row) ? { key: "" } : { key: row.key.trim() })),
      ctx,
      (i) => ["fields", i, "key"],
    );
  });

export type CreateDatabaseFormValues = z.input<typeof createDatabaseFormSchema>;
export type CreateDatabaseFormOutput = z.output<typeof createDatabaseFormSchema>;

/** The form's values as the data layer's input (blank rows dropped, group ids as numbers). */
export function formToCreateDatabaseInput(values: CreateDatabaseFormOutput): CreateDatabaseInput {
  return {
    name: values.name,
    fields: values.fields
      .filter((row) => !isBlankRow(row))
      .map((row) => ({ key: row.key.trim(), type: row.type as FieldTypeName, label: row.label.trim() || undefined })),
    accessGroupIds: values.accessGroupIds.map(Number).filter((id) => Number.isInteger(id) && id > 0),
  };
}

export const emptyFieldRow = (): FieldRow => ({ key: "", type: "string", label: "" });

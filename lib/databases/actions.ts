"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineFormAction } from "@/lib/actions/define-action";
import { invalid } from "@/lib/errors";
import { MAX_CSV_BYTES, MAX_CSV_LABEL } from "@/lib/profiles/csv-format";
import { importProfilesCsv } from "@/lib/profiles/import-csv";
import { coercedIdSchema } from "@/lib/validation/input";
import { createDatabase } from "./queries";
import { createDatabaseFormSchema, emptyFieldRow, formToCreateDatabaseInput, type CreateDatabaseFormValues, type FieldRow } from "./schema";

/** The form's posted values; fields arrive as `fields.<row>.key|type|label`, so the form also works without JavaScript. */
function readCreateForm(formData: FormData): CreateDatabaseFormValues & { fields: FieldRow[] } {
  const rows: FieldRow[] = [];
  for (const [name, value] of formData.entries()) {
    const m = /^fields\.(\d{1,3})\.(key|type|label)$/.exec(name);
    if (!m || typeof value !== "string") continue;
    const row = (rows[Number(m[1])] ??= emptyFieldRow());
    row[m[2] as keyof FieldRow] = value;
  }
  return {
    name: String(formData.get("name") ?? ""),
    fields: rows.filter(Boolean),
    accessGroupIds: formData.getAll("accessGroupIds").map(String),
  };
}

/** Without JavaScript, "Add field" and "Remove" post here (`intent`): the form comes back with one row more or less. */
function editCreateForm(formData: FormData): CreateDatabaseFormValues | null {
  const intent = String(formData.get("intent") ?? "");
  const values = readCreateForm(formData);
  if (intent === "add-field") return { ...values, fields: [...values.fields, emptyFieldRow()] };
  const removeRow = /^remove-field:(\d+)$/.exec(intent);
  if (removeRow) return { ...values, fields: values.fields.filter((_, i) => i !== Number(removeRow[1])) };
  return null;
}

/** Creates a profile database from the create form, then opens it. */
export const createDatabaseAction = defineFormAction({
  key: "databases.create",
  read: readCreateForm,
  keep: readCreateForm,
  edit: editCreateForm,
  input: createDatabaseFormSchema,
  invalidMessage: "Some values need your attention.",
  handler: async (input, { db, user }) => {
    const created = await createDatabase(db, user, formToCreateDatabaseInput(input));
    revalidatePath("/databases");
    redirect(`/databases/${created.id}`);
  },
});

/**
 * Imports an uploaded CSV file into the database (a hidden field). The file is streamed into the
 * parser; a file with any problem imports nothing and the answer lists the problems.
 */
export const importProfilesCsvAction = defineFormAction({
  key: "profiles.import",
  read: (form) => ({ databaseId: form.get("databaseId"), file: form.get("file") }),
  input: z.object({ databaseId: coercedIdSchema("Not a profile database id."), file: z.unknown() }),
  handler: async (input, { db, user }) => {
    const file = input.file;
    if (!(file instanceof File) || (file.size === 0 && !file.name)) throw invalid([{ path: "file", message: "Choose a CSV file to import." }], "Choose a CSV file to import.");
    if (file.size > MAX_CSV_BYTES) {
      const message = `The file is larger than ${MAX_CSV_LABEL}. Split it into smaller files and import them one by one.`;
      throw invalid([{ path: "file", message }], message);
    }
    const { imported } = await importProfilesCsv(db, user, input.databaseId, file.stream());
    revalidatePath(`/databases/${input.databaseId}`);
    revalidatePath("/databases");
    return { imported };
  },
  message: ({ imported }) =>
    imported === 0
      ? "The file has no profiles after the header row; nothing was imported."
      : `Imported ${imported.toLocaleString("en-US")} ${imported === 1 ? "profile" : "profiles"}.`,
});

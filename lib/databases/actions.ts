"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { authorizeAction } from "@/lib/actions/safe-action";
import { isAppError, type Issue } from "@/lib/errors";
import { MAX_CSV_BYTES, MAX_CSV_LABEL } from "@/lib/profiles/csv-format";
import { importProfilesCsv } from "@/lib/profiles/import-csv";
import { createDatabase } from "./queries";
import { createDatabaseFormSchema, emptyFieldRow, formToCreateDatabaseInput, type CreateDatabaseFormValues, type FieldRow } from "./schema";

/** Keyed by the form's field path, e.g. `name` or `fields.2.key`. */
export type FieldErrors = Record<string, string>;

export type CreateDatabaseState =
  | null
  | { ok: true; databaseId: number }
  | { ok: false; message: string; fieldErrors?: FieldErrors; values?: CreateDatabaseFormValues };

export type ImportCsvState = null | { ok: true; imported: number; message: string } | { ok: false; message: string; errors?: string[] };

const INTERNAL = "Something went wrong on our side. Nothing was changed; please try again.";

/** `fields[2].key` (data layer) or ["fields", 2, "key"] (zod) → `fields.2.key` (form). */
const formPath = (path: string | readonly PropertyKey[]) =>
  (typeof path === "string" ? path.replace(/\[(\d+)\]/g, ".$1") : path.map(String).join(".")) || "form";

function toFieldErrors(issues: readonly Issue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[formPath(issue.path)] ??= issue.message;
  return errors;
}

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

/**
 * Creates a profile database from the create form, then opens it. Without JavaScript the form's
 * "Add field" and "Remove" buttons post here too (`intent`), and the form comes back with one row more
 * or less.
 */
export async function createDatabaseAction(_prev: CreateDatabaseState, formData: FormData): Promise<CreateDatabaseState> {
  const values = readCreateForm(formData);
  const intent = String(formData.get("intent") ?? "");
  if (intent === "add-field") return { ok: false, message: "", values: { ...values, fields: [...values.fields, emptyFieldRow()] } };
  const removeRow = /^remove-field:(\d+)$/.exec(intent);
  if (removeRow) return { ok: false, message: "", values: { ...values, fields: values.fields.filter((_, i) => i !== Number(removeRow[1])) } };

  let databaseId: number;
  try {
    const user = await authorizeAction("databases.create");
    const parsed = createDatabaseFormSchema.safeParse(values);
    if (!parsed.success) {
      return {
        ok: false,
        message: "Some values need your attention.",
        fieldErrors: toFieldErrors(parsed.error.issues.map((i) => ({ path: formPath(i.path), message: i.message }))),
        values,
      };
    }
    const created = await createDatabase(await getDb(), user, formToCreateDatabaseInput(parsed.data));
    databaseId = created.id;
  } catch (error) {
    if (isAppError(error)) return { ok: false, message: error.message, fieldErrors: toFieldErrors(error.issues), values };
    console.error("createDatabaseAction failed:", error);
    return { ok: false, message: INTERNAL, values };
  }
  revalidatePath("/databases");
  redirect(`/databases/${databaseId}`);
}

/**
 * Imports an uploaded CSV file into the database (bound as the first argument). The file is streamed
 * into the parser; a file with any problem imports nothing and the answer lists the problems.
 */
export async function importProfilesCsvAction(databaseId: number, _prev: ImportCsvState, formData: FormData): Promise<ImportCsvState> {
  const file = formData.get("file");
  if (!(file instanceof File) || (file.size === 0 && !file.name)) return { ok: false, message: "Choose a CSV file to import." };
  if (file.size > MAX_CSV_BYTES)
    return { ok: false, message: `The file is larger than ${MAX_CSV_LABEL}. Split it into smaller files and import them one by one.` };
  try {
    const user = await authorizeAction("profiles.import");
    const { imported } = await importProfilesCsv(await getDb(), user, Number(databaseId), file.stream());
    revalidatePath(`/databases/${databaseId}`);
    revalidatePath("/databases");
    const message =
      imported === 0
        ? "The file has no profiles after the header row; nothing was imported."
        : `Imported ${imported.toLocaleString("en-US")} ${imported === 1 ? "profile" : "profiles"}.`;
    return { ok: true, imported, message };
  } catch (error) {
    if (isAppError(error)) {
      const errors = error.issues.map((i) => i.message);
      return { ok: false, message: error.message, errors: errors.length > 1 || errors[0] !== error.message ? errors : undefined };
    }
    console.error("importProfilesCsvAction failed:", error);
    return { ok: false, message: "The import failed on our side; nothing was imported. Please try again." };
  }
}

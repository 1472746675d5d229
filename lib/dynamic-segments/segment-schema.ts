/**
 * The dynamic segment's input schema and the builder form's schema over it: one source of truth for
 * what a valid segment is, parsed by the form in the browser (react-hook-form's zod resolver), by the
 * save action on the server (with and without JavaScript) and by the HTTP API. No server-only imports.
 */
import { z } from "zod";
import type { Issue } from "@/lib/errors";
import { formatPath, issuesFromZod, limitSchema, rangeSchema, readScriptJson, scriptSchema } from "@/lib/segments/script";
import { idSchema, storableText } from "@/lib/validation/input";
import type { SegmentFormValues } from "./builder-types";

/** A saved dynamic segment as the form, server actions and API send it. */
export const segmentInputSchema = z.strictObject({
  name: storableText({ error: "Give the segment a name." }).trim().min(1, { error: "Give the segment a name." }).max(200, { error: "Use at most 200 characters." }),
  databaseId: idSchema("Select a source."),
  range: rangeSchema.default({ from: 0, to: 100 }),
  conditions: scriptSchema.nullish().transform((s) => (s && s.groups.length ? s : null)),
  limit: limitSchema.nullish().transform((l) => l ?? null),
  description: storableText().max(2000, { error: "Use at most 2,000 characters." }).default(""),
  tags: z
    .array(storableText().trim().min(1).max(40, { error: "A tag has at most 40 characters." }))
    .max(20, { error: "Use at most 20 tags." })
    .default([])
    .transform((tags) => [...new Set(tags)]),
  accessGroupIds: z.array(idSchema()).max(100).default([]),
});

/**
 * The builder form's values exactly as its inputs hold them (and as a plain form post sends them):
 * text stays text, so a failed save can show every field as the user typed it.
 */
export type BuilderFormValues = {
  id: string;
  name: string;
  databaseId: string;
  rangeFrom: string;
  rangeTo: string;
  limitEnabled: boolean;
  limit: string;
  /** The conditions as Script JSON text ("" = none): the visual builder edits it, a no-JS post sends it as typed. */
  script: string;
  description: string;
  tags: string;
  accessGroupIds: string[];
};

/** The form's fields, by the name of their input. */
export type SegmentFormField = Exclude<keyof BuilderFormValues, "id">;

const numberFrom = (text: string): unknown => (text.trim() === "" ? undefined : Number(text.trim()));

/** The form's values as segment input (before validation); the Script text is parsed by the caller. */
export function segmentInputFromForm(values: BuilderFormValues, conditions: unknown) {
  return {
    name: values.name,
    databaseId: values.databaseId.trim() === "" ? undefined : Number(values.databaseId),
    range: { from: numberFrom(values.rangeFrom) ?? null, to: numberFrom(values.rangeTo) ?? null },
    conditions,
    limit: values.limitEnabled ? (numberFrom(values.limit) ?? "") : null,
    description: values.description,
    tags: values.tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    accessGroupIds: values.accessGroupIds.map(Number),
  };
}

const REQUIRED: Partial<Record<SegmentFormField, string>> = {
  name: "Give the segment a name.",
  databaseId: "Select a source.",
  rangeFrom: "Enter Range from: a number from 0 to 100.",
  rangeTo: "Enter Range to: a number from 0 to 100.",
  limit: "Enter the limit: a whole number of at least 1.",
};

/**
 * The form input an issue of the segment input belongs to (`range.to` → `rangeTo`), or `script` for
 * anything inside the conditions. Used for the resolver's, the save action's and Calculate's issues alike.
 */
export function formFieldOf(path: string): SegmentFormField {
  if (path === "rangeFrom" || path === "rangeTo" || path === "limitEnabled" || path === "script") return path;
  if (path.startsWith("range.from")) return "rangeFrom";
  if (path.startsWith("range")) return "rangeTo";
  const head = path.split(/[.[]/)[0];
  if (["name", "databaseId", "limit", "description", "tags", "accessGroupIds"].includes(head)) return head as SegmentFormField;
  return "script";
}

/** A message in words for the form: "required" becomes what to enter. */
export function formMessage(field: SegmentFormField, issue: Issue): string {
  if (issue.message === "This is required." || issue.message === "Enter a number." || issue.message === "Expected a number.") return REQUIRED[field] ?? issue.message;
  return issue.message;
}

/**
 * The builder form's schema: its values are valid when the segment input they stand for is. Issues
 * land on the input they concern, in words.
 */
export const segmentFormSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    databaseId: z.string(),
    rangeFrom: z.string(),
    rangeTo: z.string(),
    limitEnabled: z.boolean(),
    limit: z.string(),
    script: z.string(),
    description: z.string(),
    tags: z.string(),
    accessGroupIds: z.array(z.string()),
  })
  .transform((values, ctx) => {
    // The Script text is only read as JSON here: the segment input's schema checks it, once, as `conditions`.
    const script = readScriptJson(values.script);
    if (!script.ok) {
      for (const issue of script.issues) ctx.addIssue({ code: "custom", path: ["script"], message: scriptMessage(issue) });
    }
    const parsed = segmentInputSchema.safeParse(segmentInputFromForm(values, script.ok ? script.value : null), { reportInput: true });
    if (!parsed.success) {
      for (const raw of parsed.error.issues) {
        const path = formatPath(raw.path);
        const field = formFieldOf(path);
        if (field === "script") {
          // Inside the conditions, the words the Script's parser uses everywhere (unknown keys, expected types).
          for (const issue of issuesFromZod(new z.ZodError([raw]))) ctx.addIssue({ code: "custom", path: [field], message: scriptMessage(scriptRelative(issue)) });
          continue;
        }
        // The form's text made into the input's types: a value of the wrong type is one not entered (`limit: ""`).
        const message = raw.code === "invalid_type" ? "This is required." : raw.message;
        ctx.addIssue({ code: "custom", path: [field], message: formMessage(field, { path, message }) });
      }
      return z.NEVER;
    }
    return parsed.data;
  });

export type SegmentInputParsed = z.output<typeof segmentInputSchema>;

/**
 * An issue at the rule's paths (`conditions.groups[0].conditions[1].value`, what the server and the
 * API answer) as the builder marks it, relative to the Script it edits (`groups[0].conditions[1].value`).
 */
export function scriptRelative(issue: Issue): Issue {
  return { ...issue, path: issue.path.replace(/^conditions(\.|$)/, "") };
}

/** `groups[1].conditions[0].value` in words: "Group 2, condition 1". */
export function describeConditionPath(path: string): string {
  const m = /^groups\[(\d+)\](?:\.conditions\[(\d+)\])?/.exec(path);
  if (!m) return "";
  return m[2] === undefined ? `Group ${Number(m[1]) + 1}` : `Group ${Number(m[1]) + 1}, condition ${Number(m[2]) + 1}`;
}

/** A Script issue as a sentence that says where, without a JSON path. */
export function scriptMessage(issue: Issue): string {
  const where = describeConditionPath(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
}

/**
 * A failed save on the form: every issue on the input it concerns, in words, and the problems inside
 * the conditions with Script-relative paths for the builder to mark. The save answers issues at the
 * segment input's paths (`name`, `range.to`, `conditions.groups[0].conditions[1].value`) or the form's
 * own (`rangeFrom`, `script`) — the same convention as the API's — and this is the one place that maps them.
 */
export function formErrorsOf(failure: { message: string; issues?: readonly Issue[] }) {
  const fieldErrors: Partial<Record<SegmentFormField, string>> = {};
  const conditionIssues: Issue[] = [];
  for (const issue of failure.issues ?? []) {
    const field = formFieldOf(issue.path);
    if (field === "script" && issue.path !== "script") {
      const relative = scriptRelative(issue);
      conditionIssues.push(relative);
      fieldErrors.script ??= scriptMessage(relative);
    } else fieldErrors[field] ??= formMessage(field, issue);
  }
  const message = failure.issues?.length ? "The segment was not saved. Fix the fields marked below." : failure.message;
  return { message, fieldErrors, conditionIssues };
}

/** The form's values for a stored segment (or a new one). */
export function formValuesOf(segment: SegmentFormValues): BuilderFormValues {
  const script = scriptSchema.safeParse(segment.conditions ?? { groups: [] });
  return {
    id: segment.id ? String(segment.id) : "",
    name: segment.name,
    databaseId: segment.databaseId ? String(segment.databaseId) : "",
    rangeFrom: String(segment.rangeFrom),
    rangeTo: String(segment.rangeTo),
    limitEnabled: segment.limit !== null,
    limit: segment.limit === null ? "" : String(segment.limit),
    script: script.success && script.data.groups.length ? JSON.stringify(script.data) : "",
    description: segment.description,
    tags: segment.tags.join(", "),
    accessGroupIds: segment.accessGroupIds.map(String),
  };
}

/** A plain form post as the form's values (every field as typed; unticked boxes are absent). */
export function formValuesFromFormData(form: FormData): BuilderFormValues {
  const text = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  return {
    id: text("id"),
    name: text("name"),
    databaseId: text("databaseId"),
    rangeFrom: text("rangeFrom"),
    rangeTo: text("rangeTo"),
    limitEnabled: form.get("limitEnabled") !== null,
    limit: text("limit"),
    script: text("script"),
    description: text("description"),
    tags: text("tags"),
    accessGroupIds: form.getAll("accessGroupIds").filter((v): v is string => typeof v === "string"),
  };
}

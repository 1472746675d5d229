import { z } from "zod";
import { recordSchema, storableText } from "@/lib/validation/input";
import type { FieldTypeName } from "@/lib/databases/schema";
import type { Issue } from "@/lib/errors";
import { checkJsonFieldValue, isEmail, MAX_STRING_LENGTH, toTimestamp, type FieldValue } from "./values";

/** SPEC §5: one profile as the API and the data layer accept it. Unknown keys are errors, not ignored. */

export const MAX_PROFILES_PER_REQUEST = 10_000;
/** Enough to fix a file or a request in one go without answering with megabytes of issues. */
export const MAX_ISSUES = 100;

export const SUBSCRIPTION_STATUSES = ["subscribed", "unsubscribed"] as const;
export type Subscription = (typeof SUBSCRIPTION_STATUSES)[number] | null;

const optionalText = storableText({ error: "Expected text." })
  .max(MAX_STRING_LENGTH, `Text is longer than ${MAX_STRING_LENGTH} characters.`)
  .nullish();

const subscriptionSchema = z.enum(SUBSCRIPTION_STATUSES, { error: 'Expected "subscribed", "unsubscribed" or null.' }).nullish();

export const profileInputSchema = z.strictObject(
  {
    email: storableText({ error: "Expected text." })
      .trim()
      .max(MAX_STRING_LENGTH, `Text is longer than ${MAX_STRING_LENGTH} characters.`)
      .refine((v) => v === "" || isEmail(v), "Not a valid email address.")
      .nullish(),
    phone: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    created_at: storableText({ error: "Expected an ISO date-time." })
      .refine((v) => toTimestamp(v) !== null, "Expected an ISO date (2026-01-31) or date-time (2026-01-31T09:30:00Z).")
      .nullish(),
    fields: recordSchema(z.unknown(), "Expected an object keyed by field key.").nullish(),
    subscriptions: z
      .strictObject({ email: subscriptionSchema, sms: subscriptionSchema, push: subscriptionSchema }, { error: "Expected { email, sms, push }." })
      .nullish(),
  },
  { error: "Expected a profile object." },
);

export type ProfileInput = z.input<typeof profileInputSchema>;

/** A profile ready for the profiles table: checked, converted, and in storage form. */
export type ProfileRow = {
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  /** ISO instant, or null for "now". */
  created_at: string | null;
  fields: Record<string, FieldValue>;
  email_subscription: Subscription;
  sms_subscription: Subscription;
  push_subscription: Subscription;
};

export type FieldDefinition = { key: string; type: FieldTypeName; label: string };

/** `["profiles", 3, "fields", "city"]` → `profiles[3].fields.city`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => {
      if (typeof part === "number") return `[${part}]`;
      const text = String(part);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return i === 0 ? text : `.${text}`;
      return `[${JSON.stringify(text)}]`;
    })
    .join("");
}

const blankToNull = (value: string | null | undefined) => (value === undefined || value === null || value === "" ? null : value);

/**
 * Checks profiles against SPEC §5 and the database's declared fields. Issues carry paths such as
 * `profiles[3].fields.city`; at most MAX_ISSUES are reported.
 */
export function validateProfileInputs(
  inputs: readonly unknown[],
  fields: readonly FieldDefinition[],
  pathPrefix = "profiles",
): { ok: true; rows: ProfileRow[] } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const rows: ProfileRow[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));

  const checkFields = (values: Record<string, unknown>, i: number) => {
    const stored: Record<string, FieldValue> = {};
    for (const [key, value] of Object.entries(values)) {
      const path = formatPath([pathPrefix, i, "fields", key]);
      const field = byKey.get(key);
      if (!field) {
        issues.push({ path, message: "Unknown field: the database does not declare it." });
        continue;
      }
      if (value === null) continue; // null = no value
      const checked = checkJsonFieldValue(field.type, value);
      if (checked.ok) stored[key] = checked.value;
      else issues.push({ path, message: checked.message });
    }
    return stored;
  };

  for (let i = 0; i < inputs.length && issues.length < MAX_ISSUES; i++) {
    const parsed = profileInputSchema.safeParse(inputs[i]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
        for (const key of keys) {
          const path = [pathPrefix, i, ...issue.path, ...(key === undefined ? [] : [key])];
          issues.push({ path: formatPath(path), message: key === undefined ? issue.message : "Unknown key." });
        }
      }
      // Report the custom fields' problems too, so that one answer lists everything to fix.
      const values = (inputs[i] as { fields?: unknown } | null)?.fields;
      if (values && typeof values === "object" && !Array.isArray(values)) checkFields(values as Record<string, unknown>, i);
      continue;
    }
    const p = parsed.data;
    const stored = checkFields(p.fields ?? {}, i);
    rows.push({
      email: blankToNull(p.email),
      phone: blankToNull(p.phone),
      first_name: blankToNull(p.first_name),
      last_name: blankToNull(p.last_name),
      created_at: p.created_at ? toTimestamp(p.created_at) : null,
      fields: stored,
      email_subscription: p.subscriptions?.email ?? null,
      sms_subscription: p.subscriptions?.sms ?? null,
      push_subscription: p.subscriptions?.push ?? null,
    });
  }
  return issues.length ? { ok: false, issues: issues.slice(0, MAX_ISSUES) } : { ok: true, rows };
}

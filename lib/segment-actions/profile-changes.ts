import "server-only";
/**
 * Bulk-edit changes as SQL: each change, checked against the database's fields, becomes an assignment
 * for one set-based `UPDATE`, an old/new value pair for its `profile_changes` rows, and a "would this
 * change the profile?" predicate — so unchanged profiles are neither updated nor logged.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Issue } from "@/lib/errors";
import { checkJsonFieldValue, isEmail, MAX_STRING_LENGTH } from "@/lib/profiles/values";
import { textProblem } from "@/lib/validation/input";
import type { FieldDefinition } from "@/lib/segments/fields";
import { formatPath } from "@/lib/segments/script";
import { EDITABLE_SYSTEM_FIELDS, type ProfileChange } from "./schema";

type SystemColumn = (typeof EDITABLE_SYSTEM_FIELDS)[number];
type SubscriptionColumn = "email_subscription" | "sms_subscription" | "push_subscription";

/** A checked change: which stored value it touches and the JSON it stores there (null = none). */
export type ResolvedChange =
  | { target: "custom"; key: string; value: string | number | boolean | null }
  | { target: "system"; column: SystemColumn; value: string | null }
  | { target: "subscription"; column: SubscriptionColumn; value: "subscribed" | "unsubscribed" | null };

const isSystemColumn = (key: string): key is SystemColumn => (EDITABLE_SYSTEM_FIELDS as readonly string[]).includes(key);
const READ_ONLY = new Set(["id", "created_at", "updated_at"]);

/** Checks changes against the database's fields: unknown fields, wrong types and repeats are issues. */
export function resolveChanges(changes: ProfileChange[], fields: readonly FieldDefinition[]): { resolved: ResolvedChange[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const resolved: ResolvedChange[] = [];
  const seen = new Set<string>();
  changes.forEach((change, i) => {
    const at = (...rest: string[]) => formatPath(["changes", i, ...rest]);
    if (change.kind === "subscription") {
      const column = `${change.channel}_subscription` as SubscriptionColumn;
      if (seen.has(column)) return issues.push({ path: at("channel"), message: `The ${change.channel} subscription is changed twice.` });
      seen.add(column);
      resolved.push({ target: "subscription", column, value: change.status === "none" ? null : change.status });
      return;
    }
    const key = change.field;
    if (seen.has(key)) return issues.push({ path: at("field"), message: `“${key}” is changed twice.` });
    seen.add(key);
    if (READ_ONLY.has(key)) return issues.push({ path: at("field"), message: `“${key}” is set by the app and cannot be changed.` });
    const needValue = change.op === "set";
    if (needValue && (change.value === undefined || change.value === null || change.value === ""))
      return issues.push({ path: at("value"), message: "Enter a value, or choose Clear." });

    if (isSystemColumn(key)) {
      if (!needValue) return resolved.push({ target: "system", column: key, value: null });
      if (typeof change.value !== "string") return issues.push({ path: at("value"), message: "Expected text." });
      if (change.value.length > MAX_STRING_LENGTH) return issues.push({ path: at("value"), message: `Use at most ${MAX_STRING_LENGTH} characters.` });
      if (textProblem(change.value)) return issues.push({ path: at("value"), message: textProblem(change.value)! });
      if (key === "email" && !isEmail(change.value)) return issues.push({ path: at("value"), message: "Expected an email address." });
      return resolved.push({ target: "system", column: key, value: change.value });
    }
    const field = fields.find((f) => f.key === key);
    if (!field) return issues.push({ path: at("field"), message: `Unknown field “${key}”: the profile database has no such field.` });
    if (!needValue) return resolved.push({ target: "custom", key, value: null });
    const checked = checkJsonFieldValue(field.type, change.value);
    if (!checked.ok) return issues.push({ path: at("value"), message: `${field.label || key}: ${checked.message}` });
    resolved.push({ target: "custom", key, value: checked.value });
  });
  return { resolved, issues };
}

const col = (alias: string, column: string) => sql.raw(`${alias}.${column}`);

/** The stored value a change reads, as jsonb, on the row alias `o`. */
export function oldValue(change: ResolvedChange, o: string): SQL {
  if (change.target === "custom") return sql`${col(o, "fields")} -> ${change.key}::text`;
  return sql`to_jsonb(${col(o, change.column)})`;
}

/** The value a change stores, as jsonb (SQL NULL for "none"). */
export function newValue(change: ResolvedChange): SQL {
  if (change.value === null) return sql`null::jsonb`;
  return sql`${JSON.stringify(change.value)}::jsonb`;
}

/** The history's name for what changed: the custom field key or the profile column. */
export function changedField(change: ResolvedChange): string {
  return change.target === "custom" ? change.key : change.column;
}

/** True where at least one change would alter the row `o`. */
export function wouldChange(changes: ResolvedChange[], o: string): SQL {
  return sql`(${sql.join(
    changes.map((c) => sql`(${oldValue(c, o)}) is distinct from (${newValue(c)})`),
    sql` or `,
  )})`;
}

/** `SET` assignments on the row alias `t` (custom fields merged into `fields`, cleared ones removed). */
export function assignments(changes: ResolvedChange[], t: string, now: Date): SQL {
  const parts: SQL[] = [];
  const customSet = Object.fromEntries(changes.flatMap((c) => (c.target === "custom" && c.value !== null ? [[c.key, c.value]] : [])));
  const customCleared = changes.flatMap((c) => (c.target === "custom" && c.value === null ? [c.key] : []));
  if (Object.keys(customSet).length || customCleared.length) {
    let fields = Object.keys(customSet).length ? sql`(${col(t, "fields")} || ${JSON.stringify(customSet)}::jsonb)` : sql`${col(t, "fields")}`;
    for (const key of customCleared) fields = sql`(${fields} - ${key}::text)`;
    parts.push(sql`fields = ${fields}`);
  }
  for (const c of changes) {
    if (c.target === "system") parts.push(sql`${sql.raw(c.column)} = ${c.value}::text`);
    if (c.target === "subscription") parts.push(sql`${sql.raw(c.column)} = ${c.value}::subscription_status`);
  }
  parts.push(sql`updated_at = ${now.toISOString()}::timestamptz`);
  return sql.join(parts, sql`, `);
}

/** "set city, cleared phone, email subscription → subscribed": what a bulk edit did, for the log. */
export function describeChanges(changes: ResolvedChange[]): string {
  return changes
    .map((c) => {
      if (c.target === "subscription") return `${c.column.replace("_subscription", "")} subscription → ${c.value ?? "none"}`;
      const name = c.target === "custom" ? c.key : c.column;
      return c.value === null ? `cleared ${name}` : `set ${name}`;
    })
    .join(", ");
}

import type { Issue } from "@/lib/errors";
import type { Profile } from "@/lib/profiles/profile";
import type { CellValue } from "./csv";
import type { ExportColumn } from "./stream";

/**
 * The columns of a profile export. Names match the CSV import (`lib/profiles/import-csv.ts`), so an
 * export can be imported again: system fields, the database's custom field keys, and one
 * `<channel>_subscription` column per channel.
 */
export const PROFILE_SYSTEM_COLUMNS = ["id", "email", "phone", "first_name", "last_name", "created_at", "updated_at"] as const;
export const PROFILE_SUBSCRIPTION_COLUMNS = ["email_subscription", "sms_subscription", "push_subscription"] as const;

type SystemColumn = (typeof PROFILE_SYSTEM_COLUMNS)[number];
type SubscriptionColumn = (typeof PROFILE_SUBSCRIPTION_COLUMNS)[number];

export type ProfileColumn = ExportColumn<Profile> & { kind: "system" | "field" | "subscription"; key: string };

function column(key: string, customKeys: ReadonlySet<string>): ProfileColumn | null {
  if ((PROFILE_SYSTEM_COLUMNS as readonly string[]).includes(key)) {
    const k = key as SystemColumn;
    return { kind: "system", key, header: key, value: (p) => p[k] };
  }
  if ((PROFILE_SUBSCRIPTION_COLUMNS as readonly string[]).includes(key)) {
    const channel = key.slice(0, key.indexOf("_")) as keyof Profile["subscriptions"];
    return { kind: "subscription", key, header: key as SubscriptionColumn, value: (p) => p.subscriptions[channel] };
  }
  if (customKeys.has(key)) return { kind: "field", key, header: key, value: (p) => p.fields[key] as CellValue };
  return null;
}

/**
 * The export's columns: all of them (system, then custom fields in the database's order, then
 * subscriptions), or exactly those named in `selected` (e.g. from `?fields=email,city`), in that order.
 * An unknown name is an issue at `path`.
 */
export function profileColumns(
  customFieldKeys: readonly string[],
  selected?: readonly string[] | null,
  path = "fields",
): { ok: true; columns: ProfileColumn[] } | { ok: false; issues: Issue[] } {
  const custom = new Set(customFieldKeys);
  const names = selected?.length ? [...new Set(selected)] : [...PROFILE_SYSTEM_COLUMNS, ...customFieldKeys, ...PROFILE_SUBSCRIPTION_COLUMNS];
  const columns: ProfileColumn[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const c = column(name, custom);
    if (c) columns.push(c);
    else unknown.push(name);
  }
  if (unknown.length) {
    return {
      ok: false,
      issues: [{ path, message: `Unknown field${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Use system fields (${PROFILE_SYSTEM_COLUMNS.join(", ")}), the database's field keys, or ${PROFILE_SUBSCRIPTION_COLUMNS.join(", ")}.` }],
    };
  }
  return { ok: true, columns };
}

/** `?fields=a,b` → ["a", "b"]; absent or blank → null (all columns). */
export function parseFieldList(text: string | null): string[] | null {
  if (text === null) return null;
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  return names.length ? names : null;
}

/**
 * A profile as one NDJSON object: the SPEC §5 profile shape, with only the chosen columns (system
 * fields at the top, custom fields under `fields`, subscriptions under `subscriptions`).
 */
export function profileJson(columns: readonly ProfileColumn[]): (p: Profile) => Record<string, unknown> {
  const system = columns.filter((c) => c.kind === "system");
  const fields = columns.filter((c) => c.kind === "field");
  const subs = columns.filter((c) => c.kind === "subscription");
  return (p) => {
    const out: Record<string, unknown> = {};
    for (const c of system) out[c.key] = c.value(p) ?? null;
    if (fields.length) out.fields = Object.fromEntries(fields.filter((c) => p.fields[c.key] !== undefined).map((c) => [c.key, p.fields[c.key]]));
    if (subs.length) out.subscriptions = Object.fromEntries(subs.map((c) => [c.key.slice(0, c.key.indexOf("_")), c.value(p) ?? null]));
    return out;
  };
}

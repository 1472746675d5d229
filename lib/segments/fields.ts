/**
 * What a `field` condition may name and which operators each field type allows (SPEC §2). The builder
 * form offers exactly these; the validator and the compiler resolve names through them.
 */
export type FieldType = "string" | "number" | "date" | "boolean";

export const FIELD_TYPES = ["string", "number", "date", "boolean"] as const satisfies readonly FieldType[];

export const STRING_OPERATORS = [
  "eq",
  "neq",
  "contains",
  "not_contains",
  "starts_with",
  "ends_with",
  "in",
  "not_in",
  "empty",
  "not_empty",
] as const;
export const NUMBER_OPERATORS = ["eq", "neq", "gt", "gte", "lt", "lte", "between", "in", "not_in", "empty", "not_empty"] as const;
export const DATE_OPERATORS = [
  "eq",
  "before",
  "after",
  "between",
  "within_last_days",
  "within_next_days",
  "more_than_days_ago",
  "empty",
  "not_empty",
] as const;
export const BOOLEAN_OPERATORS = ["is_true", "is_false", "empty", "not_empty"] as const;

export const FIELD_OPERATORS = [
  ...new Set([...STRING_OPERATORS, ...NUMBER_OPERATORS, ...DATE_OPERATORS, ...BOOLEAN_OPERATORS]),
] as [FieldOperator, ...FieldOperator[]];

export type FieldOperator =
  | (typeof STRING_OPERATORS)[number]
  | (typeof NUMBER_OPERATORS)[number]
  | (typeof DATE_OPERATORS)[number]
  | (typeof BOOLEAN_OPERATORS)[number];

export const OPERATORS_BY_TYPE: Record<FieldType, readonly FieldOperator[]> = {
  string: STRING_OPERATORS,
  number: NUMBER_OPERATORS,
  date: DATE_OPERATORS,
  boolean: BOOLEAN_OPERATORS,
};

/** Operators that take no value. */
export const VALUELESS_OPERATORS: readonly FieldOperator[] = ["empty", "not_empty", "is_true", "is_false"];

/** The profile columns a condition may name, with their types (SPEC §1). */
export const SYSTEM_FIELDS = {
  id: "number",
  email: "string",
  phone: "string",
  first_name: "string",
  last_name: "string",
  created_at: "date",
  updated_at: "date",
} as const satisfies Record<string, FieldType>;

export type SystemField = keyof typeof SYSTEM_FIELDS;

export function isSystemField(key: string): key is SystemField {
  return Object.prototype.hasOwnProperty.call(SYSTEM_FIELDS, key);
}

/** A custom field a profile database declares. */
export type FieldDefinition = { key: string; type: FieldType; label?: string };

export type ResolvedField = { source: "system"; key: SystemField; type: FieldType } | { source: "custom"; key: string; type: FieldType };

/** System fields win over a custom field of the same key; unknown keys resolve to `null`. */
export function resolveField(key: string, fields: readonly FieldDefinition[]): ResolvedField | null {
  if (isSystemField(key)) return { source: "system", key, type: SYSTEM_FIELDS[key] };
  const custom = fields.find((f) => f.key === key);
  return custom ? { source: "custom", key: custom.key, type: custom.type } : null;
}

/**
 * The type an event property filter compares as: its explicit `type`, else what the operator and
 * value imply (`gt 50` → number, `contains "x"` → string, `before "2026-01-01"` → date).
 */
export function propertyFilterType(filter: { type?: FieldType; op: FieldOperator; value?: unknown }): FieldType {
  if (filter.type) return filter.type;
  const { op, value } = filter;
  if (op === "is_true" || op === "is_false") return "boolean";
  if (["gt", "gte", "lt", "lte"].includes(op)) return "number";
  if (["before", "after", "within_last_days", "within_next_days", "more_than_days_ago"].includes(op)) return "date";
  const sample = Array.isArray(value) ? value[0] : value;
  if (op === "between") return typeof sample === "string" ? "date" : "number";
  if (typeof sample === "number") return "number";
  return "string";
}

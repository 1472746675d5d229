/**
 * Script v1 (SPEC §2) with range and limit: the one schema that the builder form, the JSON editor,
 * server actions and the HTTP API all parse with. It checks shape and everything that needs no
 * database; `validate.ts` adds what depends on the database's fields and the other segments.
 */
import { z } from "zod";
import { MAX_ID, storableText } from "@/lib/validation/input";
import type { Issue } from "@/lib/errors";
import { parseConditionDate } from "./dates";
import { FIELD_OPERATORS, FIELD_TYPES } from "./fields";
import { locateJsonError } from "./json-text";
import { basisPoints, FULL_RANGE } from "./range";

export const LIMITS = {
  groups: 50,
  conditionsPerGroup: 50,
  propertyFilters: 50,
  listItems: 1000,
  textLength: 1000,
  days: 36_500,
  count: 1_000_000_000,
  limit: 2_147_483_647,
} as const;

export const EVENT_CHANNELS = ["email", "sms", "push", "web", "app"] as const;
export const SUBSCRIPTION_CHANNELS = ["email", "sms", "push"] as const;
export const SUBSCRIPTION_STATUSES = ["subscribed", "unsubscribed", "none"] as const;
export const INTERACTION_TYPES = ["delivered", "opened", "clicked", "bounced", "unsubscribed", "complained"] as const;
export const COUNT_OPERATORS = ["eq", "gte", "lte", "gt", "lt"] as const;
export const CONDITION_KINDS = ["field", "subscription", "interaction", "event", "segment"] as const;

const TEXT_TOO_LONG = `Use at most ${LIMITS.textLength.toLocaleString("en-US")} characters.`;
const text = storableText({ error: "Enter text." }).max(LIMITS.textLength, { error: TEXT_TOO_LONG });
const requiredText = text.min(1, { error: "This cannot be empty." });
const id = z
  .int({ error: "Enter a whole number." })
  .min(1, { error: "Enter a whole number of at least 1." })
  .max(MAX_ID, { error: `Use a whole number up to ${MAX_ID.toLocaleString("en-US")}.` });

export const isoDateString = text.refine((v) => parseConditionDate(v) !== null, {
  error: "Enter a date such as 2026-01-31 or a date-time such as 2026-01-31T12:00:00Z.",
});

/** A field or property value; which of these a condition needs depends on the field type and operator. */
export const fieldValueSchema = z.union(
  [
    text,
    z.number(),
    z.boolean(),
    z
      .array(z.union([text, z.number()], { error: "List items must be text or numbers." }))
      .max(LIMITS.listItems, { error: `Use at most ${LIMITS.listItems.toLocaleString("en-US")} values.` }),
  ],
  { error: "Enter text, a number, true or false, or a list." },
);

const fieldOperator = z.enum(FIELD_OPERATORS, { error: `Unknown operator. Use one of: ${FIELD_OPERATORS.join(", ")}.` });

export const fieldConditionSchema = z.strictObject({
  kind: z.literal("field"),
  field: requiredText,
  op: fieldOperator,
  value: fieldValueSchema.nullish(),
});

export const subscriptionConditionSchema = z.strictObject({
  kind: z.literal("subscription"),
  channel: z.enum(SUBSCRIPTION_CHANNELS, { error: "Use one of: email, sms, push." }),
  status: z.enum(SUBSCRIPTION_STATUSES, { error: "Use one of: subscribed, unsubscribed, none." }),
});

export const countSchema = z.strictObject({
  op: z.enum(COUNT_OPERATORS, { error: `Use one of: ${COUNT_OPERATORS.join(", ")}.` }),
  value: z
    .int({ error: "Enter a whole number." })
    .min(0, { error: "Enter a whole number of at least 0." })
    .max(LIMITS.count, { error: "This number is too large." }),
});

export const periodSchema = z
  .strictObject({
    last_days: z
      .int({ error: "Enter a whole number of days." })
      .min(1, { error: "Enter at least 1 day." })
      .max(LIMITS.days, { error: `Use at most ${LIMITS.days.toLocaleString("en-US")} days.` })
      .optional(),
    from: isoDateString.optional(),
    to: isoDateString.optional(),
  })
  .superRefine((p, ctx) => {
    const fixed = p.from !== undefined || p.to !== undefined;
    if (p.last_days !== undefined && fixed) {
      ctx.addIssue({ code: "custom", path: ["last_days"], message: "Use either last_days or from/to, not both." });
    } else if (p.last_days === undefined && !fixed) {
      ctx.addIssue({ code: "custom", path: [], message: "Give last_days, or from and/or to." });
    } else if (p.from !== undefined && p.to !== undefined) {
      const from = parseConditionDate(p.from);
      const to = parseConditionDate(p.to);
      if (from && to && from.micros >= to.micros) {
        ctx.addIssue({ code: "custom", path: ["to"], message: "The end of the period must be after its start." });
      }
    }
  });

export const propertyFilterSchema = z.strictObject({
  property: requiredText,
  type: z.enum(FIELD_TYPES, { error: "Use one of: string, number, date, boolean." }).optional(),
  op: fieldOperator,
  value: fieldValueSchema.nullish(),
});

const eventFilters = {
  channel: z.enum(EVENT_CHANNELS, { error: `Use one of: ${EVENT_CHANNELS.join(", ")}.` }).nullish(),
  mailing_id: id.nullish(),
  where: z
    .array(propertyFilterSchema)
    .max(LIMITS.propertyFilters, { error: `Use at most ${LIMITS.propertyFilters} property filters.` })
    .nullish(),
  count: countSchema.nullish(),
  period: periodSchema.nullish(),
};

export const interactionConditionSchema = z.strictObject({
  kind: z.literal("interaction"),
  type: z.enum(INTERACTION_TYPES, { error: `Use one of: ${INTERACTION_TYPES.join(", ")}.` }),
  ...eventFilters,
});

export const eventConditionSchema = z.strictObject({
  kind: z.literal("event"),
  type: requiredText,
  ...eventFilters,
});

export const segmentConditionSchema = z.strictObject({
  kind: z.literal("segment"),
  segment_type: z.enum(["static", "dynamic"], { error: "Use static or dynamic." }),
  segment_id: id,
  member: z.boolean({ error: "Use true or false." }).default(true),
});

export const conditionSchema = z.discriminatedUnion(
  "kind",
  [fieldConditionSchema, subscriptionConditionSchema, interactionConditionSchema, eventConditionSchema, segmentConditionSchema],
  { error: `Unknown condition kind. Use one of: ${CONDITION_KINDS.join(", ")}.` },
);

const logic = z.enum(["and", "or"], { error: "Use and or or." });

export const groupSchema = z.strictObject({
  logic: logic.default("and"),
  not: z.boolean({ error: "Use true or false." }).default(false),
  conditions: z
    .array(conditionSchema)
    .max(LIMITS.conditionsPerGroup, { error: `Use at most ${LIMITS.conditionsPerGroup} conditions in a group.` })
    .default([]),
});

export const scriptSchema = z.strictObject({
  version: z.literal(1, { error: "Only version 1 exists." }).optional(),
  logic: logic.default("and"),
  groups: z
    .array(groupSchema)
    .max(LIMITS.groups, { error: `Use at most ${LIMITS.groups} condition groups.` })
    .default([]),
});

const percent = z
  .number({ error: "Enter a number." })
  .min(0, { error: "Use a number from 0 to 100." })
  .max(100, { error: "Use a number from 0 to 100." })
  .refine((v) => basisPoints(v) !== null, { error: "Use at most 2 decimals." });

export const rangeSchema = z
  .strictObject({ from: percent.default(FULL_RANGE.from), to: percent.default(FULL_RANGE.to) })
  .superRefine((r, ctx) => {
    if (r.from >= r.to) ctx.addIssue({ code: "custom", path: ["to"], message: "Range to must be greater than Range from." });
  });

export const limitSchema = z
  .int({ error: "The limit must be a whole number of at least 1." })
  .min(1, { error: "The limit must be a whole number of at least 1." })
  .max(LIMITS.limit, { error: `The limit must be at most ${LIMITS.limit.toLocaleString("en-US")}.` });

/** What a selection is: a source database, a range, conditions (null = none) and an optional limit. */
export const selectionRuleSchema = z.strictObject({
  databaseId: id,
  range: rangeSchema.default(FULL_RANGE),
  conditions: scriptSchema.nullish().transform((s) => s ?? null),
  limit: limitSchema.nullish().transform((l) => l ?? null),
});

export type Script = z.output<typeof scriptSchema>;

/** A Script without conditions: the builder's start and what "Clear" leaves. */
export const emptyScript = (): Script => ({ logic: "and", groups: [] });
export type ScriptInput = z.input<typeof scriptSchema>;
export type Group = Script["groups"][number];
export type Condition = z.output<typeof conditionSchema>;
export type FieldCondition = z.output<typeof fieldConditionSchema>;
export type SubscriptionCondition = z.output<typeof subscriptionConditionSchema>;
export type InteractionCondition = z.output<typeof interactionConditionSchema>;
export type EventCondition = z.output<typeof eventConditionSchema>;
export type SegmentCondition = z.output<typeof segmentConditionSchema>;
export type PropertyFilter = z.output<typeof propertyFilterSchema>;
export type FieldValue = z.output<typeof fieldValueSchema>;
export type Count = z.output<typeof countSchema>;
export type Period = z.output<typeof periodSchema>;
export type Range = z.output<typeof rangeSchema>;
export type SelectionRule = z.output<typeof selectionRuleSchema>;
export type SelectionRuleInput = z.input<typeof selectionRuleSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** `groups[0].conditions[1].value` from zod's `["groups", 0, "conditions", 1, "value"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

const article = (expected: string) =>
  ({ string: "text", number: "a number", boolean: "true or false", array: "a list", object: "an object" })[expected] ??
  expected;

/** zod's issues as `{ path, message }` in plain English. */
export function issuesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): Issue[] {
  const issues: Issue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) issues.push({ path: formatPath([...path, key]), message: `Unknown key "${key}".` });
      continue;
    }
    let message = issue.message;
    if (issue.code === "invalid_type" && issue.input === undefined) message = "This is required.";
    else if (issue.code === "invalid_type" && message.startsWith("Invalid input")) message = `Expected ${article(issue.expected)}.`;
    issues.push({ path: formatPath(path), message });
  }
  return issues;
}

function parseWith<T extends z.ZodType>(schema: T, input: unknown, prefix: readonly PropertyKey[] = []): Parsed<z.output<T>> {
  const result = schema.safeParse(input, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: issuesFromZod(result.error, prefix) };
}

/** A Script from parsed JSON (`null`/`undefined` = no conditions). */
export function parseScript(input: unknown): Parsed<Script | null> {
  if (input === null || input === undefined) return { ok: true, value: null };
  return parseWith(scriptSchema, input);
}

/**
 * A selection rule (database, range, conditions, limit) from untrusted input. Issues are at the rule's
 * own paths — `databaseId`, `range.from`, `range.to`, `limit`, `conditions.groups[0].conditions[1].value` —
 * the same as a segment's input and an API body's: the one convention of the engine's boundary.
 */
export function parseSelectionRule(input: unknown): Parsed<SelectionRule> {
  return parseWith(selectionRuleSchema, input);
}

export type ScriptTextResult =
  | { ok: true; value: Script | null }
  | { ok: false; issues: Issue[]; syntax?: { line: number; column: number } };

/**
 * The JSON of a Script's text, not yet checked as a Script (the segment form's schema checks it as
 * the segment's `conditions`). A syntax error answers with its line and column; an empty text is `null`.
 */
export function readScriptJson(source: string): { ok: true; value: unknown } | { ok: false; issues: Issue[]; syntax: { line: number; column: number } } {
  if (source.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch {
    const located = locateJsonError(source) ?? { line: 1, column: 1, message: "This is not valid JSON." };
    return {
      ok: false,
      syntax: { line: located.line, column: located.column },
      issues: [{ path: "", message: `Line ${located.line}, column ${located.column}: ${located.message}` }],
    };
  }
}

/**
 * A Script from the JSON editor's text. A syntax error answers with its line and column; an empty
 * text means no conditions.
 */
export function parseScriptText(source: string): ScriptTextResult {
  const json = readScriptJson(source);
  return json.ok ? parseScript(json.value) : json;
}

/**
 * Validation of a parsed selection rule against what only the database knows: the source database's
 * fields and the segments that conditions refer to. Every problem comes back as `{ path, message }`;
 * a rule with problems never reaches the compiler.
 */
import type { Issue } from "@/lib/errors";
import { parseConditionDate } from "./dates";
import {
  OPERATORS_BY_TYPE,
  propertyFilterType,
  resolveField,
  SYSTEM_FIELDS,
  VALUELESS_OPERATORS,
  type FieldDefinition,
  type FieldOperator,
  type FieldType,
} from "./fields";
import { formatPath, LIMITS, parseScript, rangeSchema, type Condition, type Script, type SelectionRule } from "./script";

/** A static segment a condition refers to. */
export type StaticSegmentInfo = { id: number; name: string; databaseId: number; binned: boolean };

/** A dynamic segment a condition refers to, with its stored rule (conditions still unparsed JSON). */
export type DynamicSegmentInfo = {
  id: number;
  name: string;
  databaseId: number;
  binned: boolean;
  range: { from: number; to: number };
  conditions: unknown;
  limit: number | null;
};

export type ValidationContext = {
  /** The source database's custom fields. */
  fields: readonly FieldDefinition[];
  /**
   * The segments the rule refers to, directly or through other dynamic segments. A segment that is
   * missing here does not exist for the acting user (absent and invisible look the same).
   */
  staticSegments: ReadonlyMap<number, StaticSegmentInfo>;
  dynamicSegments: ReadonlyMap<number, DynamicSegmentInfo>;
  /** The saved segment this rule belongs to, if any, so that a reference back to it is a cycle. */
  segmentId?: number;
};

/** How many conditions a rule may expand to once referenced dynamic segments are inlined. */
export const MAX_EXPANDED_CONDITIONS = 5000;

type Path = (string | number)[];

export function validateSelection(rule: SelectionRule, ctx: ValidationContext): Issue[] {
  const issues: Issue[] = [];
  const report = (path: Path, message: string) => issues.push({ path: formatPath(path), message });
  // At the rule's paths (`conditions.groups[0].conditions[1].value`), like parseSelectionRule's.
  if (rule.conditions) validateScript(rule.conditions, ctx, ["conditions"], report, rule.databaseId);
  if (issues.length === 0 && rule.conditions && expandedSize(rule.conditions, ctx, new Set()) > MAX_EXPANDED_CONDITIONS) {
    report(["conditions"], "This selection is too complex: its segment references expand to too many conditions.");
  }
  return issues;
}

type Report = (path: Path, message: string) => void;

/**
 * The problems a Script has against a database's fields alone (unknown fields, operators and values
 * that do not suit the type, `between` with a > b): what the builder can tell at once, in the browser,
 * with the same rules the server applies. Segment references are left to the server.
 */
export function fieldIssues(script: Script, fields: readonly FieldDefinition[]): Issue[] {
  const issues: Issue[] = [];
  const report: Report = (path, message) => issues.push({ path: formatPath(path), message });
  const ctx: ValidationContext = { fields, staticSegments: new Map(), dynamicSegments: new Map() };
  script.groups.forEach((group, g) =>
    group.conditions.forEach((condition, c) => {
      if (condition.kind !== "segment") validateCondition(condition, ctx, ["groups", g, "conditions", c], report, 0);
    }),
  );
  return issues;
}

function validateScript(script: Script, ctx: ValidationContext, base: Path, report: Report, databaseId: number) {
  script.groups.forEach((group, g) =>
    group.conditions.forEach((condition, c) =>
      validateCondition(condition, ctx, [...base, "groups", g, "conditions", c], report, databaseId),
    ),
  );
}

function validateCondition(condition: Condition, ctx: ValidationContext, path: Path, report: Report, databaseId: number) {
  switch (condition.kind) {
    case "field": {
      const field = resolveField(condition.field, ctx.fields);
      if (!field) {
        report(
          [...path, "field"],
          `Unknown field "${condition.field}". Use a system field (${Object.keys(SYSTEM_FIELDS).join(", ")}) or a custom field of this database.`,
        );
        return;
      }
      checkOperatorAndValue(field.type, condition.op, condition.value, path, report, `${field.type} fields`);
      return;
    }
    case "interaction":
    case "event":
      (condition.where ?? []).forEach((filter, i) => {
        const type = propertyFilterType(filter);
        checkOperatorAndValue(type, filter.op, filter.value, [...path, "where", i], report, `${type} properties`);
      });
      return;
    case "subscription":
      return;
    case "segment": {
      const problem =
        condition.segment_type === "static"
          ? checkStaticReference(condition.segment_id, ctx, databaseId)
          : checkDynamicReference(condition.segment_id, ctx, databaseId, ctx.segmentId === undefined ? [] : [ctx.segmentId]);
      if (problem) report([...path, "segment_id"], problem);
      return;
    }
  }
}

const MISSING_SEGMENT = "This segment does not exist.";
const OTHER_DATABASE = "This segment belongs to another profile database; use segments of the same source.";
const BINNED = "This segment is in the bin. Restore it or choose another segment.";

function checkStaticReference(id: number, ctx: ValidationContext, databaseId: number): string | null {
  const segment = ctx.staticSegments.get(id);
  if (!segment) return MISSING_SEGMENT;
  if (segment.databaseId !== databaseId) return OTHER_DATABASE;
  if (segment.binned) return BINNED;
  return null;
}

/**
 * Checks a dynamic segment reference and, through it, every segment it refers to: each must exist,
 * be live, read the same database and have valid conditions, and none may lead back to a segment on
 * the way (`trail`), which would be a cycle. Segments found sound are remembered in `sound`: a
 * cycle through one of them would have been found when it was explored.
 */
function checkDynamicReference(
  id: number,
  ctx: ValidationContext,
  databaseId: number,
  trail: number[],
  sound = new Set<number>(),
): string | null {
  const name = (segmentId: number) => {
    const s = ctx.dynamicSegments.get(segmentId);
    return s ? `"${s.name}"` : `#${segmentId}`;
  };
  if (trail.includes(id)) {
    const cycle = [...trail.slice(trail.indexOf(id)), id].map(name).join(" → ");
    return `Segments may not refer to each other in a cycle: ${cycle}.`;
  }
  if (sound.has(id)) return null;
  const segment = ctx.dynamicSegments.get(id);
  if (!segment) return MISSING_SEGMENT;
  if (segment.databaseId !== databaseId) return OTHER_DATABASE;
  if (segment.binned) return BINNED;
  const range = rangeSchema.safeParse(segment.range);
  const parsed = parseScript(segment.conditions);
  if (!range.success || !parsed.ok || (segment.limit !== null && !(Number.isInteger(segment.limit) && segment.limit >= 1))) {
    return `Segment ${name(id)} has conditions that are no longer valid; open it and fix them first.`;
  }
  const inner: Issue[] = [];
  const nextTrail = [...trail, id];
  const innerCtx = { ...ctx, segmentId: undefined };
  const report: Report = (path, message) => inner.push({ path: formatPath(path), message });
  parsed.value?.groups.forEach((group, g) =>
    group.conditions.forEach((condition, c) => {
      const path: Path = ["groups", g, "conditions", c];
      if (condition.kind === "segment" && condition.segment_type === "dynamic") {
        const problem = checkDynamicReference(condition.segment_id, ctx, databaseId, nextTrail, sound);
        if (problem) report([...path, "segment_id"], problem);
      } else {
        validateCondition(condition, innerCtx, path, report, databaseId);
      }
    }),
  );
  if (inner.length === 0) {
    sound.add(id);
    return null;
  }
  const cycle = inner.find((i) => i.message.startsWith("Segments may not refer to each other"));
  if (cycle) return cycle.message;
  return `Segment ${name(id)} has a condition that is not valid (${inner[0].path}: ${inner[0].message})`;
}

/** The number of leaf conditions once every referenced dynamic segment is inlined. */
function expandedSize(script: Script, ctx: ValidationContext, seen: Set<number>): number {
  let size = 0;
  for (const group of script.groups) {
    for (const condition of group.conditions) {
      size += 1;
      if (condition.kind === "segment" && condition.segment_type === "dynamic" && !seen.has(condition.segment_id)) {
        const parsed = parseScript(ctx.dynamicSegments.get(condition.segment_id)?.conditions);
        if (parsed.ok && parsed.value) size += expandedSize(parsed.value, ctx, new Set([...seen, condition.segment_id]));
      }
      if (size > MAX_EXPANDED_CONDITIONS) return size;
    }
  }
  return size;
}

const needs = {
  text: "Enter text.",
  number: "Enter a number.",
  date: "Enter a date such as 2026-01-31 or a date-time such as 2026-01-31T12:00:00Z.",
  days: `Enter a whole number of days from 0 to ${LIMITS.days.toLocaleString("en-US")}.`,
  list: "Enter a list of values.",
  pair: "Enter two values: [from, to].",
};

/** The operator must suit the type, and the value must suit the operator. */
function checkOperatorAndValue(type: FieldType, op: FieldOperator, value: unknown, path: Path, report: Report, what: string) {
  if (!OPERATORS_BY_TYPE[type].includes(op)) {
    report([...path, "op"], `The operator "${op}" does not apply to ${what}. Use one of: ${OPERATORS_BY_TYPE[type].join(", ")}.`);
    return;
  }
  const at = [...path, "value"];
  const hasValue = value !== undefined && value !== null;
  if (VALUELESS_OPERATORS.includes(op)) {
    if (hasValue) report(at, `The operator "${op}" takes no value; remove it.`);
    return;
  }
  if (!hasValue) {
    report(at, "Enter a value.");
    return;
  }
  const single = (v: unknown, where: Path): boolean => {
    if (type === "string" && typeof v !== "string") return void report(where, needs.text), false;
    if (type === "number" && typeof v !== "number") return void report(where, needs.number), false;
    if (type === "date" && (typeof v !== "string" || parseConditionDate(v) === null)) return void report(where, needs.date), false;
    return true;
  };
  switch (op) {
    case "in":
    case "not_in":
      if (!Array.isArray(value)) return report(at, needs.list);
      if (value.length === 0) return report(at, "Add at least one value to the list.");
      value.forEach((v, i) => single(v, [...at, i]));
      return;
    case "between": {
      if (!Array.isArray(value) || value.length !== 2) return report(at, needs.pair);
      if (!single(value[0], [...at, 0]) || !single(value[1], [...at, 1])) return;
      if (type === "number" && (value[0] as number) > (value[1] as number)) {
        return report(at, "The first value must not be greater than the second.");
      }
      if (type === "date") {
        const a = parseConditionDate(value[0] as string)!;
        const b = parseConditionDate(value[1] as string)!;
        const bEnd = b.dateOnly ? b.micros + 86_400_000_000n - 1n : b.micros;
        if (a.micros > bEnd) return report(at, "The first date must not be later than the second.");
      }
      return;
    }
    case "within_last_days":
    case "within_next_days":
    case "more_than_days_ago":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > LIMITS.days) report(at, needs.days);
      return;
    default:
      if (Array.isArray(value)) return report(at, `The operator "${op}" takes a single value, not a list.`);
      single(value, at);
  }
}

/** The ids of the segments a script refers to directly. */
export function referencedSegments(script: Script | null): { static: number[]; dynamic: number[] } {
  const found = { static: new Set<number>(), dynamic: new Set<number>() };
  for (const group of script?.groups ?? []) {
    for (const condition of group.conditions) {
      if (condition.kind === "segment") found[condition.segment_type].add(condition.segment_id);
    }
  }
  return { static: [...found.static], dynamic: [...found.dynamic] };
}

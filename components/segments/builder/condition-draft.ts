import { isSystemField, OPERATORS_BY_TYPE, SYSTEM_FIELDS, VALUELESS_OPERATORS, type FieldType } from "@/lib/segments/fields";
import { conditionSchema, issuesFromZod, type Condition, type Count, type Period, type PropertyFilter } from "@/lib/segments/script";
import { fieldIssues } from "@/lib/segments/validate";
import type { Issue } from "@/lib/errors";

export type ConditionKind = Condition["kind"];

/** A condition as the dialog edits it: every input as text, converted to a Script condition on save. */
export type PropertyDraft = { property: string; type: FieldType; op: string; value: string; value2: string };
export type ConditionDraft = {
  kind: ConditionKind;
  field: string;
  op: string;
  value: string;
  value2: string;
  channel: string;
  status: string;
  type: string;
  mailingId: string;
  countOp: Count["op"];
  countValue: string;
  periodMode: "all" | "last" | "range";
  lastDays: string;
  from: string;
  to: string;
  where: PropertyDraft[];
  segmentType: "static" | "dynamic";
  segmentId: string;
  member: boolean;
};

export const emptyDraft = (kind: ConditionKind = "field"): ConditionDraft => ({
  kind,
  field: "",
  op: "",
  value: "",
  value2: "",
  channel: kind === "interaction" || kind === "subscription" ? "email" : "",
  status: "subscribed",
  type: kind === "interaction" ? "opened" : "",
  mailingId: "",
  countOp: "gte",
  countValue: "1",
  periodMode: "all",
  lastDays: "30",
  from: "",
  to: "",
  where: [],
  segmentType: "dynamic",
  segmentId: "",
  member: true,
});

const text = (v: unknown) => (v === null || v === undefined ? "" : Array.isArray(v) ? v.join("\n") : String(v));

function periodDraft(p: Period | null | undefined): Pick<ConditionDraft, "periodMode" | "lastDays" | "from" | "to"> {
  if (!p) return { periodMode: "all", lastDays: "30", from: "", to: "" };
  if (p.last_days) return { periodMode: "last", lastDays: String(p.last_days), from: "", to: "" };
  return { periodMode: "range", lastDays: "30", from: p.from ?? "", to: p.to ?? "" };
}

function valueDrafts(op: string, v: unknown): { value: string; value2: string } {
  if (op === "between" && Array.isArray(v)) return { value: text(v[0]), value2: text(v[1]) };
  return { value: text(v), value2: "" };
}

export function draftFromCondition(c: Condition): ConditionDraft {
  const d = emptyDraft(c.kind);
  switch (c.kind) {
    case "field":
      return { ...d, field: c.field, op: c.op, ...valueDrafts(c.op, c.value) };
    case "subscription":
      return { ...d, channel: c.channel, status: c.status };
    case "interaction":
    case "event":
      return {
        ...d,
        type: c.type,
        channel: c.channel ?? "",
        mailingId: c.mailing_id ? String(c.mailing_id) : "",
        countOp: c.count?.op ?? "gte",
        countValue: String(c.count?.value ?? 1),
        ...periodDraft(c.period),
        where: (c.where ?? []).map((w) => ({
          property: w.property,
          type: w.type ?? (typeof w.value === "number" ? "number" : typeof w.value === "boolean" ? "boolean" : "string"),
          op: w.op,
          ...valueDrafts(w.op, w.value),
        })),
      };
    case "segment":
      return { ...d, segmentType: c.segment_type, segmentId: String(c.segment_id), member: c.member };
  }
}

/** Field type of a key: system fields first, then the database's custom fields. */
export function fieldTypeOf(key: string, fields: { key: string; type: FieldType }[]): FieldType | undefined {
  // Not `key in SYSTEM_FIELDS`: that is true for "constructor" and other Object properties.
  if (isSystemField(key)) return SYSTEM_FIELDS[key];
  return fields.find((f) => f.key === key)?.type;
}

const DAY_OPERATORS = ["within_last_days", "within_next_days", "more_than_days_ago"];

function convertValue(type: FieldType, op: string, value: string, value2: string): unknown {
  if (VALUELESS_OPERATORS.includes(op as never)) return undefined;
  const one = (raw: string): unknown => {
    const t = raw.trim();
    if (type === "number") return t === "" ? "" : Number(t);
    return type === "date" ? t : raw;
  };
  if (DAY_OPERATORS.includes(op)) return value.trim() === "" ? "" : Number(value.trim());
  if (op === "between") return [one(value), one(value2)];
  if (op === "in" || op === "not_in")
    return value
      .split(/\r?\n|,/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => (type === "number" ? Number(s) : s));
  return one(value);
}

function periodOf(d: ConditionDraft): Period | undefined {
  if (d.periodMode === "last") return { last_days: Number(d.lastDays) } as Period;
  if (d.periodMode === "range") return { ...(d.from ? { from: d.from } : {}), ...(d.to ? { to: d.to } : {}) } as Period;
  return undefined;
}

/**
 * The draft as a Script condition, with the server's checks: the Script schema, then the rules that
 * need the field's type (e.g. "between 500 and 100"). Issues name the draft's inputs (`value`, `count.value`).
 */
export function conditionFromDraft(d: ConditionDraft, fields: { key: string; type: FieldType }[]): { ok: true; value: Condition } | { ok: false; issues: Issue[] } {
  let candidate: unknown;
  switch (d.kind) {
    case "field": {
      const type = fieldTypeOf(d.field, fields);
      if (!type) return { ok: false, issues: [{ path: "field", message: "Choose a field." }] };
      if (!OPERATORS_BY_TYPE[type].includes(d.op as never)) return { ok: false, issues: [{ path: "op", message: "Choose an operator." }] };
      const value = convertValue(type, d.op, d.value, d.value2);
      candidate = { kind: "field", field: d.field, op: d.op, ...(value === undefined ? {} : { value }) };
      break;
    }
    case "subscription":
      candidate = { kind: "subscription", channel: d.channel, status: d.status };
      break;
    case "interaction":
    case "event": {
      const where: PropertyFilter[] = d.where.map((w) => ({
        property: w.property.trim(),
        type: w.type,
        op: w.op,
        ...(VALUELESS_OPERATORS.includes(w.op as never) ? {} : { value: convertValue(w.type, w.op, w.value, w.value2) }),
      })) as PropertyFilter[];
      candidate = {
        kind: d.kind,
        type: d.kind === "event" ? d.type.trim() : d.type,
        ...(d.channel ? { channel: d.channel } : {}),
        ...(d.mailingId ? { mailing_id: Number(d.mailingId) } : {}),
        ...(d.kind === "event" && where.length ? { where } : {}),
        count: { op: d.countOp, value: d.countValue.trim() === "" ? NaN : Number(d.countValue) },
        ...(periodOf(d) ? { period: periodOf(d) } : {}),
      };
      break;
    }
    case "segment":
      if (!d.segmentId) return { ok: false, issues: [{ path: "segment_id", message: "Choose a segment." }] };
      candidate = { kind: "segment", segment_type: d.segmentType, segment_id: Number(d.segmentId), member: d.member };
      break;
  }
  const parsed = conditionSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error) };
  const problems = fieldIssues({ logic: "and", groups: [{ logic: "and", not: false, conditions: [parsed.data] }] }, fields).map((i) => ({
    ...i,
    path: i.path.replace(/^groups\[0\]\.conditions\[0\]\.?/, ""),
  }));
  return problems.length ? { ok: false, issues: problems } : { ok: true, value: parsed.data };
}

/**
 * Conditions in plain words: the builder's condition list, the condition dialog's operator names,
 * the explanation of a profile, the funnel's steps and the version diff all say the same thing.
 * Pure (no React, no database), so the engine and the components share it.
 */
import type { Condition, Count, Period, PropertyFilter } from "./script";

/** The names a description needs: field labels of the source database, mailings and segments by id. */
export type ConditionLabels = {
  databases: { id: number; fields: { key: string; label?: string }[] }[];
  mailings: { id: number; name: string }[];
  dynamicSegments: { id: number; name: string }[];
  staticSegments: { id: number; name: string }[];
};

export const operatorLabels: Record<string, string> = {
  eq: "is",
  neq: "is not",
  contains: "contains",
  not_contains: "does not contain",
  starts_with: "starts with",
  ends_with: "ends with",
  in: "is one of",
  not_in: "is none of",
  empty: "is empty",
  not_empty: "is not empty",
  gt: "is greater than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  between: "is between",
  before: "is before",
  after: "is after",
  within_last_days: "is within the last … days",
  within_next_days: "is within the next … days",
  more_than_days_ago: "is more than … days ago",
  is_true: "is true",
  is_false: "is false",
};

export const countLabels: Record<Count["op"], string> = {
  gte: "at least",
  gt: "more than",
  eq: "exactly",
  lte: "at most",
  lt: "fewer than",
};

function value(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => JSON.stringify(x)).join(", ");
  return typeof v === "string" ? `“${v}”` : String(v);
}

function fieldText(field: string, op: string, v: unknown): string {
  if (["empty", "not_empty", "is_true", "is_false"].includes(op)) return `${field} ${operatorLabels[op]}`;
  if (op === "between" && Array.isArray(v)) return `${field} is between ${value(v[0])} and ${value(v[1])}`;
  if (op === "within_last_days") return `${field} is within the last ${v} days`;
  if (op === "within_next_days") return `${field} is within the next ${v} days`;
  if (op === "more_than_days_ago") return `${field} is more than ${v} days ago`;
  return `${field} ${operatorLabels[op] ?? op} ${value(v)}`;
}

function countText(count: Count | null | undefined): string {
  if (!count) return "at least once";
  if (count.op === "eq" && count.value === 0) return "never";
  return `${countLabels[count.op]} ${count.value} time${count.value === 1 ? "" : "s"}`;
}

function periodText(period: Period | null | undefined): string {
  if (!period) return "";
  if (period.last_days) return ` in the last ${period.last_days} days`;
  if (period.from && period.to) return ` from ${period.from} to ${period.to}`;
  if (period.from) return ` since ${period.from}`;
  return ` before ${period.to}`;
}

function whereText(where: PropertyFilter[] | null | undefined): string {
  return where?.length ? ` where ${where.map((w) => fieldText(w.property, w.op, w.value)).join(" and ")}` : "";
}

/** A condition in one plain sentence, as the builder lists it. */
export function describeCondition(c: Condition, options: ConditionLabels, databaseId: number | null): string {
  switch (c.kind) {
    case "field": {
      const label = options.databases.find((d) => d.id === databaseId)?.fields.find((f) => f.key === c.field)?.label;
      return fieldText(label ?? c.field.replace(/_/g, " "), c.op, c.value);
    }
    case "subscription":
      return c.status === "none" ? `Has no ${c.channel} subscription status` : `Is ${c.status} to ${c.channel}`;
    case "interaction": {
      const mailing = c.mailing_id ? options.mailings.find((m) => m.id === c.mailing_id)?.name ?? `mailing #${c.mailing_id}` : "any mailing";
      return `${c.type[0].toUpperCase()}${c.type.slice(1)} ${c.channel ?? "any channel"} · ${mailing} · ${countText(c.count)}${periodText(c.period)}`;
    }
    case "event":
      return `Did “${c.type}”${c.channel ? ` on ${c.channel}` : ""}${whereText(c.where)} · ${countText(c.count)}${periodText(c.period)}`;
    case "segment": {
      const list = c.segment_type === "static" ? options.staticSegments : options.dynamicSegments;
      const name = list.find((s) => s.id === c.segment_id)?.name ?? `segment #${c.segment_id}`;
      return `${c.member ? "Is in" : "Is not in"} ${c.segment_type} segment “${name}”`;
    }
  }
}

/**
 * Explain's words: the evidence of a condition and the final verdict as one sentence. Pure; the
 * verdicts themselves come from the database (explain.ts).
 */
import { formatCount, formatRange } from "@/lib/format";

export type DateBounds = { from: string | null; from_inclusive: boolean; to: string | null; to_inclusive: boolean };

export type ExplainEvidence =
  | { kind: "field"; field: string; value: unknown; bounds?: DateBounds }
  | { kind: "subscription"; channel: string; status: "subscribed" | "unsubscribed" | null }
  | { kind: "events"; type: string; count: number; from: string | null; to: string | null }
  | { kind: "static_segment"; segment_id: number; name: string; wants_member: boolean; in_segment: boolean }
  | { kind: "dynamic_segment"; segment_id: number; name: string; wants_member: boolean; tree: SegmentTree };

export type ExplainedCondition = { member: boolean; label: string; evidence: ExplainEvidence };

export type ExplainedGroup = {
  member: boolean;
  logic: "and" | "or";
  not: boolean;
  /** A group without conditions: the selection ignores it. */
  ignored: boolean;
  conditions: ExplainedCondition[];
};

/** A rule evaluated for one profile: its range, groups, limit and final verdict. */
export type SegmentTree = {
  member: boolean;
  summary: string;
  range: { key: number; lo: number; hi: number; inside: boolean; from: number; to: number };
  logic: "and" | "or";
  /** Whether the profile passes the range and the conditions (before the limit). */
  matches: boolean;
  groups: ExplainedGroup[];
  /** `rank`: the profile's place among the matches in id order (null when it does not match). */
  limit: { limit: number; rank: number | null } | null;
};

export type Explanation = SegmentTree & { profile_id: number };

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${formatCount(n)}${suffix}`;
}

const shown = (value: unknown) => (typeof value === "string" ? `“${value}”` : JSON.stringify(value));

function between(from: string | null, to: string | null): string {
  if (from && to) return ` between ${from} and ${to}`;
  if (from) return ` since ${from}`;
  if (to) return ` before ${to}`;
  return " in all time";
}

/** What the evidence says, as a phrase that follows the condition's label. */
export function evidenceText(evidence: ExplainEvidence): string {
  switch (evidence.kind) {
    case "field": {
      const empty = evidence.value === null || evidence.value === undefined || evidence.value === "";
      const value = empty ? "is empty" : `is ${shown(evidence.value)}`;
      const b = evidence.bounds;
      const bounds = b ? `; the condition needs ${b.from ? `${b.from_inclusive ? "≥" : ">"} ${b.from}` : ""}${b.from && b.to ? " and " : ""}${b.to ? `${b.to_inclusive ? "≤" : "<"} ${b.to}` : ""}` : "";
      return `found ${evidence.field} ${value}${bounds}`;
    }
    case "subscription":
      return evidence.status ? `found ${evidence.channel} status ${evidence.status}` : `found no ${evidence.channel} status`;
    case "events":
      return `found ${formatCount(evidence.count)} “${evidence.type}” event${evidence.count === 1 ? "" : "s"}${between(evidence.from, evidence.to)}`;
    case "static_segment":
      return `the profile is ${evidence.in_segment ? "" : "not "}in “${evidence.name}”`;
    case "dynamic_segment":
      return `“${evidence.name}” says: ${evidence.tree.summary.replace(/\.$/, "")}`;
  }
}

const groupList = (indexes: number[]) =>
  indexes.length === 1 ? `group ${indexes[0]}` : `groups ${indexes.slice(0, -1).join(", ")} and ${indexes[indexes.length - 1]}`;

/** Why a group does not pass, in a phrase. */
function groupFailure(group: ExplainedGroup, n: number): string {
  if (group.not) {
    const held = group.conditions.filter((c) => c.member);
    const first = held[0];
    return `group ${n} is negated (not), and its conditions hold${first ? `: '${first.label}' ${evidenceText(first.evidence)}` : ""}`;
  }
  const failed = group.conditions.filter((c) => !c.member);
  const first = failed[0];
  if (!first) return `group ${n} does not pass`;
  const reason = `'${first.label}' ${evidenceText(first.evidence)}`;
  return group.logic === "or" ? `none of group ${n}'s conditions holds (${reason})` : reason;
}

/** The final verdict in one sentence, from the evaluated parts. */
export function summarize(tree: Omit<SegmentTree, "summary">): string {
  const counted = tree.groups.map((g, i) => ({ g, n: i + 1 })).filter(({ g }) => !g.ignored);
  if (!tree.range.inside) {
    const { key, lo, hi, from, to } = tree.range;
    return `Out: the range key ${key} is outside the range ${formatRange(from, to)} (${lo} ≤ key < ${hi}).`;
  }
  if (!tree.matches) {
    const failing = counted.filter(({ g }) => !g.member);
    if (tree.logic === "or" && failing.length > 1) return `Out: matches no group; ${failing.map(({ g, n }) => groupFailure(g, n)).join("; ")}.`;
    const first = failing[0];
    return first ? `Out: ${groupFailure(first.g, first.n)}.` : "Out: the conditions do not hold.";
  }
  const matched = counted.filter(({ g }) => g.member).map(({ n }) => n);
  const why =
    counted.length === 0
      ? "inside the range, with no conditions"
      : tree.logic === "and" && counted.length > 1
        ? "matches every group"
        : `matches ${groupList(matched)}`;
  if (!tree.limit) return `In: ${why}.`;
  const { limit, rank } = tree.limit;
  if (tree.member) return `In: ${why} and is ${ordinal(rank ?? 0)} of ${formatCount(limit)} under the limit.`;
  return `Out: ${why}, but is ${ordinal(rank ?? 0)} in id order, beyond the limit of ${formatCount(limit)}.`;
}

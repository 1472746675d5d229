/**
 * What changed between two definitions of a segment, in words (SPEC §6 "Compare"): the range, the
 * limit, and each group and condition added, removed or changed. A structural diff of the Script, not
 * of its text: groups and conditions are matched by content first (a longest common subsequence of
 * their normal forms, so inserting a group does not make every later group "changed"), and what is
 * left between two matches is paired by position as "changed". Conditions are described by the
 * caller's summary function, so the words are the builder's own. Pure: no database.
 */
import { normalCondition, normalizeScript, stableJson, type Definition } from "./normalize";
import { scriptSchema, type Condition, type Group } from "./script";

export type ChangeKind =
  | "range"
  | "limit"
  | "logic"
  | "group-added"
  | "group-removed"
  | "group-changed"
  | "condition-added"
  | "condition-removed"
  | "condition-changed";

export type DefinitionChange = { kind: ChangeKind; text: string };

export type DescribeCondition = (c: Condition) => string;

const percent = (v: number) => `${Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
const whole = (v: number) => v.toLocaleString("en-US");
const quote = (s: string) => `“${s}”`;

/** Indices of a longest common subsequence of two key lists, as matched pairs in order. */
function lcsPairs(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}

type Aligned = { kind: "same" | "changed"; a: number; b: number } | { kind: "added"; b: number } | { kind: "removed"; a: number };

/** Matches two lists by content, then pairs the unmatched ones between two matches by position. */
function align(a: string[], b: string[]): Aligned[] {
  const out: Aligned[] = [];
  let i = 0;
  let j = 0;
  const gap = (iEnd: number, jEnd: number) => {
    while (i < iEnd && j < jEnd) out.push({ kind: "changed", a: i++, b: j++ });
    while (i < iEnd) out.push({ kind: "removed", a: i++ });
    while (j < jEnd) out.push({ kind: "added", b: j++ });
  };
  for (const [pi, pj] of lcsPairs(a, b)) {
    gap(pi, pj);
    out.push({ kind: "same", a: i++, b: j++ });
  }
  gap(a.length, b.length);
  return out;
}

function scriptOf(conditions: unknown): { logic: "and" | "or"; groups: Group[] } {
  const parsed = scriptSchema.safeParse(conditions ?? { groups: [] });
  if (!parsed.success) return { logic: "and", groups: [] };
  return { logic: parsed.data.logic, groups: parsed.data.groups.filter((g) => g.conditions.length > 0) };
}

const conditionKey = (c: Condition) => stableJson(normalCondition(c));
const groupKey = (g: Group) => stableJson(normalizeScript({ groups: [g] }));

function listed(g: Group, describe: DescribeCondition): string {
  const joiner = g.logic === "or" ? " or " : " and ";
  return `${g.not ? "not " : ""}${g.conditions.map((c) => quote(describe(c))).join(joiner)}`;
}

function groupChanges(a: Group, b: Group, number: number, describe: DescribeCondition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  const where = `in group ${number}`;
  if (a.not !== b.not) changes.push({ kind: "group-changed", text: b.not ? `Group ${number} now excludes the profiles it matches (not)` : `Group ${number} no longer excludes the profiles it matches (not removed)` });
  if (a.logic !== b.logic && a.conditions.length > 1 && b.conditions.length > 1)
    changes.push({ kind: "group-changed", text: `Group ${number} joins its conditions with “${b.logic}” instead of “${a.logic}”` });
  for (const step of align(a.conditions.map(conditionKey), b.conditions.map(conditionKey))) {
    if (step.kind === "same") continue;
    if (step.kind === "added") changes.push({ kind: "condition-added", text: `${capital(where)}, ${quote(describe(b.conditions[step.b]))} added` });
    else if (step.kind === "removed") changes.push({ kind: "condition-removed", text: `${capital(where)}, ${quote(describe(a.conditions[step.a]))} removed` });
    else
      changes.push({
        kind: "condition-changed",
        text: `${capital(where)}, ${quote(describe(a.conditions[step.a]))} changed to ${quote(describe(b.conditions[step.b]))}`,
      });
  }
  return changes;
}

const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

/** The differences from definition `a` (older) to `b` (newer), in words; empty when they mean the same. */
export function diffDefinitions(a: Definition, b: Definition, describe: DescribeCondition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  if (Number(a.range.from) !== Number(b.range.from) || Number(a.range.to) !== Number(b.range.to))
    changes.push({ kind: "range", text: `Range ${percent(a.range.from)}–${percent(a.range.to)} % → ${percent(b.range.from)}–${percent(b.range.to)} %` });
  const sa = scriptOf(a.conditions);
  const sb = scriptOf(b.conditions);
  if (sa.logic !== sb.logic && sa.groups.length > 1 && sb.groups.length > 1)
    changes.push({ kind: "logic", text: `Groups are joined with “${sb.logic}” instead of “${sa.logic}”` });
  for (const step of align(sa.groups.map(groupKey), sb.groups.map(groupKey))) {
    if (step.kind === "same") continue;
    if (step.kind === "added") changes.push({ kind: "group-added", text: `Group ${step.b + 1} added: ${listed(sb.groups[step.b], describe)}` });
    else if (step.kind === "removed") changes.push({ kind: "group-removed", text: `Group ${step.a + 1} removed: ${listed(sa.groups[step.a], describe)}` });
    else changes.push(...groupChanges(sa.groups[step.a], sb.groups[step.b], step.b + 1, describe));
  }
  const la = a.limit ?? null;
  const lb = b.limit ?? null;
  if (la === null && lb !== null) changes.push({ kind: "limit", text: `Limit of ${whole(lb)} added` });
  else if (la !== null && lb === null) changes.push({ kind: "limit", text: `Limit of ${whole(la)} removed` });
  else if (la !== null && lb !== null && la !== lb) changes.push({ kind: "limit", text: `Limit ${whole(la)} → ${whole(lb)}` });
  return changes;
}

export type JsonDiffLine = { op: " " | "+" | "-"; text: string };

/**
 * A line diff of the two Scripts as pretty JSON (keys sorted), for the `Script` tab. Common head and
 * tail are trimmed first; a middle too large to compare line by line is shown as removed then added.
 */
export function scriptJsonDiff(a: unknown, b: unknown): JsonDiffLine[] {
  const pretty = (s: unknown) => stableJson(s ?? null, 2).split("\n");
  const la = pretty(a);
  const lb = pretty(b);
  let head = 0;
  while (head < la.length && head < lb.length && la[head] === lb[head]) head++;
  let tail = 0;
  while (tail < la.length - head && tail < lb.length - head && la[la.length - 1 - tail] === lb[lb.length - 1 - tail]) tail++;
  const ma = la.slice(head, la.length - tail);
  const mb = lb.slice(head, lb.length - tail);
  const middle: JsonDiffLine[] = [];
  if (ma.length * mb.length > 4_000_000) {
    middle.push(...ma.map((text) => ({ op: "-" as const, text })), ...mb.map((text) => ({ op: "+" as const, text })));
  } else {
    let i = 0;
    let j = 0;
    for (const [pi, pj] of lcsPairs(ma, mb)) {
      while (i < pi) middle.push({ op: "-", text: ma[i++] });
      while (j < pj) middle.push({ op: "+", text: mb[j++] });
      middle.push({ op: " ", text: ma[i] });
      i++;
      j++;
    }
    while (i < ma.length) middle.push({ op: "-", text: ma[i++] });
    while (j < mb.length) middle.push({ op: "+", text: mb[j++] });
  }
  return [...la.slice(0, head).map((text) => ({ op: " " as const, text })), ...middle, ...la.slice(la.length - tail).map((text) => ({ op: " " as const, text }))];
}

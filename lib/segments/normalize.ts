/**
 * A selection's definition in a normal form, so that two definitions compare by meaning, not by text:
 * the update log names only what really changed and a save writes a new version only when the
 * range, conditions or limit changed (SPEC §2, §6). Pure: no database.
 *
 * What the normal form forgets (each is the same selection either way): key order; defaults spelled
 * out or left out (`not: false`, `logic: "and"`, `count: gte 1`, `member: true`); absent vs `null`
 * optional filters and an empty `where`; a value on an operator that takes none (`empty`, `is_true`);
 * groups without conditions; the joining word of a group with one condition, or of a single group;
 * `version: 1`. Condition order is kept: it is what the user sees and edits.
 */
import { scriptSchema, type Condition, type Group, type PropertyFilter } from "./script";

export type Definition = { range: { from: number; to: number }; conditions: unknown; limit: number | null };

export type NormalCondition = Record<string, unknown>;
export type NormalGroup = { logic: "and" | "or"; not: boolean; conditions: NormalCondition[] };
export type NormalScript = { logic: "and" | "or"; groups: NormalGroup[] };

const VALUELESS = new Set(["empty", "not_empty", "is_true", "is_false"]);

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

function normalFilter(w: PropertyFilter): NormalCondition {
  return compact({ property: w.property, type: w.type, op: w.op, value: VALUELESS.has(w.op) ? undefined : w.value });
}

export function normalCondition(c: Condition): NormalCondition {
  switch (c.kind) {
    case "field":
      return compact({ kind: c.kind, field: c.field, op: c.op, value: VALUELESS.has(c.op) ? undefined : c.value });
    case "subscription":
      return { kind: c.kind, channel: c.channel, status: c.status };
    case "segment":
      return { kind: c.kind, segment_type: c.segment_type, segment_id: c.segment_id, member: c.member };
    case "interaction":
    case "event": {
      const count = c.count && !(c.count.op === "gte" && c.count.value === 1) ? c.count : undefined;
      const where = c.where?.length ? c.where.map(normalFilter) : undefined;
      const period = c.period ? compact({ ...c.period }) : undefined;
      return compact({ kind: c.kind, type: c.type, channel: c.channel, mailing_id: c.mailing_id, where, count, period });
    }
  }
}

function normalGroup(g: Group): NormalGroup {
  const conditions = g.conditions.map(normalCondition);
  return { logic: conditions.length > 1 ? g.logic : "and", not: g.not, conditions };
}

/**
 * A Script (stored or sent) in normal form; `null` when it selects without filtering (absent, null,
 * or no group with a condition). A Script that does not parse is kept as it is, so it still compares.
 */
export function normalizeScript(input: unknown): NormalScript | null | { invalid: unknown } {
  if (input === null || input === undefined) return null;
  const parsed = scriptSchema.safeParse(input);
  if (!parsed.success) return { invalid: input };
  const groups = parsed.data.groups.filter((g) => g.conditions.length > 0).map(normalGroup);
  if (!groups.length) return null;
  return { logic: groups.length > 1 ? parsed.data.logic : "and", groups };
}

/** JSON with object keys sorted, so equal values give equal text. */
export function stableJson(value: unknown, indent?: number): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value), null, indent);
}

export const sameConditions = (a: unknown, b: unknown) => stableJson(normalizeScript(a)) === stableJson(normalizeScript(b));
export const sameRange = (a: Definition["range"], b: Definition["range"]) => Number(a.from) === Number(b.from) && Number(a.to) === Number(b.to);
export const sameLimit = (a: number | null | undefined, b: number | null | undefined) => (a ?? null) === (b ?? null);

/** Which parts of the definition differ by meaning, in the order the update log names them. */
export function changedDefinitionParts(a: Definition, b: Definition): ("range" | "conditions" | "limit")[] {
  const parts: ("range" | "conditions" | "limit")[] = [];
  if (!sameRange(a.range, b.range)) parts.push("range");
  if (!sameConditions(a.conditions, b.conditions)) parts.push("conditions");
  if (!sameLimit(a.limit, b.limit)) parts.push("limit");
  return parts;
}

/**
 * A small in-memory evaluator of SPEC §2, written independently of the compiler, for tests only: the
 * property tests assert that the compiled SQL selects exactly the ids this evaluator selects.
 *
 * It follows the contract's words directly (and the engine's documented choices where SPEC leaves a
 * detail open: see docs/selection-sql.md): empty = missing, null or ""; negative operators are the
 * complements of their positive partners; a date-only value is its whole UTC day; `last_days` ends now;
 * `from`/`to` is half-open; an empty group is ignored.
 */
import { createHash } from "node:crypto";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type RefProfile = {
  id: number;
  databaseId: number;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  created_at: string; // ISO instant
  updated_at: string;
  fields: Record<string, Json>;
  subscriptions: { email: string | null; sms: string | null; push: string | null };
};

export type RefEvent = {
  profileId: number;
  channel: string;
  type: string;
  mailingId: number | null;
  occurredAt: string; // ISO instant
  properties: Record<string, Json> | null;
};

export type RefRule = { databaseId: number; range: { from: number; to: number }; conditions: Json; limit: number | null };

export type RefWorld = {
  profiles: RefProfile[];
  events: RefEvent[];
  /** Declared custom fields of each database. */
  fields: Map<number, Map<string, "string" | "number" | "date" | "boolean">>;
  staticMembers: Map<number, Set<number>>;
  dynamicSegments: Map<number, RefRule>;
};

const DAY_US = 86_400_000_000;

/** The documented range key: the first 8 hex digits of md5(decimal id) as an unsigned integer. */
export function referenceRangeKey(id: number): number {
  return parseInt(createHash("md5").update(String(id)).digest("hex").slice(0, 8), 16);
}

function inRange(id: number, range: { from: number; to: number }): boolean {
  // Basis points as integers, then floor(bp · 2^32 / 10000), exactly; 2^32 · 10000 < 2^53.
  const bound = (percent: number) => Math.floor((Math.round(percent * 100) * 4294967296) / 10000);
  const key = referenceRangeKey(id);
  return bound(range.from) <= key && key < bound(range.to);
}

/** Microseconds since the epoch of an ISO date or date-time, or null; `dateOnly` when it is a day. */
export function referenceInstant(text: unknown): { us: number; dateOnly: boolean } | null {
  if (typeof text !== "string") return null;
  const m =
    /^(\d\d\d\d)-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?(Z|([+-])(\d\d)(?::?(\d\d))?)?)?$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h = "0", mi = "0", s = "0"] = [m[1], m[2], m[3], m[4], m[5], m[6]];
  const nums = [y, mo, d, h, mi, s].map(Number);
  if (nums[1] < 1 || nums[1] > 12 || nums[2] < 1 || nums[3] > 23 || nums[4] > 59 || nums[5] > 59 || nums[0] < 1) return null;
  const probe = new Date(Date.UTC(2000, nums[1] - 1, nums[2]));
  probe.setUTCFullYear(nums[0]);
  if (probe.getUTCDate() !== nums[2]) return null; // e.g. 30 February
  if (m[10] && Number(m[10]) > 23) return null;
  if (m[11] && Number(m[11]) > 59) return null;
  const day = new Date(0);
  day.setUTCFullYear(nums[0], nums[1] - 1, nums[2]);
  day.setUTCHours(nums[3], nums[4], nums[5]);
  let us = day.getTime() * 1000 + Number((m[7] ?? "").padEnd(6, "0") || 0);
  if (m[9]) us -= (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0)) * 60_000_000;
  return { us, dateOnly: m[4] === undefined };
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === "";

type Obj = { [key: string]: Json };
const obj = (v: Json | undefined): Obj => (v && typeof v === "object" && !Array.isArray(v) ? v : {});
const arr = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

/** One comparison of SPEC §2 on a raw value of a given type. */
function compare(type: string, op: string, raw: unknown, value: Json | undefined, nowUs: number): boolean {
  const negatives: Record<string, string> = { neq: "eq", not_contains: "contains", not_in: "in", not_empty: "empty" };
  if (negatives[op]) return !compare(type, negatives[op], raw, value, nowUs);
  if (op === "empty") return isEmpty(raw);
  if (isEmpty(raw)) return false; // a positive operator never matches an empty value
  if (type === "string") {
    const s = typeof raw === "string" ? raw : String(raw);
    const lower = s.toLowerCase();
    const v = typeof value === "string" ? value.toLowerCase() : "";
    if (op === "eq") return s === value;
    if (op === "in") return arr(value).includes(s);
    if (op === "contains") return lower.includes(v);
    if (op === "starts_with") return lower.startsWith(v);
    if (op === "ends_with") return lower.endsWith(v);
  }
  if (type === "number") {
    if (typeof raw !== "number") return false;
    const [a, b] = arr(value) as number[];
    if (op === "eq") return raw === value;
    if (op === "gt") return raw > (value as number);
    if (op === "gte") return raw >= (value as number);
    if (op === "lt") return raw < (value as number);
    if (op === "lte") return raw <= (value as number);
    if (op === "between") return a <= raw && raw <= b;
    if (op === "in") return arr(value).includes(raw);
  }
  if (type === "date") {
    const t = referenceInstant(raw)?.us;
    if (t === undefined) return false;
    const days = (typeof value === "number" ? value : 0) * DAY_US;
    const v = referenceInstant(value);
    if (op === "eq") return v!.dateOnly ? v!.us <= t && t < v!.us + DAY_US : t === v!.us;
    if (op === "before") return t < v!.us;
    if (op === "after") return v!.dateOnly ? t >= v!.us + DAY_US : t > v!.us;
    if (op === "between") {
      const [a, b] = arr(value).map(referenceInstant);
      return t >= a!.us && (b!.dateOnly ? t < b!.us + DAY_US : t <= b!.us);
    }
    if (op === "within_last_days") return nowUs - days <= t && t <= nowUs;
    if (op === "within_next_days") return nowUs <= t && t <= nowUs + days;
    if (op === "more_than_days_ago") return t < nowUs - days;
  }
  if (type === "boolean") {
    if (op === "is_true") return raw === true;
    if (op === "is_false") return raw === false;
  }
  throw new Error(`reference: ${type} ${op} not handled`);
}

function impliedPropertyType(filter: Obj): string {
  if (typeof filter.type === "string") return filter.type;
  const op = String(filter.op);
  const sample = Array.isArray(filter.value) ? filter.value[0] : filter.value;
  if (op === "is_true" || op === "is_false") return "boolean";
  if (["gt", "gte", "lt", "lte"].includes(op)) return "number";
  if (["before", "after", "within_last_days", "within_next_days", "more_than_days_ago"].includes(op)) return "date";
  if (op === "between") return typeof sample === "string" ? "date" : "number";
  return typeof sample === "number" ? "number" : "string";
}

export function evaluateReference(world: RefWorld, rule: RefRule, now: Date): number[] {
  const nowUs = now.getTime() * 1000;
  const dynamicCache = new Map<number, Set<number>>();
  const eventsOf = new Map<number, RefEvent[]>();
  for (const e of world.events) eventsOf.set(e.profileId, [...(eventsOf.get(e.profileId) ?? []), e]);

  const select = (r: RefRule): number[] => {
    const fields = world.fields.get(r.databaseId) ?? new Map();
    const ids = world.profiles
      .filter((p) => p.databaseId === r.databaseId && inRange(p.id, r.range) && matchesScript(p, r.conditions, fields))
      .map((p) => p.id)
      .sort((a, b) => a - b);
    return r.limit === null ? ids : ids.slice(0, r.limit);
  };

  const matchesScript = (p: RefProfile, script: Json, fields: Map<string, string>): boolean => {
    if (script === null) return true;
    const groups = arr(obj(script).groups).map(obj).filter((g) => arr(g.conditions).length > 0);
    if (groups.length === 0) return true;
    const results = groups.map((g) => {
      const values = arr(g.conditions).map((c) => matchesCondition(p, obj(c), fields));
      const joined = g.logic === "or" ? values.some(Boolean) : values.every(Boolean);
      return g.not === true ? !joined : joined;
    });
    return obj(script).logic === "or" ? results.some(Boolean) : results.every(Boolean);
  };

  const matchesCondition = (p: RefProfile, c: Obj, fields: Map<string, string>): boolean => {
    switch (c.kind) {
      case "field": {
        const key = String(c.field);
        const system: Record<string, [string, unknown]> = {
          id: ["number", p.id],
          email: ["string", p.email],
          phone: ["string", p.phone],
          first_name: ["string", p.first_name],
          last_name: ["string", p.last_name],
          created_at: ["date", p.created_at],
          updated_at: ["date", p.updated_at],
        };
        const [type, raw] = system[key] ?? [fields.get(key), p.fields[key]];
        return compare(type, String(c.op), raw, c.value, nowUs);
      }
      case "subscription": {
        const status = p.subscriptions[c.channel as "email" | "sms" | "push"];
        return c.status === "none" ? status === null : status === c.status;
      }
      case "interaction":
      case "event": {
        const period = c.period ? obj(c.period) : null;
        const n = (eventsOf.get(p.id) ?? []).filter((e) => {
          if (e.type !== c.type) return false;
          if (c.channel && e.channel !== c.channel) return false;
          if (c.mailing_id && e.mailingId !== c.mailing_id) return false;
          const t = referenceInstant(e.occurredAt)!.us;
          if (period && typeof period.last_days === "number" && !(nowUs - period.last_days * DAY_US <= t && t <= nowUs)) return false;
          if (period && period.from !== undefined && t < referenceInstant(period.from)!.us) return false;
          if (period && period.to !== undefined && t >= referenceInstant(period.to)!.us) return false;
          return arr(c.where).every((f) => {
            const filter = obj(f);
            return compare(impliedPropertyType(filter), String(filter.op), (e.properties ?? {})[String(filter.property)], filter.value, nowUs);
          });
        }).length;
        const count = c.count ? obj(c.count) : { op: "gte", value: 1 };
        const v = count.value as number;
        return { eq: n === v, gte: n >= v, lte: n <= v, gt: n > v, lt: n < v }[count.op as "eq"];
      }
      case "segment": {
        const id = c.segment_id as number;
        let members: Set<number>;
        if (c.segment_type === "static") members = world.staticMembers.get(id) ?? new Set();
        else {
          if (!dynamicCache.has(id)) dynamicCache.set(id, new Set(select(world.dynamicSegments.get(id)!)));
          members = dynamicCache.get(id)!;
        }
        return members.has(p.id) === (c.member !== false);
      }
    }
    throw new Error(`reference: unknown condition ${JSON.stringify(c)}`);
  };

  return select(rule);
}

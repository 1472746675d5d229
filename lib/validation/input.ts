/**
 * What every input must be before it reaches SQL (SPEC §5: never a 500 for what a client sent):
 * ids fit PostgreSQL's `integer`; text holds no NUL (PostgreSQL text and jsonb cannot store it) and no
 * lone UTF-16 surrogate (not valid Unicode, so it cannot be encoded as UTF-8); JSON is at most
 * MAX_JSON_DEPTH levels deep (deeper values overflow the stack of recursive code, ours or a library's)
 * and has no `__proto__` key (which plain objects silently drop). Client-safe: forms use it too.
 */
import { z } from "zod";
import type { Issue } from "@/lib/errors";

/** The largest PostgreSQL `integer` (int4); every id column and id parameter is one. */
export const MAX_ID = 2_147_483_647;
export const MAX_JSON_DEPTH = 32;

/** A positive id that fits an `integer` column; `message` says what to give. */
export function idSchema(message = "Enter a whole number of at least 1.") {
  return z
    .int({ error: message })
    .min(1, { error: message })
    .max(MAX_ID, { error: `Use a whole number up to ${MAX_ID.toLocaleString("en-US")}.` });
}

/** An id from a query string or form field (text), with the same bounds. */
export function coercedIdSchema(message = "Enter a whole number of at least 1.") {
  return z.coerce
    .number({ error: message })
    .int({ error: message })
    .min(1, { error: message })
    .max(MAX_ID, { error: `Use a whole number up to ${MAX_ID.toLocaleString("en-US")}.` });
}

/** Why a text cannot be stored, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "Text cannot contain the NUL character (\\u0000).";
  if (!text.isWellFormed()) return "Text contains an invalid character (a lone UTF-16 surrogate).";
  return null;
}

/**
 * `z.string()` that refuses NUL and lone surrogates. Use it for every text input; further checks
 * (`.trim()`, `.max()`, …) chain as usual.
 */
export function storableText(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).check((ctx) => {
    const problem = textProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value, continue: false });
  });
}

/** `["events", 3, "properties", "a b"]` → `events[3].properties["a b"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(part))) out += out ? `.${String(part)}` : String(part);
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

/**
 * The problems of a parsed JSON value that no schema should have to think of: nesting deeper than
 * `maxDepth`, `__proto__` keys, NUL or lone surrogates in keys and strings, non-finite numbers.
 * Iterative (an explicit stack), so a hostile depth cannot overflow it; reports at most `maxIssues`.
 */
export function jsonProblems(value: unknown, opts: JsonProblemOptions = {}): Issue[] {
  return jsonProblemsAt(value, opts).map((p) => ({ path: jsonPath(p.path), message: p.message }));
}

type JsonProblemOptions = { maxDepth?: number; prefix?: readonly PropertyKey[]; maxIssues?: number };

function jsonProblemsAt(value: unknown, opts: JsonProblemOptions): { path: PropertyKey[]; message: string }[] {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const maxIssues = opts.maxIssues ?? 20;
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [...(opts.prefix ?? [])] }];
  const base = stack[0].path.length;
  while (stack.length && issues.length < maxIssues) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) issues.push({ path, message: problem });
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) issues.push({ path, message: "Expected a finite number." });
    } else if (v && typeof v === "object") {
      if (path.length - base >= maxDepth) {
        issues.push({ path, message: `This is nested too deeply; use at most ${maxDepth} levels.` });
        continue;
      }
      const entries: [PropertyKey, unknown][] = Array.isArray(v) ? v.map((item, i) => [i, item]) : Object.keys(v).map((k) => [k, (v as Record<string, unknown>)[k]]);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i];
        if (typeof key === "string") {
          if (key === "__proto__") {
            issues.push({ path: [...path, key], message: "Unknown key." });
            continue;
          }
          const problem = textProblem(key);
          if (problem) {
            issues.push({ path: [...path, key], message: `Key: ${problem}` });
            continue;
          }
        }
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return issues;
}

/**
 * A free-form JSON object (event properties): bounded in depth, with storable keys and strings. Checked
 * before anything walks it recursively.
 */
export function jsonObjectSchema(message = "Expected an object.") {
  return recordSchema(z.unknown(), message).check((ctx) => {
    for (const issue of jsonProblemsAt(ctx.value, {})) {
      ctx.issues.push({ code: "custom", message: issue.message, input: ctx.value, path: issue.path, continue: false });
    }
  });
}

/** A record's own keys, `__proto__` included: `z.record` drops that key, so it is refused here first. */
export function hasProtoKey(value: unknown): boolean {
  return !!value && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, "__proto__");
}

/**
 * `z.record(storableText(), value)` that refuses a `__proto__` key as unknown: `z.record` builds a plain object,
 * where that key would silently disappear instead of being reported.
 */
export function recordSchema<V extends z.ZodType>(value: V, message = "Expected an object.") {
  return z
    .unknown()
    .check((ctx) => {
      if (hasProtoKey(ctx.value)) ctx.issues.push({ code: "custom", path: ["__proto__"], message: "Unknown key.", input: ctx.value });
    })
    .pipe(z.record(storableText(), value, { error: message }));
}

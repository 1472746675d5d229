import { z } from "zod";
import type { FieldTypeName } from "@/lib/databases/schema";
import { formatInstant, parseIsoDate } from "@/lib/segments/dates";
import { textProblem } from "@/lib/validation/input";

/**
 * How a custom field's value is checked and stored, whether it arrives as JSON (API) or as CSV text.
 * Stored forms: string as given; number as a finite JSON number; boolean as a JSON boolean; date as
 * ISO text — `YYYY-MM-DD` for a date, `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC) for a date-time.
 */

export const MAX_STRING_LENGTH = 1000;

export type FieldValue = string | number | boolean;
export type Converted = { ok: true; value: FieldValue } | { ok: false; message: string };

/**
 * An ISO date or date-time (the grammar of lib/segments/dates.ts, around spaces aside) in its stored
 * form, or null. A date-time without an offset is read as UTC, so the same file means the same instants
 * whichever server imports it; it is stored in UTC to the millisecond. An instant whose UTC form would
 * leave the years 0001–9999 (9999-12-31T23:00-05:00) has no stored form the engine could read: null.
 */
export function normalizeIsoDate(text: string): string | null {
  const trimmed = text.trim();
  const parsed = parseIsoDate(trimmed);
  if (!parsed) return null;
  if (parsed.dateOnly) return trimmed;
  const iso = formatInstant(parsed.micros, "millis");
  return parseIsoDate(iso) ? iso : null;
}

/** An instant for a timestamp column (`created_at`): a date alone means its UTC midnight. */
export function toTimestamp(text: string): string | null {
  const iso = normalizeIsoDate(text);
  if (!iso) return null;
  return iso.length === 10 ? `${iso}T00:00:00.000Z` : iso;
}

const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);

/** A JSON value for a field of `type` (API input). */
export function checkJsonFieldValue(type: FieldTypeName, value: unknown): Converted {
  switch (type) {
    case "string":
      if (typeof value !== "string") return { ok: false, message: "Expected text." };
      if (value.length > MAX_STRING_LENGTH) return { ok: false, message: `Text is longer than ${MAX_STRING_LENGTH} characters.` };
      if (textProblem(value)) return { ok: false, message: textProblem(value)! };
      return { ok: true, value };
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return { ok: false, message: "Expected a number." };
      return { ok: true, value };
    case "boolean":
      if (typeof value !== "boolean") return { ok: false, message: "Expected true or false." };
      return { ok: true, value };
    case "date": {
      const iso = typeof value === "string" ? normalizeIsoDate(value) : null;
      if (!iso) return { ok: false, message: "Expected an ISO date (2026-01-31) or date-time (2026-01-31T09:30:00Z)." };
      return { ok: true, value: iso };
    }
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const TRUE_WORDS = new Set(["true", "yes", "1"]);
const FALSE_WORDS = new Set(["false", "no", "0"]);

/** A CSV cell (already known not to be empty) for a field of `type`. */
export function parseTextFieldValue(type: FieldTypeName, text: string): Converted {
  switch (type) {
    case "string":
      if (text.length > MAX_STRING_LENGTH) return { ok: false, message: `${quote(text)} is longer than ${MAX_STRING_LENGTH} characters` };
      if (textProblem(text)) return { ok: false, message: textProblem(text)! };
      return { ok: true, value: text };
    case "number": {
      const n = DECIMAL.test(text) ? Number(text) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `${quote(text)} is not a number` };
    }
    case "boolean": {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, message: `${quote(text)} is not true or false` };
    }
    case "date": {
      const iso = normalizeIsoDate(text);
      return iso ? { ok: true, value: iso } : { ok: false, message: `${quote(text)} is not an ISO date (2026-01-31) or date-time` };
    }
  }
}

const emailSchema = z.email();
export const isEmail = (text: string) => emailSchema.safeParse(text).success;

export { quote as quoteForMessage };

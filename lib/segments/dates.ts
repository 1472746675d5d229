/**
 * The one ISO 8601 subset of the app: date fields (API, CSV import), date conditions and event periods
 * accept it, and the SQL function `segment_instant(text)` (drizzle/0001) reads stored values with the
 * same grammar, so the engine and the database agree on what is a date and on its instant:
 *   `YYYY-MM-DD`                                     a whole UTC day (years 0001–9999)
 *   `YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|±HH[[:]MM]]` an instant; no offset means UTC
 * Case matters (`T` and `Z` upper case, as PostgreSQL's regular expression has them), fractions have at
 * most 6 digits (microseconds, PostgreSQL's precision), impossible days (2023-02-29) are not dates.
 * `dates.property.test.ts` checks on both databases that the two accept the same strings with the same value.
 */
const ISO_DATE =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(\.\d{1,6})?)?(Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?$/;

export const MICROS_PER_DAY = 86_400_000_000n;

/** A parsed date value: its first instant in microseconds since the Unix epoch (UTC). */
export type ParsedDate = { dateOnly: boolean; micros: bigint };

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses an ISO date or date-time; `null` when the text is not one (including impossible days). */
export function parseIsoDate(text: string): ParsedDate | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1 || day > daysInMonth(year, month)) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), 0);
  let micros = BigInt(date.getTime()) * 1000n;
  if (frac) micros += BigInt(frac.slice(1).padEnd(6, "0"));
  if (offset && offset !== "Z") {
    const sign = offset[0] === "-" ? -1n : 1n;
    const digits = offset.slice(1).replace(":", "");
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
    micros -= sign * minutes * 60_000_000n;
  }
  return { dateOnly: h === undefined, micros };
}

/**
 * An instant as an ISO string in UTC: to the microsecond, which PostgreSQL reads without loss, or to
 * the millisecond (the stored form of date-time fields, as `Date#toISOString` writes it).
 */
export function formatInstant(micros: bigint, precision: "micros" | "millis" = "micros"): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  if (precision === "millis") return iso;
  return `${iso.slice(0, 23)}${(micros - ms * 1000n).toString().padStart(3, "0")}Z`;
}

/** Years a condition value may use: the engine adds up to a day to them and PostgreSQL prints 4 digits. */
const LAST_CONDITION_YEAR = 9998;

/** A date value written in a condition or period (a stored value may use any year from 1 to 9999). */
export function parseConditionDate(text: string): ParsedDate | null {
  const parsed = parseIsoDate(text);
  return parsed && Number(text.slice(0, 4)) <= LAST_CONDITION_YEAR ? parsed : null;
}

export function dateToMicros(date: Date): bigint {
  return BigInt(date.getTime()) * 1000n;
}

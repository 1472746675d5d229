import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import type { FieldOperator } from "./fields";
import { fieldPredicate, jsonValueSource, type ValueSource } from "./compile-field";
import { formatInstant, MICROS_PER_DAY, parseIsoDate } from "./dates";
import { toSql } from "./predicate";

/**
 * A date condition on a stored text first tests the text's day against a window two days around its
 * bounds (compile-field.ts `dayWindow`), so that only values near them are parsed. The window must
 * never reject a value the condition accepts: stored values at and around every bound, written with
 * the largest offsets the grammar allows, get the same verdict with and without it.
 */
const now = parseIsoDate("2026-03-01T12:00:00Z")!.micros;
const MINUTE = 60_000_000n;
const HOUR = 60n * MINUTE;

/** `micros` written in UTC offset `minutes` (text as stored: local time then the offset). */
function written(micros: bigint, minutes: number): string {
  const local = formatInstant(micros + BigInt(minutes) * MINUTE).slice(0, 26);
  if (minutes === 0) return `${local}Z`;
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

const conditions: { op: FieldOperator; value: unknown }[] = [
  { op: "eq", value: "2026-02-10" },
  { op: "eq", value: "2026-02-10T08:30:00Z" },
  { op: "before", value: "2026-02-10" },
  { op: "after", value: "2026-02-10" },
  { op: "after", value: "2026-02-10T08:30:00Z" },
  { op: "between", value: ["2026-02-01", "2026-02-10"] },
  { op: "within_last_days", value: 30 },
  { op: "within_next_days", value: 7 },
  { op: "more_than_days_ago", value: 90 },
  { op: "neq", value: "2026-02-10" },
];

function storedValues(): string[] {
  const bounds = [parseIsoDate("2026-02-01")!.micros, parseIsoDate("2026-02-10")!.micros, parseIsoDate("2026-02-11")!.micros, parseIsoDate("2026-02-10T08:30:00Z")!.micros, now, now - 30n * MICROS_PER_DAY, now + 7n * MICROS_PER_DAY, now - 90n * MICROS_PER_DAY];
  const shifts = [0n, 1n, -1n, MINUTE, -MINUTE, HOUR, -HOUR, 23n * HOUR + 59n * MINUTE, -(23n * HOUR + 59n * MINUTE), MICROS_PER_DAY, -MICROS_PER_DAY, 2n * MICROS_PER_DAY, -2n * MICROS_PER_DAY, 3n * MICROS_PER_DAY, -3n * MICROS_PER_DAY];
  const offsets = [0, 23 * 60 + 59, -(23 * 60 + 59), 330, -570];
  const values = new Set<string>(["2026-02-10", "2026-02-09", "2026-02-11", "2026-02-08", "2026-02-12", "not a date", "2026-02-10 junk", ""]);
  for (const b of bounds) for (const s of shifts) for (const o of offsets) values.add(written(b + s, o));
  return [...values];
}

describe("the day window of date conditions on stored text", () => {
  it("never changes a verdict: values at and around every bound, in the largest offsets", async () => {
    const db = await getDb();
    const values = storedValues();
    const source = jsonValueSource(sql.raw("x.f"), "d");
    const { day: _day, ...withoutWindow } = source;
    let compared = 0;
    for (const { op, value } of conditions) {
      const windowed = toSql(fieldPredicate("date", op, value, source, now, false));
      const plain = toSql(fieldPredicate("date", op, value, withoutWindow as ValueSource, now, false));
      const negated = toSql(fieldPredicate("date", op, value, source, now, true));
      const rows = await queryRows<{ v: string; windowed: boolean; plain: boolean; negated: boolean }>(
        db,
        sql`select x.f ->> 'd' as v, (${windowed}) is true as windowed, (${plain}) is true as plain, (${negated}) is true as negated
            from (select jsonb_build_object('d', v) as f from jsonb_array_elements_text(${JSON.stringify(values)}::jsonb) v) x`,
      );
      expect(rows).toHaveLength(values.length);
      for (const row of rows) {
        expect({ op, value, v: row.v, verdict: row.windowed }).toEqual({ op, value, v: row.v, verdict: row.plain });
        expect({ op, value, v: row.v, negated: row.negated }).toEqual({ op, value, v: row.v, negated: !row.plain });
      }
      compared += rows.filter((r) => r.plain).length;
    }
    // The sweep is not vacuous: many values are accepted, and many lie just outside a window.
    expect(compared).toBeGreaterThan(200);
  });

  it("tests the day only for values stored as text, with both bounds when the condition has them", () => {
    const within = toSql(fieldPredicate("date", "within_last_days", 30, jsonValueSource(sql.raw("x.f"), "d"), now, false));
    const text = JSON.stringify(within);
    expect(text).toContain("left(");
    expect(text).toContain('collate \\"C\\" >=');
    expect(text).toContain('collate \\"C\\" <=');
  });
});

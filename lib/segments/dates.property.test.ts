import fc from "fast-check";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { fcSeed } from "@/lib/fuzz/seed";
import { normalizeIsoDate } from "@/lib/profiles/values";
import { parseIsoDate } from "./dates";

const SEED = fcSeed("dates.property");

// Strings near the grammar, so that most cases test a boundary of it: each part is mostly valid and
// sometimes just out of range, too short or too long, in the wrong case or form.
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const pad = (width: number) => (n: number) => String(n).padStart(width, "0");
const part = (valid: fc.Arbitrary<string>, invalid: fc.Arbitrary<string>) => fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const field = (min: number, max: number, width = 2) =>
  part(fc.integer({ min, max }).map(pad(width)), fc.oneof(fc.constantFrom(max + 1, Math.max(0, min - 1), 10 ** width - 1).map(pad(width)), digits(0, width + 1)));
const year = part(fc.oneof(fc.constantFrom("0001", "1900", "2000", "2023", "2024", "2100", "9999"), field(1, 9999, 4)), fc.constantFrom("0000", "202", "20245"));
const day = fc.oneof(field(1, 28), fc.constantFrom("29", "30", "31"), field(0, 32));
const fraction = part(fc.oneof(fc.constant(""), digits(1, 6).map((d) => `.${d}`)), fc.constantFrom(".", ".1234567", ".123456789", ",5"));
const seconds = fc.oneof(fc.constant(""), fc.tuple(fc.constant(":"), field(0, 59), fraction).map((p) => p.join("")));
const offset = part(
  fc.oneof(fc.constantFrom("", "Z"), fc.tuple(fc.constantFrom("+", "-"), field(0, 23), fc.oneof(fc.constant(""), fc.tuple(fc.constantFrom("", ":"), field(0, 59)).map((p) => p.join("")))).map((p) => p.join(""))),
  fc.constantFrom("z", "+", "UTC", "+2:00", "+24", "+05:60", "+05:3"),
);
const time = fc.tuple(part(fc.constantFrom("T", " "), fc.constantFrom("t", "_", "")), field(0, 23), part(fc.constant(":"), fc.constant("")), field(0, 59), seconds, offset);
const isoLike = fc.tuple(year, fc.constant("-"), field(1, 12), fc.constant("-"), day, fc.oneof(fc.constant(""), time.map((p) => p.join("")))).map((p) => p.join(""));
// PostgreSQL text cannot hold NUL; anything else goes.
const anything = fc.string({ maxLength: 30 }).filter((s) => !s.includes("\0"));
const candidate = fc.oneof({ weight: 9, arbitrary: isoLike }, { weight: 1, arbitrary: anything });

/** segment_instant(v) for each value, as microseconds since the epoch (text), NULL where it reads none. */
async function sqlInstants(values: string[]): Promise<(string | null)[]> {
  const db = await getDb();
  const rows = await queryRows<{ micros: string | null }>(
    db,
    sql`select (extract(epoch from segment_instant(v)) * 1000000)::bigint::text as micros
        from unnest(array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]) with ordinality as t(v, i) order by i`,
  );
  return rows.map((r) => r.micros);
}

describe("one ISO date grammar in TypeScript and in SQL", () => {
  it("parseIsoDate and segment_instant accept the same strings and agree on their instant", async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(candidate, { minLength: 20, maxLength: 40 }), async (values) => {
        const fromSql = await sqlInstants(values);
        const fromTs = values.map((v) => parseIsoDate(v)?.micros.toString() ?? null);
        expect(values.map((v, i) => [v, fromTs[i]])).toEqual(values.map((v, i) => [v, fromSql[i]]));
        for (const micros of fromTs) {
          if (micros === null) rejected++;
          else accepted++;
        }
      }),
      { seed: SEED, numRuns: 60, endOnFailure: true },
    );
    // The generator must reach both sides of the grammar, or agreement proves little.
    expect(accepted).toBeGreaterThan(0.25 * (accepted + rejected));
    expect(rejected).toBeGreaterThan(0.25 * (accepted + rejected));
  });

  it("a stored field value (normalizeIsoDate) is in the grammar, at the instant that was written (to the millisecond)", () => {
    fc.assert(
      fc.property(candidate, fc.constantFrom("", " ", "\t"), (value, pad) => {
        const stored = normalizeIsoDate(`${pad}${value}${pad}`);
        const written = parseIsoDate(value);
        if (stored === null) {
          // Refused: not in the grammar, or an instant outside the years 0001–9999 in UTC.
          if (written && !written.dateOnly) expect(new Date(Number(written.micros / 1000n)).toISOString()).not.toMatch(/^\d{4}-/);
          else expect(written).toBeNull();
          return;
        }
        const reread = parseIsoDate(stored);
        expect(reread, stored).not.toBeNull();
        expect(reread!.dateOnly).toBe(written!.dateOnly);
        expect(reread!.micros).toBe(written!.micros - (((written!.micros % 1000n) + 1000n) % 1000n));
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("refuses date-times whose UTC instant leaves the years 0001–9999 (the engine could not read them back)", async () => {
    for (const text of ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"]) {
      expect(parseIsoDate(text), text).not.toBeNull();
      expect(normalizeIsoDate(text), text).toBeNull();
    }
    expect(normalizeIsoDate("9999-12-31T23:00:00+05:00")).toBe("9999-12-31T18:00:00.000Z");
    expect(normalizeIsoDate("0001-01-01T00:30:00-01:00")).toBe("0001-01-01T01:30:00.000Z");
  });
});

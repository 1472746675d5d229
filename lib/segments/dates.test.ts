import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { formatInstant, parseIsoDate } from "./dates";

const samples = [
  "2026-01-05",
  "2024-02-29",
  "2023-02-29",
  "2026-04-31",
  "2026-13-01",
  "0000-01-01",
  "0001-01-01",
  "9999-12-31T23:59:59.999999Z",
  "2026-01-05T10:00",
  "2026-01-05 10:00:00",
  "2026-01-05T10:00:00Z",
  "2026-01-05T10:00:00+02:00",
  "2026-01-05T10:00:00.5-0130",
  "2026-01-05T10:00:59.123456+05",
  "2026-01-05T23:30:00-01:00",
  "2026-01-05T24:00:00Z",
  "2026-01-05T10:60:00Z",
  "2026-01-05T10:00:00.1234567Z",
  "2026-01-05T10:00:00+2:00",
  "2026-1-5",
  "20260105",
  "yesterday",
  "",
];

describe("dates", () => {
  it("segment_instant in SQL reads exactly what parseIsoDate reads", async () => {
    const db = await getDb();
    const rows = await queryRows<{ v: string; at: string | null }>(
      db,
      sql`select v, to_char(segment_instant(v) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
          from unnest(${sql.raw(`array[${samples.map((s) => `'${s}'`).join(", ")}]`)}::text[]) v`,
    );
    for (const row of rows) {
      const parsed = parseIsoDate(row.v);
      expect({ v: row.v, at: parsed ? formatInstant(parsed.micros) : null }).toEqual({ v: row.v, at: row.at });
    }
    expect(rows).toHaveLength(samples.length);
  });

  it("segment_number reads JSON numbers only", async () => {
    const db = await getDb();
    const rows = await queryRows<{ n: string | null }>(
      db,
      sql`select segment_number(j)::text as n from unnest(array['1.50', '"2"', 'true', 'null', '{"a":1}', '-3e2']::jsonb[]) with ordinality as t(j, i) order by i`,
    );
    expect(rows.map((r) => r.n)).toEqual(["1.50", null, null, null, null, "-300"]);
  });
});

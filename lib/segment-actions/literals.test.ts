import fc from "fast-check";
import { sql, type SQL } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, queryRows } from "@/db/client";
import { fcSeed } from "@/lib/fuzz/seed";
import { inlineSql, literal } from "./literals";

const SEED = fcSeed("literals fuzz");

// Text that tries to break out: quotes, backslashes, $1-like text, dollar quotes, comment starts, unicode.
const hostileText = fc
  .array(fc.oneof(fc.constantFrom("'", "''", '"', "\\", "\\'", "$1", "$2$", "$$", "$a$", "--", "/*", "*/", "\n", ";", "E'", "é", "日本", "☃", "\u{1F600}", "\u202E"), fc.string({ maxLength: 4 })), { maxLength: 8 })
  .map((parts) => parts.join(""))
  .filter((s) => !s.includes("\0"));

/** A parameter and the cast that reads it the same whether bound or written in. */
const parameter: fc.Arbitrary<SQL> = fc.oneof(
  hostileText.map((v) => sql`${v}::text`),
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 1e21, -1e-7, 0.1 + 0.2)).map((v) => sql`${v}::numeric`),
  fc.boolean().map((v) => sql`${v}::boolean`),
  fc.constant(sql`${null}::text`),
);

/** SQL text a statement may carry around its placeholders, holding hostile text where SQL allows it. */
// A dollar quote's tag must not occur in its text, nor be formed by the text's end and the closing tag.
const tagFor = (s: string) => ["$q$", "$qq$", "$Q1$"].find((tag) => (s + tag).indexOf(tag) === s.length);
const trap: fc.Arbitrary<SQL> = fc.oneof(
  hostileText.map((s) => sql.raw(`'${s.replace(/'/g, "''")}'`)),
  hostileText.map((s) => sql.raw(`E'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`)),
  hostileText.filter((s) => tagFor(s) !== undefined).map((s) => sql.raw(`${tagFor(s)}${s}${tagFor(s)}`)),
  hostileText.filter((s) => !s.includes("*/") && !s.includes("/*")).map((s) => sql.raw(`/* ${s} */ 1`)),
  hostileText.filter((s) => !s.includes("\n") && !s.includes("\r")).map((s) => sql.raw(`-- ${s}\n 2`)),
  hostileText.filter((s) => s.length > 0).map((s) => sql.raw(`(select 3 as "${s.replace(/"/g, '""')}")`)),
);

const statement = fc.array(fc.oneof(parameter, trap), { minLength: 1, maxLength: 6 }).map((columns) => sql`select ${sql.join(columns.map((c, i) => sql`${c} as ${sql.identifier(`c${i}`)}`), sql`, `)}`);

describe("parameters written in as literals (for COPY)", () => {
  it("select exactly what the parametrized statement selects, whatever the values and the text around them", async () => {
    const db = await getDb();
    await fc.assert(
      fc.asyncProperty(statement, async (query) => {
        const inlined = inlineSql(query);
        expect(await queryRows(db, sql.raw(inlined))).toEqual(await queryRows(db, query));
      }),
      { seed: SEED, numRuns: 300, endOnFailure: true },
    );
  });

  it("write negative numbers so that a cast after them still applies to the whole number", () => {
    expect(literal(-5)).toBe("(-5)");
    expect(literal(5)).toBe("5");
  });
});

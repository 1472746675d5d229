import fc from "fast-check";
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db/client";
import { fcSeed } from "@/lib/fuzz/seed";
import { encodeHeader, encodePage, profileColumns } from "@/lib/export";
import { addProfiles } from "@/lib/segments/testing/fixtures";
import { countSelection, resolveSource } from "./common";
import { copyCsvStatement, copySelectionCsv, crlfRows } from "./copy-csv";
import { inlineParameters } from "./literals";
import { postgresClient, selectionProfileBatches } from "./cursor";
import { exportChunks } from "./export-profiles";
import { isPostgres, makeWorld } from "./testing";

async function text(chunks: AsyncIterable<string | Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(parts).toString("utf8");
}

describe("COPY-based CSV export", () => {
  it("writes parameters as literals only outside quoted text", () => {
    expect(inlineParameters("select $1, '$2', \"$1\", $2 from t where x = $$ $1 $$ and y = E'\\'$1'", ["it's", 5])).toBe(
      "select E'it''s', '$2', \"$1\", 5 from t where x = $$ $1 $$ and y = E'\\'$1'",
    );
    expect(inlineParameters("select $1", ["back\\slash"])).toBe("select E'back\\\\slash'");
    expect(inlineParameters("select $1, $2", [null, true])).toBe("select NULL, true");
    expect(() => inlineParameters("select $1", [[1, 2]])).toThrow();
    expect(() => inlineParameters("select $2", ["x"])).toThrow();
  });

  it("turns row ends into CRLF, keeps line breaks inside quoted cells, and refuses a stream without its end row", async () => {
    const rows = (...chunks: string[]) => text(crlfRows(Readable.from(chunks.map((c) => Buffer.from(c))), 3));
    expect(await rows('1,"a\nb",x\n2,', '"q""\n",\n', ",,\n")).toBe('1,"a\nb",x\r\n2,"q""\n",\r\n');
    await expect(rows("1,a,b\n2,c,d\n")).rejects.toThrow(/connection was lost/);
    await expect(rows("1,a,b\n,,")).rejects.toThrow(/connection was lost/);
    // a real row ending in empty cells is not the end row
    await expect(rows("1,,\n")).rejects.toThrow(/connection was lost/);
  });

  it("finds every row end however the stream is cut into chunks", async () => {
    // Reference: LF outside quotes becomes CRLF, byte by byte.
    const reference = (input: string) => {
      let out = "";
      let quoted = false;
      for (const c of input) {
        if (c === '"') quoted = !quoted;
        out += c === "\n" && !quoted ? "\r\n" : c;
      }
      return out;
    };
    const cell = fc.oneof(fc.constantFrom("", "a", "x y", "Zoë"), fc.string({ unit: fc.constantFrom("a", ",", "\n", '"', "é"), maxLength: 6 }).map((v) => `"${v.replace(/"/g, '""')}"`));
    const row = fc.tuple(cell, cell, cell).map((cells) => cells.join(",") + "\n");
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), async (rowsIn, cuts) => {
        const input = Buffer.from(rowsIn.join("") + ",,\n");
        const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, input.length].slice(1).map((end, k, ends) => input.subarray(k === 0 ? 0 : ends[k - 1], end));
        const counted: number[] = [];
        const out = await text(crlfRows(Readable.from(chunks), 3, (n) => counted.push(n)));
        expect(out).toBe(reference(rowsIn.join("")));
        expect(counted.at(-1) ?? 0).toBe(rowsIn.length);
      }),
      { numRuns: 300, seed: fcSeed("copy-csv row ends") },
    );
  });

  it("writes exactly what the shared writer writes, and selects exactly what the parametrized query selects", async () => {
    const w = await makeWorld();
    await addProfiles(w.db, w.source.id, [
      { email: "+tricky@example.com", firstName: 'Quote " and, comma', lastName: "line\r\nbreak", phone: "", fields: { city: "Berlin", age: 12.5, vip: false, note: "@home\tnow", joined: "2026-02-03T04:05:06.007Z" } },
      { email: "x'); drop table profiles; --@example.com", fields: { city: "Berlin", age: -5, note: "Zoë ☃ 日本", joined: "2024-02-29" } },
      { email: null, fields: { city: "Berlin", age: 1234567.25, note: "" } },
    ]);
    const rules = [
      w.rule,
      { ...w.rule, limit: 3 },
      { databaseId: w.source.id, range: { from: 10, to: 90 } },
      { databaseId: w.source.id, conditions: { logic: "or", groups: [{ logic: "or", not: false, conditions: [
        { kind: "field", field: "note", op: "contains", value: "'); drop" },
        { kind: "field", field: "email", op: "starts_with", value: "x'); drop table profiles; --" },
        { kind: "field", field: "note", op: "in", value: ["$1", "\\", "Zoë ☃ 日本"] },
      ] }] } },
    ];
    const keys = ["city", "age", "vip", "joined", "note"];
    const columns = profileColumns(keys);
    if (!columns.ok) throw new Error("columns");
    const options = { format: "csv" as const, columns: columns.columns };
    for (const rule of rules) {
      const source = await resolveSource(w.db, w.admin, { rule });
      const viaShared = async function* () {
        yield encodeHeader(options);
        for await (const page of selectionProfileBatches(w.db, source, 2)) yield encodePage(page, options);
      };
      const expected = await text(viaShared());
      expect(await text(exportChunks(w.db, source, options))).toBe(expected);
      if (isPostgres()) {
        // The COPY statement itself, with its parameters inlined, selects the same profiles.
        const statement = copyCsvStatement(source.prepared.selection, columns.columns);
        expect(statement.startsWith("COPY (")).toBe(true);
        const rows = await queryRows<Record<string, unknown>>(w.db, sql.raw(statement.replace(/^COPY \(\((.*)\) union all \(select [^)]*\)\) TO STDOUT WITH \(FORMAT csv\)$/s, "$1")));
        expect(rows.length).toBe(await countSelection(w.db, source));
        expect(postgresClient(w.db)).not.toBeNull();
      }
    }
  });

  it("leaves the connection usable after a large COPY read slowly (postgres.js pauses its socket)", async () => {
    const w = await makeWorld();
    await w.db.execute(sql`insert into profiles (database_id, email, fields)
      select ${w.source.id}::int, 'bulk' || g || '@example.com', jsonb_build_object('city', 'Berlin', 'note', repeat('y', 150))
      from generate_series(1, 15000) g`);
    const source = await resolveSource(w.db, w.admin, { rule: w.rule });
    const columns = profileColumns(["city", "note"]);
    if (!columns.ok) throw new Error("columns");
    for (let round = 0; round < 2; round++) {
      let bytes = 0;
      for await (const chunk of exportChunks(w.db, source, { format: "csv", columns: columns.columns })) {
        bytes += chunk.length;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(bytes).toBeGreaterThan(2_000_000);
      // Every pooled connection still answers.
      await Promise.all(Array.from({ length: 12 }, (_, i) => queryRows(w.db, sql`select ${i}::int as n`)));
    }
  });

  // PostgreSQL only: PGlite has no COPY TO STDOUT stream.
  it.runIf(isPostgres())("cut into two halves formatted at once, writes the same bytes as one COPY, and leaves no temporary file", async () => {
    const w = await makeWorld();
    await w.db.execute(sql`insert into profiles (database_id, email, fields)
      select ${w.source.id}::int, 'half' || g || '@example.com', jsonb_build_object('city', case when g % 3 = 0 then 'Berlin' else '=Hamburg' end, 'age', g % 90, 'note', 'line\nbreak "quoted", ' || g)
      from generate_series(1, 3000) g`);
    const client = postgresClient(w.db)!;
    const columns = profileColumns(["city", "age", "note"]);
    if (!columns.ok) throw new Error("columns");
    // A folder of this test's own: other tests export (and spool) at the same time.
    const spoolDir = mkdtempSync(path.join(os.tmpdir(), "copy-csv-halves-"));
    let spooled = false;
    for (const rule of [{ databaseId: w.source.id }, w.rule, { databaseId: w.source.id, range: { from: 5, to: 80 } }]) {
      const source = await resolveSource(w.db, w.admin, { rule });
      const whole = await text(copySelectionCsv(client, source.prepared.selection, columns.columns, undefined, { splitMinIds: Number.MAX_SAFE_INTEGER, spoolDir }));
      let counted = 0;
      const halves = await text(
        copySelectionCsv(client, source.prepared.selection, columns.columns, (n) => ((counted = n), (spooled ||= readdirSync(spoolDir).length > 0)), { splitMinIds: 1, spoolDir }),
      );
      expect(halves).toBe(whole);
      expect(counted).toBe(whole.split("\r\n").length - 1);
      expect(whole.length).toBeGreaterThan(0);
    }
    expect(spooled).toBe(true);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it.runIf(isPostgres())("a reader that stops early cancels the COPY and leaves every pooled connection usable", async () => {
    const w = await makeWorld();
    await w.db.execute(sql`insert into profiles (database_id, email, fields)
      select ${w.source.id}::int, 'stop' || g || '@example.com', jsonb_build_object('city', 'Berlin', 'note', repeat('s', 400))
      from generate_series(1, 40000) g`);
    const source = await resolveSource(w.db, w.admin, { rule: { databaseId: w.source.id } });
    const columns = profileColumns(["city", "note"]);
    if (!columns.ok) throw new Error("columns");
    for (const splitMinIds of [1, Number.MAX_SAFE_INTEGER]) {
      for await (const chunk of copySelectionCsv(postgresClient(w.db)!, source.prepared.selection, columns.columns, undefined, { splitMinIds })) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
      const answers = await Promise.race([
        Promise.all(Array.from({ length: 12 }, (_, i) => queryRows<{ n: number }>(w.db, sql`select ${i}::int as n`))),
        new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 10_000)),
      ]);
      expect(answers).not.toBe("hung");
      const [active] = await queryRows<{ n: number }>(w.db, sql`select count(*)::int as n from pg_stat_activity where state = 'active' and query like 'COPY%' and datname = current_database()`);
      expect(active.n).toBe(0);
    }
  });

  it.runIf(isPostgres())("fails, and cleans up, when the database connections die while the halves are read", async () => {
    const w = await makeWorld();
    await w.db.execute(sql`insert into profiles (database_id, email, fields)
      select ${w.source.id}::int, 'cut' || g || '@example.com', jsonb_build_object('city', 'Berlin', 'note', repeat('z', 400))
      from generate_series(1, 60000) g`);
    const source = await resolveSource(w.db, w.admin, { rule: { databaseId: w.source.id } });
    const columns = profileColumns(["city", "note"]);
    if (!columns.ok) throw new Error("columns");
    const spoolDir = mkdtempSync(path.join(os.tmpdir(), "copy-csv-cut-"));
    const reading = (async () => {
      let first = true;
      for await (const chunk of copySelectionCsv(postgresClient(w.db)!, source.prepared.selection, columns.columns, undefined, { splitMinIds: 1, spoolDir })) {
        expect(chunk.length).toBeGreaterThan(0);
        if (!first) continue;
        first = false;
        const killer = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
        await killer`select pg_terminate_backend(pid) from pg_stat_activity where state = 'active' and query like 'COPY%' and pid <> pg_backend_pid() and datname = current_database()`;
        await killer.end();
      }
    })();
    await expect(reading).rejects.toThrow();
    expect(readdirSync(spoolDir)).toEqual([]);
    // postgres.js 3.4.9 hands the killed session's FATAL error to the next query on that pooled
    // connection once (and its end() waits for that); after that the pool answers normally.
    await Promise.allSettled(Array.from({ length: 12 }, (_, i) => queryRows(w.db, sql`select ${i}::int as n`)));
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => queryRows<{ n: number }>(w.db, sql`select ${i}::int as n`)));
    expect(answers.map(([r]) => r.n)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});

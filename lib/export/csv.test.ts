import { describe, expect, it } from "vitest";
import { csvCell, csvLine } from "./csv";
import { encodeRows, openExport } from "./stream";

describe("CSV cells", () => {
  it("quotes per RFC 4180 only when needed, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvLine(["a", 1, null, true])).toBe("a,1,,true\r\n");
  });

  it("defuses text that a spreadsheet would run as a formula", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+49 30 123")).toBe("'+49 30 123");
    expect(csvCell("-minus")).toBe("'-minus");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tTab")).toBe("'\tTab");
    expect(csvCell("\rCR")).toBe("\"'\rCR\"");
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });

  it("keeps numbers as numbers, negative ones too", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(2.5)).toBe("2.5");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(new Date("2026-01-02T03:04:05Z"))).toBe("2026-01-02T03:04:05.000Z");
  });
});

describe("streams", () => {
  async function* pages() {
    yield [{ n: 1 }, { n: 2 }];
    yield [{ n: 3 }];
  }
  const columns = [{ header: "n", value: (r: { n: number }) => r.n }];

  it("writes a header then every page, as CSV or NDJSON", async () => {
    expect(await new Response(encodeRows(pages(), { format: "csv", columns })).text()).toBe("n\r\n1\r\n2\r\n3\r\n");
    expect(await new Response(encodeRows(pages(), { format: "ndjson", columns })).text()).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
    const withBom = new Uint8Array(await new Response(encodeRows(pages(), { format: "csv", columns, bom: true })).arrayBuffer());
    expect([...withBom.slice(0, 4)]).toEqual([0xef, 0xbb, 0xbf, "n".charCodeAt(0)]);
  });

  it("raises the source's first error before anything is sent, and writes a header for an empty source", async () => {
    async function* failing(): AsyncGenerator<{ n: number }[]> {
      throw new Error("not found");
    }
    await expect(openExport(failing(), { format: "csv", columns })).rejects.toThrow("not found");
    async function* empty(): AsyncGenerator<{ n: number }[]> {}
    expect(await new Response(await openExport(empty(), { format: "csv", columns })).text()).toBe("n\r\n");
  });

  it("stops reading the source when the reader cancels", async () => {
    let pulled = 0;
    async function* endless() {
      for (;;) yield [{ n: ++pulled }];
    }
    const reader = encodeRows(endless(), { format: "csv", columns }).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(pulled).toBeLessThanOrEqual(3);
  });
});

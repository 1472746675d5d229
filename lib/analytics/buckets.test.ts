import { describe, expect, it } from "vitest";
import { dateBucketLabel, fillDateBuckets, nextDateBucket, numberBuckets } from "./buckets";
import { freeRanges, overlaps } from "./ranges";
import { parsePeriod } from "./labels";

describe("histogram buckets", () => {
  it("numbers: every bucket of the grid, missing ones as 0, bounds without float noise", () => {
    expect(numberBuckets({ start: 0.2, step: 0.1, count: 3 }, [{ index: 1, count: 4 }])).toEqual([
      { from: 0.2, to: 0.3, count: 0 },
      { from: 0.3, to: 0.4, count: 4 },
      { from: 0.4, to: 0.5, count: 0 },
    ]);
  });

  it("dates: steps by day, month (end of month safe), year and decade, gaps filled in order", () => {
    expect(nextDateBucket("day", "2024-02-28")).toBe("2024-02-29");
    expect(nextDateBucket("month", "2024-12-01")).toBe("2025-01-01");
    expect(nextDateBucket("year", "1999-01-01")).toBe("2000-01-01");
    expect(nextDateBucket("decade", "1990-01-01")).toBe("2000-01-01");
    expect(
      fillDateBuckets("month", [
        { start: "2024-03-01", count: 2 },
        { start: "2024-01-01", count: 1 },
      ]),
    ).toEqual([
      { start: "2024-01-01", count: 1 },
      { start: "2024-02-01", count: 0 },
      { start: "2024-03-01", count: 2 },
    ]);
    expect(fillDateBuckets("day", [])).toEqual([]);
    expect(dateBucketLabel("day", "2026-03-05")).toBe("5 Mar 2026");
    expect(dateBucketLabel("month", "2026-03-01")).toBe("Mar 2026");
    expect(dateBucketLabel("decade", "1990-01-01")).toBe("1990s");
  });
});

describe("percent ranges", () => {
  it("are half-open: 0–20 and 20–40 do not overlap, 0–20.01 and 20–40 do", () => {
    expect(overlaps({ from: 0, to: 20 }, { from: 20, to: 40 })).toBe(false);
    expect(overlaps({ from: 0, to: 20.01 }, { from: 20, to: 40 })).toBe(true);
  });

  it("free ranges are the parts of 0–100 no range covers", () => {
    expect(freeRanges([])).toEqual([{ from: 0, to: 100 }]);
    expect(freeRanges([{ from: 0, to: 100 }])).toEqual([]);
    expect(
      freeRanges([
        { from: 33.33, to: 50 },
        { from: 10, to: 20 },
        { from: 15, to: 33.33 },
      ]),
    ).toEqual([
      { from: 0, to: 10 },
      { from: 50, to: 100 },
    ]);
  });
});

describe("period parameter", () => {
  it("accepts 7, 30 and 90 days and falls back to 30", () => {
    expect([parsePeriod("7"), parsePeriod(["90"]), parsePeriod("31"), parsePeriod(undefined), parsePeriod("x")]).toEqual([7, 90, 30, 30, 30]);
  });
});

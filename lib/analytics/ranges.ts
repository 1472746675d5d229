/** Interval arithmetic on percent ranges (SPEC §2: `from` inclusive, `to` exclusive, 2 decimals). */

export type PercentRange = { from: number; to: number };

/** Whole basis points, so that 33.33 + 0.01 is exactly 33.34. */
const bp = (percent: number) => Math.round(percent * 100);

/** Whether two ranges select a common part: half-open, so 0–20 and 20–40 do not overlap. */
export function overlaps(a: PercentRange, b: PercentRange): boolean {
  return bp(a.from) < bp(b.to) && bp(b.from) < bp(a.to);
}

/** The parts of 0–100 % that none of the ranges covers, in order. */
export function freeRanges(ranges: PercentRange[]): PercentRange[] {
  const sorted = ranges.map((r) => ({ from: bp(r.from), to: bp(r.to) })).sort((a, b) => a.from - b.from || a.to - b.to);
  const free: PercentRange[] = [];
  let covered = 0;
  for (const r of sorted) {
    if (r.from > covered) free.push({ from: covered / 100, to: r.from / 100 });
    covered = Math.max(covered, r.to);
  }
  if (covered < 10_000) free.push({ from: covered / 100, to: 100 });
  return free;
}

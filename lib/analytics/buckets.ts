/** Histogram buckets as the charts draw them: every bucket between the first and the last, empty ones as 0. */

export type DateUnit = "day" | "month" | "year" | "decade";

/** More buckets than this are drawn as they come, without the empty ones in between. */
const MAX_FILLED = 400;

/**
 * The equal-width buckets `[start + i·step, start + (i+1)·step)` for i < count, with the counts the
 * query found (by bucket index). Bounds are rounded to the step's precision, so 0.1 steps read 0.3,
 * not 0.30000000000000004.
 */
export function numberBuckets(
  grid: { start: number; step: number; count: number },
  found: { index: number; count: number }[],
): { from: number; to: number; count: number }[] {
  const decimals = grid.step >= 1 ? 0 : Math.min(15, Math.ceil(-Math.log10(grid.step)) + 1);
  const round = (v: number) => Number(v.toFixed(decimals));
  const counts = new Map(found.map((f) => [f.index, f.count]));
  const n = Math.max(1, Math.min(grid.count, MAX_FILLED));
  return Array.from({ length: n }, (_, i) => ({
    from: round(grid.start + i * grid.step),
    to: round(grid.start + (i + 1) * grid.step),
    count: counts.get(i) ?? 0,
  }));
}

/** The start (YYYY-MM-DD) of the bucket after `start`. */
export function nextDateBucket(unit: DateUnit, start: string): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (unit === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (unit === "month") d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + (unit === "year" ? 1 : 10));
  return d.toISOString().slice(0, 10);
}

/** Date buckets from the first found to the last found, in order, the missing ones as 0. */
export function fillDateBuckets(unit: DateUnit, found: { start: string; count: number }[]): { start: string; count: number }[] {
  const sorted = [...found].sort((a, b) => a.start.localeCompare(b.start));
  if (sorted.length < 2) return sorted;
  const counts = new Map(sorted.map((f) => [f.start, f.count]));
  const last = sorted[sorted.length - 1].start;
  const filled: { start: string; count: number }[] = [];
  for (let at = sorted[0].start; at <= last; at = nextDateBucket(unit, at)) {
    if (filled.length >= MAX_FILLED) return sorted;
    filled.push({ start: at, count: counts.get(at) ?? 0 });
  }
  return filled;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A date bucket's label: "14 Mar 2026", "Mar 2026", "2026" or "2020s". */
export function dateBucketLabel(unit: DateUnit, start: string): string {
  const [y, m, d] = start.split("-").map(Number);
  if (unit === "day") return `${d} ${MONTHS[m - 1]} ${y}`;
  if (unit === "month") return `${MONTHS[m - 1]} ${y}`;
  return unit === "year" ? String(y) : `${y}s`;
}

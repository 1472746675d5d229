/**
 * SPEC §2 range arithmetic. A profile's range key is the first 8 hex digits of md5(id) read as an
 * unsigned 32-bit integer; a range `from`..`to` percent selects `lo ≤ key < hi` with
 * `lo = floor(from·100 · 2^32 / 10000)`, computed here in exact integer (BigInt) arithmetic.
 */
export const RANGE_KEY_SPACE = 2n ** 32n;

export type Range = { from: number; to: number };

export const FULL_RANGE: Range = { from: 0, to: 100 };

/** A percentage as whole basis points (12.34 % → 1234); `null` if it has more than 2 decimals. */
export function basisPoints(percent: number): number | null {
  if (!Number.isFinite(percent)) return null;
  const bp = Math.round(percent * 100);
  return Math.abs(percent * 100 - bp) < 1e-6 ? bp : null;
}

/** The integer bounds `[lo, hi)` of the range keys a valid range selects. */
export function rangeBounds(range: Range): { lo: bigint; hi: bigint } {
  const from = basisPoints(range.from);
  const to = basisPoints(range.to);
  if (from === null || to === null) throw new Error("rangeBounds needs a validated range");
  return { lo: (BigInt(from) * RANGE_KEY_SPACE) / 10000n, hi: (BigInt(to) * RANGE_KEY_SPACE) / 10000n };
}

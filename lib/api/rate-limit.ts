/**
 * Per-token rate limit: a token bucket in this process's memory. The app runs as one Node process
 * (the embedded database allows no other way, and `npm start` starts one), so one process sees every
 * request; a bucket costs no database write per request and refills smoothly. docs/api.md says what
 * to change for several instances (a shared counter).
 */
export type RateLimitSettings = { capacity: number; refillPerSecond: number };

const fromEnv = (): RateLimitSettings => ({
  capacity: Number(process.env.API_RATE_LIMIT_BURST) || 120,
  refillPerSecond: Number(process.env.API_RATE_LIMIT_PER_SECOND) || 10,
});

let settings: RateLimitSettings = fromEnv();
const buckets = new Map<string, { tokens: number; at: number }>();

/** Tests and operators may change the limits at run time; buckets start full again. */
export function configureRateLimit(next: Partial<RateLimitSettings> | "defaults"): void {
  settings = next === "defaults" ? fromEnv() : { ...settings, ...next };
  buckets.clear();
}

/** Takes one request from the key's bucket: 0 when allowed, else the whole seconds until one is free. */
export function takeRequest(key: string, now = Date.now()): number {
  const { capacity, refillPerSecond } = settings;
  const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
  bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
  bucket.at = now;
  buckets.set(key, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  if (buckets.size > 10_000) pruneFull(now);
  return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond));
}

/** Forgets buckets that have refilled completely (they would start full anyway). */
function pruneFull(now: number) {
  for (const [key, b] of buckets) {
    if (b.tokens + ((now - b.at) / 1000) * settings.refillPerSecond >= settings.capacity) buckets.delete(key);
  }
}

/**
 * Per-token rate limit: a token bucket (API_RATE_LIMIT_BURST requests of burst, refilled at
 * API_RATE_LIMIT_PER_SECOND). On PostgreSQL the buckets live in the `api_rate_limits` table, so that
 * every app instance behind a load balancer takes from the same bucket: one atomic
 * `INSERT … ON CONFLICT DO UPDATE` per request refills and takes. On the embedded database (one
 * process by construction) they live in this process's memory. API_RATE_LIMIT_STORE=memory|postgres
 * overrides the choice.
 */
import { sql } from "drizzle-orm";
import { databaseKind, queryRows, type Db } from "@/db/client";
import { env } from "@/lib/env";

export type RateLimitSettings = { capacity: number; refillPerSecond: number };

const fromEnv = (): RateLimitSettings => ({ capacity: env().API_RATE_LIMIT_BURST, refillPerSecond: env().API_RATE_LIMIT_PER_SECOND });

let settings: RateLimitSettings = fromEnv();
const buckets = new Map<string, { tokens: number; at: number }>();
// Changing the settings starts every bucket full: shared buckets are keyed by this generation.
let generation = `${process.pid}.${Date.now().toString(36)}`;
let changes = 0;

/** Tests and operators may change the limits at run time; buckets start full again. */
export function configureRateLimit(next: Partial<RateLimitSettings> | "defaults"): void {
  settings = next === "defaults" ? fromEnv() : { ...settings, ...next };
  buckets.clear();
  generation = `${process.pid}.${Date.now().toString(36)}.${++changes}`;
}

export function rateLimitStore(): "memory" | "postgres" {
  return env().API_RATE_LIMIT_STORE ?? (databaseKind() === "postgres" ? "postgres" : "memory");
}

/** Takes one request from the key's bucket: 0 when allowed, else the whole seconds until one is free. */
export async function takeRequest(db: Db, key: string): Promise<number> {
  return rateLimitStore() === "postgres" ? takeShared(db, key) : takeFromMemory(key);
}

const retryAfter = (tokens: number, refillPerSecond: number) => Math.max(1, Math.ceil((1 - tokens) / refillPerSecond));

/**
 * The shared bucket: refilled for the time since its last request and, when a whole token is there,
 * taken from — in one statement, so concurrent requests of one token (on any instance) queue on the
 * row and each sees the previous one's result. A default-settings bucket is keyed by the token alone,
 * so every instance shares it.
 */
async function takeShared(db: Db, key: string): Promise<number> {
  const { capacity, refillPerSecond } = settings;
  const stored = changes === 0 ? key : `${generation}:${key}`;
  const refilled = sql`least(${capacity}::float8, b.tokens + greatest(0, extract(epoch from clock_timestamp() - b.refilled_at)::float8) * ${refillPerSecond}::float8)`;
  const [row] = await queryRows<{ tokens: number | string; allowed: boolean }>(
    db,
    sql`insert into api_rate_limits as b (key, tokens, refilled_at, allowed)
        values (${stored}, ${capacity - 1}::float8, clock_timestamp(), true)
        on conflict (key) do update set
          tokens = ${refilled} - case when ${refilled} >= 1 then 1 else 0 end,
          allowed = ${refilled} >= 1,
          refilled_at = clock_timestamp()
        returning tokens, allowed`,
  );
  // Now and then, forget buckets that have long refilled completely (they would start full anyway).
  if (Math.random() < 0.001) {
    await db.execute(sql`delete from api_rate_limits where refilled_at < now() - interval '1 day'`).catch(() => undefined);
  }
  return row.allowed ? 0 : retryAfter(Number(row.tokens), refillPerSecond);
}

function takeFromMemory(key: string, now = Date.now()): number {
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
  return retryAfter(bucket.tokens, refillPerSecond);
}

/** Forgets buckets that have refilled completely (they would start full anyway). */
function pruneFull(now: number) {
  for (const [key, b] of buckets) {
    if (b.tokens + ((now - b.at) / 1000) * settings.refillPerSecond >= settings.capacity) buckets.delete(key);
  }
}

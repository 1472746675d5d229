import { afterEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { getDb, openPostgres, queryRows } from "@/db/client";
import { configureRateLimit, rateLimitStore, takeRequest } from "./rate-limit";

afterEach(() => {
  configureRateLimit("defaults");
  delete process.env.API_RATE_LIMIT_STORE;
});

describe("per-token rate limit", () => {
  it("keeps its buckets in PostgreSQL when the app runs on PostgreSQL, in memory on the embedded database", () => {
    expect(rateLimitStore()).toBe(process.env.TEST_DB_KIND === "postgres" ? "postgres" : "memory");
    process.env.API_RATE_LIMIT_STORE = "memory";
    expect(rateLimitStore()).toBe("memory");
  });

  for (const store of ["memory", "postgres"] as const) {
    it(`empties a token's bucket after its burst and answers the seconds to wait (${store})`, async () => {
      process.env.API_RATE_LIMIT_STORE = store;
      configureRateLimit({ capacity: 3, refillPerSecond: 0.5 });
      const db = await getDb();
      const waits = [];
      for (let i = 0; i < 4; i++) waits.push(await takeRequest(db, "token:1"));
      expect(waits).toEqual([0, 0, 0, 2]);
      expect(await takeRequest(db, "token:2")).toBe(0);
      const stored = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from api_rate_limits where key like '%token:1'`);
      expect(stored[0].n).toBe(store === "postgres" ? 1 : 0);
    });
  }

  it.runIf(process.env.TEST_DB_KIND === "postgres")("shares one bucket between app instances, and concurrent requests never take more than it holds", async () => {
    configureRateLimit({ capacity: 5, refillPerSecond: 0.001 });
    const first = await getDb();
    const second = await openPostgres(process.env.DATABASE_URL!, "web"); // another instance's pool
    try {
      expect(await takeRequest(first, "token:7")).toBe(0);
      expect(await takeRequest(second.db, "token:7")).toBe(0);
      // 3 tokens left; 10 requests at once from both instances: exactly 3 get through.
      const waits = await Promise.all(Array.from({ length: 10 }, (_, i) => takeRequest(i % 2 ? first : second.db, "token:7")));
      expect(waits.filter((w) => w === 0)).toHaveLength(3);
      expect(waits.filter((w) => w > 0)).toHaveLength(7);
      // The bucket is the table's row, which any instance reads: empty now.
      const rows = await queryRows<{ tokens: number; allowed: boolean }>(first, sql`select tokens, allowed from api_rate_limits where key like '%token:7'`);
      expect(rows).toHaveLength(1);
      expect(rows[0].allowed).toBe(false);
      expect(rows[0].tokens).toBeLessThan(1);
    } finally {
      await second.close();
    }
  });
});

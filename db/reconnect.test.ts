import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresClientOptions } from "./client";
import { startTcpProxy, type TcpProxy } from "./testing/tcp-proxy";

/**
 * After a database outage the app's pools reconnect at once. postgres.js waits before each reconnect by
 * a backoff that grows with every failed attempt of the whole pool (3^n / 100 s, up to 20 s): after a
 * blip of a second or two, with a few queries failing meanwhile, the next query waited up to 20 s for a
 * database that was back — and a job whose failure it was writing stayed "running" (the jobs fault
 * test saw it). The client options cap that wait.
 */
const isPostgres = process.env.TEST_DB_KIND === "postgres";
let proxy: TcpProxy;
let client: postgres.Sql;

beforeAll(async () => {
  if (!isPostgres) return;
  proxy = await startTcpProxy();
  client = postgres(proxy.url(process.env.DATABASE_URL!), { ...postgresClientOptions(), max: 2, connect_timeout: 2 });
});

afterAll(async () => {
  if (!isPostgres) return;
  await client.end({ timeout: 1 });
  await proxy.close();
});

describe.runIf(isPostgres)("the PostgreSQL pool after an outage (through a TCP proxy)", () => {
  it("answers within about a second of the database coming back, however many queries failed meanwhile", async () => {
    expect(await client`select 1 as one`).toEqual([{ one: 1 }]);
    await proxy.down();
    // A busy app during an outage: queries keep failing (each failed connect counts towards the backoff).
    const deadline = Date.now() + 2_000;
    let failed = 0;
    while (Date.now() < deadline) {
      await client`select 1`.catch(() => failed++);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(failed).toBeGreaterThan(5);
    await proxy.up();
    const started = Date.now();
    expect(await client`select 2 as two`).toEqual([{ two: 2 }]);
    expect(Date.now() - started).toBeLessThan(2_000);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as databases from "@/app/api/v1/databases/route";
import * as preview from "@/app/api/v1/segments/preview/route";
import { closeDb, getDb } from "@/db/client";
import { makeDatabase, makeUser } from "@/db/testing/fixtures";
import { startTcpProxy, type TcpProxy } from "@/db/testing/tcp-proxy";
import { DATABASE_UNAVAILABLE_DIGEST, DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, knownDatabaseError, orUnavailable } from "@/db/errors";
import { configureRateLimit } from "./rate-limit";
import { callJson, tokenFor } from "./testing";

/**
 * The database stops answering under the API (issue 14.3), on PostgreSQL: the app's pool reaches the
 * server through a TCP proxy that the test takes down — every connection cut, new ones refused — and
 * brings back. No restart of the app in between.
 */
const postgres = process.env.TEST_DB_KIND === "postgres";
let proxy: TcpProxy;
let token: string;
let databaseId: number;
let direct: string;

beforeAll(async () => {
  if (!postgres) return;
  configureRateLimit({ capacity: 1_000_000 });
  direct = process.env.DATABASE_URL!;
  proxy = await startTcpProxy();
  await closeDb();
  process.env.DATABASE_URL = proxy.url(direct);
  token = await tokenFor(await makeUser("admin"));
  databaseId = (await makeDatabase({ fields: [{ key: "city", type: "string" }] })).id;
});

afterAll(async () => {
  if (!postgres) return;
  await proxy.up();
  await closeDb();
  process.env.DATABASE_URL = direct;
  await proxy.close();
});

describe.runIf(postgres)("the API while the database is not answering (PostgreSQL, through a TCP proxy)", () => {
  it("answers 503 unavailable with Retry-After, without details, and recovers without a restart", async () => {
    expect((await callJson(databases.GET, "GET", "/databases", { token })).status).toBe(200);

    await proxy.down();
    for (const res of [
      await callJson(databases.GET, "GET", "/databases", { token }),
      await callJson(preview.POST, "POST", "/segments/preview", { token, body: { database_id: databaseId } }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.body).toEqual({ error: { code: "unavailable", message: DATABASE_UNAVAILABLE_MESSAGE, issues: [] } });
    }

    await proxy.up();
    const again = await callJson(databases.GET, "GET", "/databases", { token });
    expect(again.status).toBe(200);
    expect(again.body.data.map((d: { id: number }) => d.id)).toContain(databaseId);
  });

  it("server actions answer `unavailable`, and pages get an error with a digest the error page recognises", async () => {
    const db = await getDb();
    await proxy.down();
    const error = await db.execute("select 1").then(
      () => null,
      (e: unknown) => e,
    );
    await proxy.up();
    expect(isDatabaseUnavailable(error)).toBe(true);
    // What an action's failure() and the API's errorResponse() answer with.
    expect(knownDatabaseError(error)).toMatchObject({ code: "unavailable", status: 503, message: DATABASE_UNAVAILABLE_MESSAGE });
    const thrown = await orUnavailable(() => Promise.reject(error)).then(
      () => null,
      (e: unknown) => e as { digest?: string; message: string; stack?: string },
    );
    expect(thrown?.digest).toBe(DATABASE_UNAVAILABLE_DIGEST);
    expect(thrown?.message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  });
});

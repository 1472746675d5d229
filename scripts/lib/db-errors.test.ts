import { afterEach, describe, expect, it } from "vitest";
import { describeDatabaseError, redact } from "./db-errors";

const saved = process.env.DATABASE_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = saved;
});

describe("database faults at start", () => {
  it("a server that is down says so and what to do, without the password", () => {
    process.env.DATABASE_URL = "postgres://app:s3cret@db.internal:5432/segments";
    const text = describeDatabaseError(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }));
    expect(text).toContain("Cannot reach PostgreSQL");
    expect(text).toContain("unset DATABASE_URL");
    expect(text).not.toContain("s3cret");
  });

  it("a missing database says how to create it", () => {
    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nope";
    expect(describeDatabaseError({ code: "3D000", message: 'database "nope" does not exist' })).toContain("createdb");
  });

  it("redacts passwords in URLs", () => {
    expect(redact("postgres://u:pw@h/db")).toBe("postgres://u:***@h/db");
  });
});

describe("against a real refused connection", () => {
  it("postgres.js's error maps to the 'cannot reach' sentence", async () => {
    const { default: postgres } = await import("postgres");
    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:1/none";
    const sql = postgres(process.env.DATABASE_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
    const error = await sql`select 1`.then(
      () => null,
      (e: unknown) => e,
    );
    await sql.end();
    expect(describeDatabaseError(error)).toMatch(/^Cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/none/);
  });
});

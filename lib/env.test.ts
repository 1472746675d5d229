import { describe, expect, it } from "vitest";
import { EnvironmentError, parseEnvironment } from "./env";

describe("the environment", () => {
  it("gives every setting its default when it is unset or empty", () => {
    const env = parseEnvironment({ SELECTION_TIMEOUT_MS: "", DATABASE_POOL_SIZE: "  " });
    expect(env).toMatchObject({
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: 10,
      SELECTION_TIMEOUT_MS: 30_000,
      SELECTION_WORK_MEM: "32MB",
      ACTION_TIMEOUT_MS: 1_200_000,
      JOBS_CONCURRENCY: undefined,
      SESSION_IDLE_MINUTES: 60,
      API_RATE_LIMIT_BURST: 120,
      API_RATE_LIMIT_PER_SECOND: 10,
      API_RATE_LIMIT_STORE: undefined,
      PORT: 3000,
    });
    expect(env.PGLITE_DIR).toMatch(/\.data[/\\]pglite$/);
  });

  it("reads set values as their types", () => {
    expect(
      parseEnvironment({ DATABASE_URL: "postgres://u@db:5432/x", SELECTION_TIMEOUT_MS: "5000", EXPORT_RETENTION_DAYS: "0.5", API_RATE_LIMIT_STORE: "memory", ACTION_WORK_MEM: "1 gb", PORT: "3204" }),
    ).toMatchObject({ DATABASE_URL: "postgres://u@db:5432/x", SELECTION_TIMEOUT_MS: 5000, EXPORT_RETENTION_DAYS: 0.5, API_RATE_LIMIT_STORE: "memory", ACTION_WORK_MEM: "1GB", PORT: 3204 });
  });

  it("refuses a bad value with a message naming the variable and what it takes, instead of using the default", () => {
    const cases: [string, string, RegExp][] = [
      ["SELECTION_TIMEOUT_MS", "30s", /SELECTION_TIMEOUT_MS="30s" must be whole milliseconds, at least 1/],
      ["SELECTION_TIMEOUT_MS", "0", /SELECTION_TIMEOUT_MS="0" must be whole milliseconds, at least 1/],
      ["DATABASE_POOL_SIZE", "2.5", /DATABASE_POOL_SIZE="2.5" must be a whole number of connections/],
      ["API_RATE_LIMIT_BURST", "-1", /API_RATE_LIMIT_BURST="-1" must be a whole number of requests/],
      ["API_RATE_LIMIT_PER_SECOND", "0", /API_RATE_LIMIT_PER_SECOND="0" must be a number of requests per second above 0/],
      ["API_RATE_LIMIT_STORE", "redis", /API_RATE_LIMIT_STORE="redis" must be memory or postgres/],
      ["SESSION_IDLE_MINUTES", "0.5", /SESSION_IDLE_MINUTES="0.5" must be a number of minutes, at least 1/],
      ["JOBS_CONCURRENCY", "many", /JOBS_CONCURRENCY="many" must be a whole number of jobs/],
      ["DATABASE_URL", "mysql://x", /DATABASE_URL="mysql:\/\/x" must be a postgres:\/\/ or postgresql:\/\/ URL/],
      ["PORT", "70000", /PORT="70000" must be a TCP port/],
    ];
    for (const [name, value, message] of cases) expect(() => parseEnvironment({ [name]: value }), `${name}=${value}`).toThrow(message);
  });

  it("names every bad variable at once", () => {
    try {
      parseEnvironment({ DATABASE_POOL_SIZE: "ten", ACTION_TIMEOUT_MS: "1h" });
      expect.unreachable("a bad environment must be refused");
    } catch (error) {
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as EnvironmentError).problems.map((p) => p.split("=")[0]).sort()).toEqual(["ACTION_TIMEOUT_MS", "DATABASE_POOL_SIZE"]);
    }
  });
});

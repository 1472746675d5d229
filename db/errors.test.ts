import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { cancelReason, clientValueError, driverCode, isDatabaseUnavailable, isUniqueViolation, knownDatabaseError, sqlState } from "./errors";

const pg = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`error ${code}`), { code, ...extra });
/** How drizzle wraps a driver error: its own message, the driver's error as `cause`. */
const wrapped = (cause: unknown) => Object.assign(new Error("Failed query: insert …"), { cause });

describe("driver errors, read through the cause chain", () => {
  it("finds the SQLSTATE on the error or under drizzle's wrapper, and nothing for other codes", () => {
    expect(sqlState(pg("40001"))).toBe("40001");
    expect(sqlState(wrapped(pg("23505")))).toBe("23505");
    expect(sqlState(pg("ECONNREFUSED"))).toBeUndefined();
    expect(sqlState(new Error("plain"))).toBeUndefined();
    expect(driverCode(wrapped(pg("ECONNREFUSED")))).toBe("ECONNREFUSED");
  });

  it("recognises a unique violation, on a named constraint when asked", () => {
    const error = wrapped(pg("23505", { constraint_name: "jobs_idempotency_key" }));
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(error, "jobs_idempotency_key")).toBe(true);
    expect(isUniqueViolation(error, "jobs_active_lock")).toBe(false);
    expect(isUniqueViolation(pg("23505", { message: 'duplicate key value violates unique constraint "jobs_active_lock"' }), "jobs_active_lock")).toBe(true);
    expect(isUniqueViolation(pg("23503"))).toBe(false);
  });

  it("tells a lost or refused connection from other faults", () => {
    expect(isDatabaseUnavailable(wrapped(pg("CONNECTION_CLOSED")))).toBe(true);
    expect(isDatabaseUnavailable(pg("57P01"))).toBe(true);
    expect(isDatabaseUnavailable(pg("08006"))).toBe(true);
    expect(isDatabaseUnavailable(pg("23505"))).toBe(false);
    expect(knownDatabaseError(pg("ECONNRESET"))?.code).toBe("unavailable");
  });

  it("tells a statement timeout from a cancel request, by the message or else by the time it ran", () => {
    expect(cancelReason(wrapped(pg("57014", { message: "canceling statement due to statement timeout" })), 10, 1000)).toBe("timeout");
    expect(cancelReason(pg("57014", { message: "canceling statement due to user request" }), 1000, 1000)).toBe("request");
    expect(cancelReason(pg("57014", { message: "Abbruch" }), 990, 1000)).toBe("timeout");
    expect(cancelReason(pg("57014", { message: "Abbruch" }), 10, 1000)).toBe("request");
    expect(cancelReason(pg("23505"), 0, 1)).toBeNull();
  });

  it("makes a value PostgreSQL refused as data a validation error, and leaves app errors as they are", () => {
    expect(clientValueError(wrapped(pg("22003")))?.code).toBe("validation_failed");
    expect(clientValueError(pg("42P01"))).toBeNull();
    const own = new AppError("conflict", "Taken.");
    expect(knownDatabaseError(own)).toBe(own);
  });
});

import postgres from "postgres";
import { afterEach, describe, expect, it } from "vitest";
import { applyBulkEdit } from "./bulk-edit";
import { actionLog, makeWorld, rejection } from "./testing";

afterEach(() => {
  delete process.env.ACTION_LOCK_TIMEOUT_MS;
});

// PGlite has one connection: nobody else can hold a row lock there.
describe.runIf(process.env.TEST_DB_KIND === "postgres")("an action's writes wait for row locks at most ACTION_LOCK_TIMEOUT_MS", () => {
  it("gives up with a conflict, changing nothing, while another transaction holds a selected profile", async () => {
    const w = await makeWorld();
    process.env.ACTION_LOCK_TIMEOUT_MS = "300";
    const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    // Another transaction (an import, someone's edit) holds Anna's row and does not finish.
    const holder = other.begin(async (tx) => {
      await tx`select id from profiles where id = ${w.ids[0]} for update`;
      locked();
      await held;
    });
    try {
      await lockTaken;
      const started = Date.now();
      const params = { source: { segmentId: w.berliners.id }, changes: [{ kind: "field", field: "note", op: "set", value: "edited" }] };
      const error = await rejection(applyBulkEdit(w.db, w.marketer, params));
      expect(error.code).toBe("conflict");
      expect(error.message).toBe("Someone else was changing the same profiles for too long, so nothing was changed. Try again in a moment.");
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await actionLog(w.berliners.id)).toEqual([]);
    } finally {
      release();
      await holder;
      await other.end();
    }
    // Once the lock is gone the same edit runs.
    expect((await applyBulkEdit(w.db, w.marketer, { source: { segmentId: w.berliners.id }, changes: [{ kind: "field", field: "note", op: "set", value: "edited" }] })).count).toBe(4);
  });
});

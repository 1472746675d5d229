import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { PgDialect } from "drizzle-orm/pg-core";
import { selectionCountQuery } from "./compile";
import { calculateSelection, prepareSelection } from "./selection";
import { evaluateReference, type Json } from "./testing/reference";
import { admin, createWorld, NOW } from "./testing/world";

/**
 * Calculate of one `and` group of event conditions on the same events counts them from one aggregate
 * over those events (compile-events.ts `sharedEventsProfiles`, e.g. "bought before, but not in the last
 * 180 days"). Each rule below is counted by the app and by the reference evaluator of SPEC §2 on a
 * generated world, on both databases.
 */
const dialect = new PgDialect();
const purchase = { kind: "event", type: "purchase" } as const;
const opened = { kind: "interaction", type: "opened", channel: "email" } as const;
const group = (...conditions: Json[]) => ({ logic: "and", groups: [{ logic: "and", not: false, conditions }] }) as Json;

const rules: { name: string; conditions: Json; shared: boolean }[] = [
  { name: "bought before, but not in the last 30 days", conditions: group(purchase, { ...purchase, count: { op: "eq", value: 0 }, period: { last_days: 30 } }), shared: true },
  { name: "opened at least twice in 90 days and at least once in 7", conditions: group({ ...opened, count: { op: "gte", value: 2 }, period: { last_days: 90 } }, { ...opened, period: { last_days: 7 } }), shared: true },
  { name: "opened fewer than 3 times ever, at least once in 30 days", conditions: group({ ...opened, count: { op: "lt", value: 3 } }, { ...opened, period: { last_days: 30 } }), shared: true },
  { name: "exactly one purchase in a fixed period, and at most 2 in 90 days", conditions: group({ ...purchase, count: { op: "eq", value: 1 }, period: { from: "2026-01-01", to: "2026-03-01" } }, { ...purchase, count: { op: "lte", value: 2 }, period: { last_days: 90 } }), shared: true },
  { name: "a purchase over 50, none in 7 days", conditions: group({ ...purchase, where: [{ property: "amount", op: "gt", value: 50 }] }, { ...purchase, where: [{ property: "amount", op: "gt", value: 50 }], count: { op: "eq", value: 0 }, period: { last_days: 7 } }), shared: true },
  { name: "did not open in 7 days, fewer than 2 in 30 (holds without events: not shared)", conditions: group({ ...opened, count: { op: "eq", value: 0 }, period: { last_days: 7 } }, { ...opened, count: { op: "lt", value: 2 }, period: { last_days: 30 } }), shared: false },
  { name: "different types (not shared)", conditions: group(purchase, { ...opened, period: { last_days: 30 } }), shared: false },
];

describe("an and-group of event conditions on the same events is counted from one aggregate", () => {
  it("counts what the reference evaluator selects, for every range, with and without the shared form", async () => {
    const db = await getDb();
    const world = await createWorld(db, 20261207, 400);
    let nonEmpty = 0;
    for (const { name, conditions, shared } of rules) {
      for (const range of [{ from: 0, to: 100 }, { from: 25, to: 80 }]) {
        const input = { databaseId: world.databaseId, range, conditions, limit: null };
        const { selection } = await prepareSelection(db, admin, input, { now: NOW });
        const text = dialect.sqlToQuery(selectionCountQuery(selection)).sql;
        // The shared form reads events alone; the others keep their WHERE over profiles.
        expect({ name, shared: !/from profiles/.test(text) && /having count\(\*\)/.test(text) }).toEqual({ name, shared });
        const expected = evaluateReference(world, { databaseId: world.databaseId, range, conditions, limit: null }, NOW).length;
        const { count } = await calculateSelection(db, admin, input, { now: NOW });
        expect({ name, range, count }).toEqual({ name, range, count: expected });
        if (expected > 0) nonEmpty++;
      }
    }
    // The world must give most rules real answers, or agreement proves little.
    expect(nonEmpty).toBeGreaterThanOrEqual(8);
  });
});

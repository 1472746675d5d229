import { describe, expect, it } from "vitest";
import { describeCondition, type ConditionLabels } from "./describe";
import type { Condition } from "./script";

const labels: ConditionLabels = {
  databases: [
    { id: 1, fields: [{ key: "city", label: "City" }, { key: "points", label: "Loyalty points" }, { key: "joined_on" }] },
    { id: 2, fields: [{ key: "city", label: "Town" }] },
  ],
  mailings: [{ id: 7, name: "Spring sale" }],
  dynamicSegments: [{ id: 3, name: "Lapsed buyers" }],
  staticSegments: [{ id: 4, name: "Store invitees" }],
};
const words = (c: unknown, databaseId: number | null = 1) => describeCondition(c as Condition, labels, databaseId);

describe("a condition in one plain sentence", () => {
  it("a field uses the source database's label, else the key in words", () => {
    expect(words({ kind: "field", field: "city", op: "eq", value: "Berlin" })).toBe("City is “Berlin”");
    expect(words({ kind: "field", field: "city", op: "eq", value: "Berlin" }, 2)).toBe("Town is “Berlin”");
    expect(words({ kind: "field", field: "joined_on", op: "empty" })).toBe("joined on is empty");
    expect(words({ kind: "field", field: "first_name", op: "starts_with", value: "An" }, null)).toBe("first name starts with “An”");
  });

  it("numbers bare, lists quoted, between with both ends", () => {
    expect(words({ kind: "field", field: "points", op: "gte", value: 500 })).toBe("Loyalty points is at least 500");
    expect(words({ kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg"] })).toBe('City is one of "Berlin", "Hamburg"');
    expect(words({ kind: "field", field: "points", op: "between", value: [100, 500] })).toBe("Loyalty points is between 100 and 500");
  });

  it("day operators name their days; valueless operators have no value", () => {
    expect(words({ kind: "field", field: "joined_on", op: "within_last_days", value: 30 })).toBe("joined on is within the last 30 days");
    expect(words({ kind: "field", field: "joined_on", op: "within_next_days", value: 7 })).toBe("joined on is within the next 7 days");
    expect(words({ kind: "field", field: "joined_on", op: "more_than_days_ago", value: 90 })).toBe("joined on is more than 90 days ago");
    expect(words({ kind: "field", field: "points", op: "not_empty" })).toBe("Loyalty points is not empty");
  });

  it("subscriptions", () => {
    expect(words({ kind: "subscription", channel: "email", status: "subscribed" })).toBe("Is subscribed to email");
    expect(words({ kind: "subscription", channel: "sms", status: "none" })).toBe("Has no sms subscription status");
  });

  it("interactions name the mailing (or its id when it is gone), the count and the period", () => {
    expect(words({ kind: "interaction", type: "opened", channel: "email", mailing_id: 7, count: { op: "gte", value: 2 }, period: { last_days: 30 } })).toBe(
      "Opened email · Spring sale · at least 2 times in the last 30 days",
    );
    expect(words({ kind: "interaction", type: "clicked", mailing_id: 99, count: { op: "eq", value: 1 } })).toBe("Clicked any channel · mailing #99 · exactly 1 time");
    expect(words({ kind: "interaction", type: "opened", channel: "email", count: { op: "eq", value: 0 }, period: { last_days: 90 } })).toBe(
      "Opened email · any mailing · never in the last 90 days",
    );
  });

  it("events with property filters, and each kind of period", () => {
    expect(words({ kind: "event", type: "purchase", channel: "web", where: [{ property: "amount", op: "gt", value: 50 }] })).toBe(
      "Did “purchase” on web where amount is greater than 50 · at least once",
    );
    expect(words({ kind: "event", type: "purchase", count: { op: "lt", value: 3 }, period: { from: "2026-01-01", to: "2026-07-01" } })).toBe(
      "Did “purchase” · fewer than 3 times from 2026-01-01 to 2026-07-01",
    );
    expect(words({ kind: "event", type: "visit", period: { from: "2026-01-01" } })).toBe("Did “visit” · at least once since 2026-01-01");
    expect(words({ kind: "event", type: "visit", period: { to: "2026-01-01" } })).toBe("Did “visit” · at least once before 2026-01-01");
  });

  it("segments by name, or by id when the user cannot see them", () => {
    expect(words({ kind: "segment", segment_type: "dynamic", segment_id: 3, member: true })).toBe("Is in dynamic segment “Lapsed buyers”");
    expect(words({ kind: "segment", segment_type: "static", segment_id: 4, member: false })).toBe("Is not in static segment “Store invitees”");
    expect(words({ kind: "segment", segment_type: "dynamic", segment_id: 12, member: true })).toBe("Is in dynamic segment “segment #12”");
  });
});

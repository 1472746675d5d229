import { describe, expect, it } from "vitest";
import { formatPath, validateProfileInputs, type FieldDefinition } from "./schema";
import { normalizeIsoDate, parseTextFieldValue, toTimestamp } from "./values";

const fields: FieldDefinition[] = [
  { key: "city", type: "string", label: "City" },
  { key: "loyalty_points", type: "number", label: "Points" },
  { key: "birthday", type: "date", label: "Birthday" },
  { key: "vip", type: "boolean", label: "VIP" },
];

function issuesOf(inputs: unknown[]) {
  const result = validateProfileInputs(inputs, fields);
  if (result.ok) throw new Error("expected issues");
  return result.issues;
}

describe("profile input", () => {
  it("accepts every system field, subscriptions and a value of each type, in storage form", () => {
    const result = validateProfileInputs(
      [
        {
          email: "ada@example.com",
          phone: "+49 30 1234",
          first_name: "Ada",
          last_name: "Lovelace",
          created_at: "2025-03-01T10:00:00+02:00",
          fields: { city: "Berlin", loyalty_points: 12.5, birthday: "1990-12-10", vip: false },
          subscriptions: { email: "subscribed", sms: "unsubscribed", push: null },
        },
        {},
      ],
      fields,
    );
    expect(result).toEqual({
      ok: true,
      rows: [
        {
          email: "ada@example.com",
          phone: "+49 30 1234",
          first_name: "Ada",
          last_name: "Lovelace",
          created_at: "2025-03-01T08:00:00.000Z",
          fields: { city: "Berlin", loyalty_points: 12.5, birthday: "1990-12-10", vip: false },
          email_subscription: "subscribed",
          sms_subscription: "unsubscribed",
          push_subscription: null,
        },
        {
          email: null,
          phone: null,
          first_name: null,
          last_name: null,
          created_at: null,
          fields: {},
          email_subscription: null,
          sms_subscription: null,
          push_subscription: null,
        },
      ],
    });
  });

  it("names each problem by its path", () => {
    const issues = issuesOf([
      { email: "ok@example.com" },
      { email: "not-an-email" },
      { fields: { town: "Paris" } },
      { fields: { city: 42, loyalty_points: "12", birthday: "31.12.2020", vip: "yes" } },
      { nickname: "Bob", subscriptions: { email: "maybe", fax: "subscribed" } },
      "not an object",
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      "profiles[1].email",
      "profiles[2].fields.town",
      "profiles[3].fields.city",
      "profiles[3].fields.loyalty_points",
      "profiles[3].fields.birthday",
      "profiles[3].fields.vip",
      "profiles[4].subscriptions.email",
      "profiles[4].subscriptions.fax",
      "profiles[4].nickname",
      "profiles[5]",
    ]);
    expect(issues.find((i) => i.path === "profiles[2].fields.town")?.message).toMatch(/Unknown field/);
    expect(issues.find((i) => i.path === "profiles[3].fields.loyalty_points")?.message).toBe("Expected a number.");
  });

  it("lists the custom fields' problems of a profile whose other keys are wrong too", () => {
    const issues = issuesOf([{ email: "nope", fields: { town: "Paris", vip: "no" } }]);
    expect(issues.map((i) => i.path)).toEqual(["profiles[0].email", "profiles[0].fields.town", "profiles[0].fields.vip"]);
  });

  it("takes only finite JSON numbers, JSON booleans and text up to 1,000 characters", () => {
    const issues = issuesOf([
      { fields: { loyalty_points: Number.POSITIVE_INFINITY } },
      { fields: { loyalty_points: Number.NaN } },
      { fields: { vip: 1 } },
      { fields: { city: "x".repeat(1001) } },
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      "profiles[0].fields.loyalty_points",
      "profiles[1].fields.loyalty_points",
      "profiles[2].fields.vip",
      "profiles[3].fields.city",
    ]);
    expect(validateProfileInputs([{ fields: { city: "x".repeat(1000), loyalty_points: -0.5, vip: true } }], fields).ok).toBe(true);
  });

  it("treats a null field value as no value", () => {
    const result = validateProfileInputs([{ fields: { city: null } }], fields);
    expect(result.ok && result.rows[0].fields).toEqual({});
  });

  it("writes odd keys in the path readably", () => {
    expect(formatPath(["profiles", 0, "fields", "a b"])).toBe('profiles[0].fields["a b"]');
  });
});

describe("dates", () => {
  it("keeps a date as a date and turns a date-time into a UTC instant", () => {
    expect(normalizeIsoDate("2024-02-29")).toBe("2024-02-29");
    expect(normalizeIsoDate("2024-02-29T23:30:00-01:00")).toBe("2024-03-01T00:30:00.000Z");
    expect(normalizeIsoDate("2024-02-29 08:15")).toBe("2024-02-29T08:15:00.000Z");
    expect(normalizeIsoDate("2024-02-29T08:15:00+02")).toBe("2024-02-29T06:15:00.000Z");
    expect(normalizeIsoDate("2024-02-29T08:15:00+0530")).toBe("2024-02-29T02:45:00.000Z");
    expect(normalizeIsoDate("2024-02-29T08:15:00.123456Z")).toBe("2024-02-29T08:15:00.123Z");
    expect(toTimestamp("2024-02-29")).toBe("2024-02-29T00:00:00.000Z");
  });

  it("refuses dates that do not exist and other formats", () => {
    for (const text of ["2023-02-29", "2024-13-01", "2024-04-31", "31.12.2020", "2024-1-1", "2024-01-01T24:00:00Z", "yesterday", ""]) {
      expect(normalizeIsoDate(text), text).toBeNull();
    }
  });
});

describe("CSV cells", () => {
  it("reads numbers, yes/no words and dates", () => {
    expect(parseTextFieldValue("number", "-12.50")).toEqual({ ok: true, value: -12.5 });
    expect(parseTextFieldValue("number", "1e3")).toEqual({ ok: true, value: 1000 });
    expect(parseTextFieldValue("number", "0x10").ok).toBe(false);
    expect(parseTextFieldValue("number", "1,5")).toEqual({ ok: false, message: '"1,5" is not a number' });
    expect(parseTextFieldValue("boolean", "Yes")).toEqual({ ok: true, value: true });
    expect(parseTextFieldValue("boolean", "0")).toEqual({ ok: true, value: false });
    expect(parseTextFieldValue("boolean", "maybe").ok).toBe(false);
    expect(parseTextFieldValue("date", "2026-01-31")).toEqual({ ok: true, value: "2026-01-31" });
  });
});

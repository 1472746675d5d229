import type { ScriptInput } from "@/lib/segments/script";

/**
 * How the demo's rules are written, shared by the seed's saved segments (`segments.ts`) and the
 * benchmark's cases (scripts/bench-cases.ts, which runs on the seeded demo database): Script v1 JSON
 * exactly as SPEC §2 writes it, built from one group of conditions at a time, and the conditions both use.
 */
type GroupInput = NonNullable<ScriptInput["groups"]>[number];
export type ConditionInput = NonNullable<GroupInput["conditions"]>[number];

/** A group of conditions: all of them (`and`) unless told `or`, negated when told `not`. */
export const group = (conditions: ConditionInput[], extra: { logic?: "and" | "or"; not?: boolean } = {}): GroupInput => ({
  logic: extra.logic ?? "and",
  not: extra.not ?? false,
  conditions,
});

/** A Script of one group. */
export const oneGroup = (conditions: ConditionInput[], extra: { logic?: "and" | "or"; not?: boolean } = {}): ScriptInput => ({
  logic: "and",
  groups: [group(conditions, extra)],
});

export const emailSubscribed: ConditionInput = { kind: "subscription", channel: "email", status: "subscribed" };

/** Lives in Berlin and is a VIP ("Berlin VIPs"). */
export const berlinVip: ConditionInput[] = [
  { kind: "field", field: "city", op: "eq", value: "Berlin" },
  { kind: "field", field: "vip", op: "is_true" },
];

/** Never bounced nor unsubscribed by email: a negated `or` group. */
export const neverBouncedOrUnsubscribed: GroupInput = group(
  [
    { kind: "interaction", channel: "email", type: "bounced" },
    { kind: "interaction", channel: "email", type: "unsubscribed" },
  ],
  { logic: "or", not: true },
);

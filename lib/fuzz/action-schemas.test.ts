import fc from "fast-check";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { createGroupSchema, memberEmailSchema } from "@/lib/access-groups/schema";
import { createDatabaseSchema } from "@/lib/databases/schema";
import { segmentInputSchema } from "@/lib/dynamic-segments/save";
import { createMailingSchema } from "@/lib/mailings/queries";
import { createScenarioSchema } from "@/lib/scenarios/queries";
import { selectionActions } from "@/lib/segment-actions/registry";
import type { Issue } from "@/lib/errors";
import { issuesFromZod, selectionRuleSchema } from "@/lib/segments/script";
import { createStaticSegmentSchema } from "@/lib/static-segments/queries";
import { createUserSchema } from "@/lib/users/schema";
import { fcSeed } from "@/lib/fuzz/seed";
import { FUZZ_RUNS, hostileValue, mutate } from "./hostile";

/**
 * Hostile input at the server actions' input schemas (issue 14.5): a valid input with one hostile
 * change must never throw, and a change that is invalid anywhere (NUL, lone surrogate, `__proto__` key,
 * nesting past the limit) is refused with an issue at a path. An action source's `rule` is parsed
 * again by the selection engine, as the actions do.
 */
const script = {
  logic: "and",
  groups: [
    {
      logic: "or",
      conditions: [
        { kind: "field", field: "city", op: "in", value: ["Berlin", "Hamburg"] },
        { kind: "interaction", type: "opened", mailing_id: 7, count: { op: "gte", value: 2 }, period: { last_days: 30 } },
        { kind: "event", type: "purchase", where: [{ property: "amount", op: "gt", value: 50 }] },
        { kind: "segment", segment_type: "static", segment_id: 3, member: true },
      ],
    },
  ],
};
const rule = { databaseId: 1, range: { from: 0, to: 50 }, conditions: script, limit: 100 };
const ruleSource = { source: { rule } };

type Case = { name: string; schema: z.ZodType; valid: unknown; skip?: (path: (string | number)[]) => boolean };

const cases: Case[] = [
  { name: "save segment", schema: segmentInputSchema, valid: { name: "VIP", databaseId: 1, range: { from: 0, to: 100 }, conditions: script, limit: 10, description: "d", tags: ["a"], accessGroupIds: [2] } },
  { name: "calculate / show (rule)", schema: selectionRuleSchema, valid: rule },
  { name: "create database", schema: createDatabaseSchema, valid: { name: "Shop", fields: [{ key: "city", type: "string", label: "City" }], accessGroupIds: [1] } },
  { name: "create access group", schema: createGroupSchema, valid: { name: "Team", leadIds: [1] } },
  { name: "add member", schema: memberEmailSchema, valid: "lead@example.test" },
  { name: "create user", schema: createUserSchema, valid: { name: "Ann", email: "ann@example.test", role: "marketer", password: "long enough" } },
  { name: "create mailing", schema: createMailingSchema, valid: { name: "News", databaseId: 1, segmentId: 2 } },
  { name: "create scenario", schema: createScenarioSchema, valid: { name: "Welcome", databaseId: 1, segmentId: 2 } },
  { name: "create static segment", schema: createStaticSegmentSchema, valid: { name: "List", databaseId: 1, accessGroupIds: [1] } },
  { name: "copy to static segment", schema: selectionActions.copy_to_static_segment.schema, valid: { ...ruleSource, target: { staticSegmentId: 3 } } },
  { name: "copy to database", schema: selectionActions.copy_to_database.schema, valid: { source: { segmentId: 4 }, targetDatabaseId: 2, onExistingEmail: "update" } },
  { name: "add to scenario", schema: selectionActions.add_to_scenario.schema, valid: { ...ruleSource, scenarioId: 5 } },
  // A change's value is checked against the field's type by resolveChanges (lib/segment-actions/profile-changes.ts).
  { name: "bulk edit", schema: selectionActions.bulk_edit.schema, valid: { ...ruleSource, changes: [{ kind: "field", field: "city", op: "set", value: "x" }, { kind: "subscription", channel: "sms", status: "none" }] }, skip: (p) => p[0] === "changes" && p[2] === "value" },
  { name: "export profiles", schema: selectionActions.export_profiles.schema, valid: { ...ruleSource, format: "csv", fields: ["id", "email"] } },
  { name: "export history", schema: selectionActions.export_history.schema, valid: { source: { segmentId: 1 }, from: "2026-01-01", to: "2026-01-31", include: ["events"] } },
];

/** The schema's issues as the actions report them, and those of a source rule parsed by the selection engine (as the action does). */
function issuesOf(schema: z.ZodType, input: unknown): Issue[] {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) return issuesFromZod(parsed.error);
  const source = (parsed.data as { source?: { rule?: unknown } } | null)?.source;
  if (source?.rule === undefined) return [];
  const nested = selectionRuleSchema.safeParse(source.rule);
  return nested.success ? [] : issuesFromZod(nested.error, ["source", "rule"]);
}

describe("hostile input at the server actions' input schemas", () => {
  const seed = fcSeed("action schemas fuzz");
  for (const { name, schema, valid, skip } of cases) {
    it(`${name}: refuses what is invalid anywhere, at a path; never throws`, () => {
      expect(issuesOf(schema, valid)).toEqual([]);
      fc.assert(
        fc.property(fc.nat(), hostileValue, fc.boolean(), (pick, hostile, addKey) => {
          const m = mutate(valid, pick, hostile, addKey, skip);
          const issues = issuesOf(schema, m.body);
          const context = `${m.how} ${hostile.label} at ${JSON.stringify(m.path)}`;
          // A `__proto__` key is refused (records) or dropped (objects): never a prototype change.
          expect(({} as Record<string, unknown>).polluted, context).toBeUndefined();
          if (!m.hostile.alwaysInvalid || hostile.label === "__proto__ key") return;
          // A key added to a non-strict object is dropped, not kept: nothing of it reaches the data layer.
          if (m.how === "add key" && issues.length === 0) {
            const parsed = schema.safeParse(m.body);
            expect(parsed.success && JSON.stringify(parsed.data).includes(JSON.stringify(String(m.path[m.path.length - 1]))), context).toBe(false);
            return;
          }
          expect(issues.length, context).toBeGreaterThan(0);
          expect(issues.some((i) => i.path !== "") || m.path.length === 0, context).toBe(true);
        }),
        { numRuns: FUZZ_RUNS, seed, endOnFailure: true },
      );
    });
  }
});

import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fcSeed } from "@/lib/fuzz/seed";
import { getDb, queryRows, type Db } from "@/db/client";
import { dynamicSegments } from "@/db/schema";
import { selectionIdsQuery } from "@/lib/segments/compile";
import { prepareSelection } from "@/lib/segments/selection";
import { limitArb, rangeArb, scriptArb } from "@/lib/segments/testing/arbitraries";
import type { Json } from "@/lib/segments/testing/reference";
import { addDynamicSegment, admin, createWorld, NOW } from "@/lib/segments/testing/world";
import { segmentImpact } from "./impact";

// One seed drives the data and the rule pairs; it is printed, and FC_SEED=… reruns a failure.
const SEED = fcSeed("impact.property");
const RUNS = Number(process.env.IMPACT_RUNS) || 120;
const PROFILES = 130;

type Rule = { range: { from: number; to: number }; conditions: Json; limit: number | null };

/** The selection's ids the independent way: the existing selection statement, read whole (a test-sized world). */
async function selectionIds(db: Db, databaseId: number, rule: Rule): Promise<number[]> {
  const prepared = await prepareSelection(db, admin, { databaseId, ...rule }, { now: NOW });
  return (await queryRows<{ id: number | string }>(db, selectionIdsQuery(prepared.selection))).map((r) => Number(r.id));
}

/** The impact of editing `subject` from `saved` to `draft`, and the same from two selections: [engine, independent]. */
async function bothWays(db: Db, databaseId: number, subject: number, saved: Rule, draft: Rule) {
  await db.update(dynamicSegments).set({ rangeFrom: saved.range.from, rangeTo: saved.range.to, conditions: saved.conditions, limit: saved.limit }).where(eq(dynamicSegments.id, subject));
  const impact = await segmentImpact(db, admin, subject, draft, { now: NOW });
  const before = new Set(await selectionIds(db, databaseId, saved));
  const after = await selectionIds(db, databaseId, draft);
  const afterSet = new Set(after);
  const entering = after.filter((id) => !before.has(id));
  const leaving = [...before].filter((id) => !afterSet.has(id)).sort((a, b) => a - b);
  const staying = after.filter((id) => before.has(id));
  const independent = { entering: entering.length, leaving: leaving.length, staying: staying.length, samples: { entering: entering.slice(0, 20), leaving: leaving.slice(0, 20) } };
  return [impact, independent] as const;
}

describe("impact of a range edit of one event condition (profiles read from events alone)", () => {
  it("agrees with two separate selections for counted, plain and negated event conditions", async () => {
    const db = await getDb();
    const world = await createWorld(db, SEED, PROFILES);
    const subject = await addDynamicSegment(db, world, { range: { from: 0, to: 100 }, conditions: null, limit: null }, "Subject");
    const one = (condition: Json, not = false): Json => ({ logic: "and", groups: [{ logic: "and", not, conditions: [condition] }] });
    const rules = [
      one({ kind: "interaction", type: "opened", period: { last_days: 30 } }),
      one({ kind: "interaction", type: "clicked", count: { op: "gte", value: 2 } }),
      one({ kind: "event", type: "purchase", where: [{ property: "amount", op: "gt", value: 50 }], count: { op: "eq", value: 1 } }),
      one({ kind: "interaction", type: "opened", period: { last_days: 30 } }, true),
    ];
    let changed = 0;
    for (const conditions of rules) {
      for (const [from, to] of [[[0, 100], [20, 60]], [[0, 50], [50, 100]], [[12.34, 56.78], [0, 33.33]]] as const) {
        const [impact, independent] = await bothWays(db, world.databaseId, subject, { range: { from: from[0], to: from[1] }, conditions, limit: null }, { range: { from: to[0], to: to[1] }, conditions, limit: null });
        expect(impact, JSON.stringify({ conditions, from, to })).toEqual(independent);
        if (independent.entering + independent.leaving > 0) changed++;
      }
    }
    expect(changed).toBeGreaterThan(8);
  }, 120_000);
});

describe("impact agrees with two separate selections and their set differences", () => {
  it(`on random pairs of saved and draft rules (FC_SEED=${SEED}, ${RUNS} pairs)`, async () => {
    const db = await getDb();
    const world = await createWorld(db, SEED, PROFILES);
    const scripts = (n: number) => fc.sample(scriptArb({ profileIds: [], staticIds: world.staticIds, dynamicIds: [...world.dynamicIds] }, { groups: 2, conditions: 2 }), { seed: SEED + n, numRuns: 1 })[0];
    await addDynamicSegment(db, world, { range: { from: 0, to: 100 }, conditions: scripts(1), limit: null }, "Plain");
    await addDynamicSegment(db, world, { range: { from: 10, to: 90 }, conditions: scripts(2), limit: 20 }, "Limited");
    // The segment being edited; no other segment refers to it.
    const subject = await addDynamicSegment(db, world, { range: { from: 0, to: 100 }, conditions: null, limit: null }, "Subject");
    const profileIds = world.profiles.filter((p) => p.databaseId === world.databaseId).map((p) => p.id);
    const ruleArb = fc.record({ range: rangeArb, conditions: scriptArb({ profileIds, staticIds: world.staticIds, dynamicIds: world.dynamicIds.filter((id) => id !== subject) }), limit: limitArb });
    // Drafts are often small edits of the saved rule (what people do), sometimes another rule altogether;
    // a move of an unlimited rule's range is answered by its own statement (one scan of both ranges), so
    // it gets its own share of the pairs.
    const pairArb = fc.oneof(
      ruleArb.chain((saved) =>
        fc.tuple(
          fc.constant(saved),
          fc.oneof(
            ruleArb,
            rangeArb.map((range) => ({ ...saved, range })),
            limitArb.map((limit) => ({ ...saved, limit })),
            ruleArb.map((other) => ({ ...saved, conditions: other.conditions })),
          ),
        ),
      ),
      ruleArb.chain((rule) => rangeArb.map((range) => [{ ...rule, limit: null }, { ...rule, limit: null, range }] as const)),
    );
    let changed = 0;
    let rangeEdits = 0;
    try {
      await fc.assert(
        fc.asyncProperty(pairArb, async (pair) => {
          const [saved, draft] = JSON.parse(JSON.stringify(pair)) as [Rule, Rule];
          await db
            .update(dynamicSegments)
            .set({ rangeFrom: saved.range.from, rangeTo: saved.range.to, conditions: saved.conditions, limit: saved.limit })
            .where(eq(dynamicSegments.id, subject));
          const impact = await segmentImpact(db, admin, subject, draft, { now: NOW });
          const before = new Set(await selectionIds(db, world.databaseId, saved));
          const after = await selectionIds(db, world.databaseId, draft);
          const afterSet = new Set(after);
          const entering = after.filter((id) => !before.has(id));
          const leaving = [...before].filter((id) => !afterSet.has(id)).sort((a, b) => a - b);
          const staying = after.filter((id) => before.has(id));
          if (entering.length || leaving.length) changed++;
          if (saved.limit === null && draft.limit === null && JSON.stringify(saved.conditions) === JSON.stringify(draft.conditions) && JSON.stringify(saved.range) !== JSON.stringify(draft.range)) rangeEdits++;
          expect(impact).toEqual({
            entering: entering.length,
            leaving: leaving.length,
            staying: staying.length,
            samples: { entering: entering.slice(0, 20), leaving: leaving.slice(0, 20) },
          });
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: false },
      );
    } catch (error) {
      throw new Error(`Impact property failed with FC_SEED=${SEED}:\n${(error as Error).message}`);
    }
    // The pairs must reach real changes, or agreement proves little.
    expect(changed).toBeGreaterThan(RUNS * 0.3);
    expect(rangeEdits).toBeGreaterThan(RUNS * 0.2);
  }, 240_000);
});

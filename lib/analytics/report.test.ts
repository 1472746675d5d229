import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { makeSegment } from "@/db/testing/fixtures";
import { actingUser, addProfiles, makeDatabase } from "@/lib/segments/testing/fixtures";
import { composition } from "./composition";
import { engagement, topMailings } from "./engagement";
import { ENGAGEMENT_PERIODS } from "./labels";
import { reachability } from "./reachability";
import { analyticsReport } from "./report";
import { segmentSize } from "./size";
import { buildWorld, NOW, type World } from "./testing";

const admin = actingUser("admin");
const opts = { now: NOW };
let world: World;

beforeAll(async () => {
  world = await buildWorld(await getDb());
});

/** Each figure computed alone, by its own statement over the compiled selection (figures.test.ts checks those against hand-written SQL). */
async function alone(segmentId: number, days: (typeof ENGAGEMENT_PERIODS)[number], fieldKey: string | undefined) {
  const db = await getDb();
  return {
    size: await segmentSize(db, admin, segmentId, opts),
    engagement: await engagement(db, admin, segmentId, days, opts),
    topMailings: await topMailings(db, admin, segmentId, days, opts),
    reachability: await reachability(db, admin, segmentId, opts),
    composition: await composition(db, admin, segmentId, fieldKey, opts),
  };
}

describe("the page's report: every figure over one evaluation of the selection", () => {
  it.each(["segment", "limited", "empty", "everyone"] as const)("equals each figure computed alone, for every period and every field (%s)", async (which) => {
    const db = await getDb();
    const segmentId = world[which].id;
    for (const days of ENGAGEMENT_PERIODS) {
      for (const fieldKey of ["city", "points", "joined", "vip", undefined, "no such field"]) {
        const report = await analyticsReport(db, admin, segmentId, { days, fieldKey }, opts);
        expect([days, fieldKey, report]).toEqual([days, fieldKey, await alone(segmentId, days, fieldKey)]);
      }
    }
  });

  it("has real figures to compare, not zeros (the world's selection has engagement, mailings and every kind of field value)", async () => {
    const report = await analyticsReport(await getDb(), admin, world.segment.id, { days: 90, fieldKey: "points" }, opts);
    expect(report.size.count).toBe(7);
    expect(report.engagement.selection.deliveries).toBeGreaterThan(0);
    expect(report.topMailings.mailings.length).toBeGreaterThan(0);
    expect(report.reachability.hasEmail).toBe(4);
    expect(report.composition).toMatchObject({ kind: "number", empty: 2, invalid: 1 });
  });

  it("keeps a missing field apart from a JSON null one in the composition", async () => {
    const db = await getDb();
    const database = await makeDatabase(db, [{ key: "score", type: "number" }]);
    await addProfiles(db, database.id, [{ fields: {} }, { fields: { score: null } }, { fields: { score: 3 } }, { fields: { score: "x" } }, { fields: { other: 1 } }]);
    const segment = await makeSegment({ databaseId: database.id });
    const report = await analyticsReport(db, admin, segment.id, { days: 30, fieldKey: "score" }, opts);
    expect(report.composition).toEqual(await composition(db, admin, segment.id, "score", opts));
    expect(report.composition).toMatchObject({ total: 5, empty: 3, invalid: 1 });
  });

  it("has no composition for a database without custom fields", async () => {
    const db = await getDb();
    const database = await makeDatabase(db);
    await addProfiles(db, database.id, [{}, {}]);
    const segment = await makeSegment({ databaseId: database.id });
    const report = await analyticsReport(db, admin, segment.id, { days: 30, fieldKey: undefined }, opts);
    expect(report.composition).toBeNull();
    expect(report.size.count).toBe(2);
  });
});

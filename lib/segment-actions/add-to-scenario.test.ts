import { asc, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { scenarioParticipants } from "@/db/schema";
import { addToScenario } from "./add-to-scenario";
import { actionLog, isPostgres, makeScenario, makeWorld, rejection, type World } from "./testing";

async function participants(w: World, scenarioId: number) {
  const rows = await w.db
    .select({ id: scenarioParticipants.profileId })
    .from(scenarioParticipants)
    .where(eq(scenarioParticipants.scenarioId, scenarioId))
    .orderBy(asc(scenarioParticipants.profileId));
  return rows.map((r) => r.id);
}

describe("Add profiles to scenario", () => {
  it("adds the selection once; profiles already in the scenario are not added twice", async () => {
    const w = await makeWorld();
    const scenario = await makeScenario(w.source.id, "Welcome journey");
    await w.db.execute(sql`insert into scenario_participants (scenario_id, profile_id) values (${scenario.id}, ${w.ids[1]})`);
    const outcome = await addToScenario(w.db, w.marketer, { source: { segmentId: w.berliners.id }, scenarioId: scenario.id });
    expect(outcome).toMatchObject({ count: 4, added: 3, alreadyThere: 1, summary: "Added 3 profiles to scenario “Welcome journey” (1 profile already in it)" });
    expect(await participants(w, scenario.id)).toEqual([w.ids[0], w.ids[1], w.ids[3], w.ids[5]]);
    const again = await addToScenario(w.db, w.marketer, { source: { segmentId: w.berliners.id }, scenarioId: scenario.id });
    expect(again).toMatchObject({ added: 0, alreadyThere: 4 });
    expect(await participants(w, scenario.id)).toHaveLength(4);
    expect((await actionLog(w.berliners.id)).map((l) => l.details?.action)).toEqual(["add_to_scenario", "add_to_scenario"]);
  });

  it("two runs on the same scenario never deadlock and never add a profile twice", async () => {
    const w = await makeWorld();
    const scenario = await makeScenario(w.source.id);
    const params = { source: { rule: w.rule }, scenarioId: scenario.id };
    if (isPostgres()) {
      const other = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await other.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(7301, hashtext(${`scenario:${scenario.id}`}))`;
          expect((await rejection(addToScenario(w.db, w.marketer, params))).message).toContain("already being added");
        });
      } finally {
        await other.end();
      }
    }
    const results = await Promise.allSettled([addToScenario(w.db, w.marketer, params), addToScenario(w.db, w.admin, params)]);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    for (const r of results) if (r.status === "rejected") expect((r.reason as Error).message).toContain("already being added");
    expect(await participants(w, scenario.id)).toHaveLength(4);
  });

  it("answers 404 for a scenario the user may not see and refuses one of another database", async () => {
    const w = await makeWorld();
    const hiddenScenario = await makeScenario(w.hidden.id);
    const error = await rejection(addToScenario(w.db, w.outsider, { source: { rule: w.rule }, scenarioId: hiddenScenario.id }));
    expect(error.code).toBe("not_found");
    const elsewhere = await makeScenario(w.other.id, "Partner onboarding");
    const mismatch = await rejection(addToScenario(w.db, w.marketer, { source: { rule: w.rule }, scenarioId: elsewhere.id }));
    expect(mismatch.message).toBe("The scenario “Partner onboarding” belongs to another profile database.");
    expect(await participants(w, elsewhere.id)).toEqual([]);
    expect((await rejection(addToScenario(w.db, w.marketer, { source: { rule: w.rule }, scenarioId: 2_000_000_000 }))).code).toBe("not_found");
  });
});

import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { everyone, ruleChecks } from "@/lib/access/policy-entry";
import { requireScenarioTarget } from "@/lib/scenarios/queries";
import { addSelectionTo, countForWork, inActionTransaction, lockKeys, lockTarget, logAction, profilesWord, type ActionOutcome } from "./common";
import { defineSelectionAction, runNow } from "./define";
import { actionSourceSchema, pickedId } from "./schema";

export const addToScenarioEntry = defineSelectionAction({
  kind: "add_to_scenario",
  policy: { key: "segments.addToScenario", roles: everyone, checks: [...ruleChecks, "target scenario visible"], summary: "Add selected profiles to a scenario." },
  schema: z.strictObject({ source: actionSourceSchema, scenarioId: pickedId }),
  label: "Add profiles to scenario",

  async plan(db, user, params, source) {
    const scenario = await requireScenarioTarget(db, user, params.scenarioId, source.databaseId);
    return { title: `Add profiles to scenario “${scenario.name}”`, lockKey: lockKeys.scenario(scenario.id) };
  },

  /**
   * Add profiles to scenario: one `INSERT … SELECT` over the compiled selection; profiles already in
   * the scenario are not added twice. One transaction with the update-log row.
   */
  async run(db, user, params, source, ctx) {
    await requireScenarioTarget(db, user, params.scenarioId, source.databaseId);
    return inActionTransaction(db, {}, async (tx) => {
      const scenario = await requireScenarioTarget(tx, user, params.scenarioId, source.databaseId);
      await lockTarget(tx, lockKeys.scenario(scenario.id), `Profiles are already being added to the scenario “${scenario.name}”. Wait for it to finish, then try again.`);
      await countForWork(tx, source, ctx, (profiles) => `Adding ${profiles}`);

      const { selected, added, already } = await addSelectionTo(tx, source, { table: "scenario_participants", column: "scenario_id", id: scenario.id }, sql`on conflict do nothing`);
      const outcome: ActionOutcome = {
        count: selected,
        added,
        alreadyThere: already,
        scenarioId: scenario.id,
        scenarioName: scenario.name,
        summary: `Added ${profilesWord(added)} to scenario “${scenario.name}”${already ? ` (${profilesWord(already)} already in it)` : ""}`,
      };
      await logAction(tx, user, source, outcome, "add_to_scenario");
      ctx.progress?.({ done: selected });
      return outcome;
    });
  },
});

/** Adds now, without a job (tests, scripts). */
export const addToScenario = runNow(addToScenarioEntry);

import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { requireScenarioTarget } from "@/lib/scenarios/queries";
import {
  countForWork,
  emptySelection,
  inActionTransaction,
  lockKeys,
  lockTarget,
  logAction,
  profilesWord,
  resolveSource,
  scalar,
  type ActionOutcome,
  type ActionPlan,
  type RunContext,
} from "./common";
import { defineSelectionAction, runNow } from "./define";
import { addToScenarioSchema, type AddToScenarioParams } from "./schema";

async function plan(db: Db, user: ActingUser, params: AddToScenarioParams): Promise<ActionPlan> {
  const source = await resolveSource(db, user, params.source);
  const scenario = await requireScenarioTarget(db, user, params.scenarioId, source.databaseId);
  return {
    title: `Add profiles to scenario “${scenario.name}”`,
    lockKey: lockKeys.scenario(scenario.id),
    databaseId: source.databaseId,
    sourceSegmentId: source.segment?.id ?? null,
  };
}

/**
 * Add profiles to scenario: one `INSERT … SELECT` over the compiled selection; profiles already in
 * the scenario are not added twice. One transaction with the update-log row.
 */
async function run(db: Db, user: ActingUser, params: AddToScenarioParams, ctx: RunContext): Promise<ActionOutcome> {
  const source = await resolveSource(db, user, params.source, ctx);
  await requireScenarioTarget(db, user, params.scenarioId, source.databaseId);

  return inActionTransaction(db, {}, async (tx) => {
    const scenario = await requireScenarioTarget(tx, user, params.scenarioId, source.databaseId);
    await lockTarget(tx, lockKeys.scenario(scenario.id), `Profiles are already being added to the scenario “${scenario.name}”. Wait for it to finish, then try again.`);

    await countForWork(tx, source, ctx, (profiles) => `Adding ${profiles}`);

    const { selected, added } = await scalar(
      tx,
      sql`
        with sel as (${source.prepared.idsQuery}),
        ins as (
          insert into scenario_participants (scenario_id, profile_id)
          select ${scenario.id}::int, sel.id from sel
          on conflict do nothing
          returning 1
        )
        select (select count(*) from sel)::int as selected, (select count(*) from ins)::int as added`,
    );
    if (selected === 0) throw emptySelection();
    const already = selected - added;
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
}

export const addToScenarioEntry = defineSelectionAction({
  kind: "add_to_scenario",
  policyKey: "segments.addToScenario",
  schema: addToScenarioSchema,
  label: "Add profiles to scenario",
  plan,
  run,
});

/** Adds now, without a job (tests, scripts). */
export const addToScenario = runNow(addToScenarioEntry);

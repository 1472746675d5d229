"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction } from "@/lib/actions/define-action";
import { campaignInput, campaignValues } from "./campaign-values";
import { createScenario, createScenarioSchema } from "./queries";

/** Create scenario (a plain form post: works without JavaScript); opens the new scenario. */
export const createScenarioAction = defineFormAction({
  key: "scenarios.create",
  read: campaignInput,
  keep: campaignValues,
  input: createScenarioSchema,
  handler: async (input, { db, user }) => {
    const scenario = await createScenario(db, user, input);
    revalidatePath("/scenarios");
    redirect(`/scenarios/${scenario.id}`);
  },
});

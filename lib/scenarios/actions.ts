"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/safe-action";
import { createScenario } from "./queries";

export type CampaignFormState = { message?: string; fieldErrors?: Record<string, string>; values?: { name: string; databaseId: string; segmentId: string } };

/** Create scenario (a plain form post: works without JavaScript); opens the new scenario. */
export async function createScenarioAction(_prev: CampaignFormState, form: FormData): Promise<CampaignFormState> {
  const values = { name: String(form.get("name") ?? ""), databaseId: String(form.get("databaseId") ?? ""), segmentId: String(form.get("segmentId") ?? "") };
  const result = await runAction("scenarios.create", ({ db, user }) =>
    createScenario(db, user, { name: values.name, databaseId: Number(values.databaseId) || 0, segmentId: Number(values.segmentId) || null }),
  );
  if (!result.ok) return { message: result.message, fieldErrors: result.fieldErrors, values };
  revalidatePath("/scenarios");
  redirect(`/scenarios/${result.data.id}`);
}

"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/safe-action";
import type { CampaignFormState } from "@/lib/scenarios/actions";
import { createMailing } from "./queries";

/** Create mailing (a plain form post: works without JavaScript); shows it highlighted in the list. */
export async function createMailingAction(_prev: CampaignFormState, form: FormData): Promise<CampaignFormState> {
  const values = { name: String(form.get("name") ?? ""), databaseId: String(form.get("databaseId") ?? ""), segmentId: String(form.get("segmentId") ?? "") };
  const result = await runAction("mailings.create", ({ db, user }) =>
    createMailing(db, user, { name: values.name, databaseId: Number(values.databaseId) || 0, segmentId: Number(values.segmentId) || null }),
  );
  if (!result.ok) return { message: result.message, fieldErrors: result.fieldErrors, values };
  revalidatePath("/mailings");
  if (result.data.segmentId) revalidatePath(`/segments/dynamic/${result.data.segmentId}`);
  redirect(`/mailings?highlight=${result.data.id}`);
}

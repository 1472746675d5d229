"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineFormAction } from "@/lib/actions/define-action";
import { campaignInput, campaignValues } from "@/lib/scenarios/campaign-values";
import { createMailing, createMailingSchema } from "./queries";

/** Create mailing (a plain form post: works without JavaScript); shows it highlighted in the list. */
export const createMailingAction = defineFormAction({
  key: "mailings.create",
  read: campaignInput,
  keep: campaignValues,
  input: createMailingSchema,
  handler: async (input, { db, user }) => {
    const mailing = await createMailing(db, user, input);
    revalidatePath("/mailings");
    if (mailing.segmentId) revalidatePath(`/segments/dynamic/${mailing.segmentId}`);
    redirect(`/mailings?highlight=${mailing.id}`);
  },
});

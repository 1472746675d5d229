"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineFormAction } from "@/lib/actions/define-action";
import { coercedIdSchema } from "@/lib/validation/input";
import { createStaticSegment, createStaticSegmentSchema, removeStaticSegmentMembers } from "./queries";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");
const positive = (values: FormDataEntryValue[]) => values.map(Number).filter((n) => Number.isInteger(n) && n > 0);

/** Create static segment (a plain form post: works without JavaScript); opens the new segment. */
export const createStaticSegmentAction = defineFormAction({
  key: "staticSegments.create",
  read: (form) => ({ name: text(form, "name"), databaseId: Number(text(form, "databaseId")) || 0, accessGroupIds: positive(form.getAll("accessGroupIds")) }),
  keep: (form) => ({ name: text(form, "name"), databaseId: text(form, "databaseId") }),
  input: createStaticSegmentSchema,
  handler: async (input, { db, user }) => {
    const segment = await createStaticSegment(db, user, input);
    revalidatePath("/segments/static");
    redirect(`/segments/static/${segment.id}`);
  },
});

/** Remove the ticked members from a static segment. */
export const removeStaticSegmentMembersAction = defineFormAction({
  key: "staticSegments.removeMembers",
  read: (form) => ({ segmentId: text(form, "segmentId"), profileIds: positive(form.getAll("profileId")) }),
  input: z.object({ segmentId: coercedIdSchema("Not a static segment id."), profileIds: z.array(z.int()) }),
  handler: async (input, { db, user }) => {
    const result = await removeStaticSegmentMembers(db, user, input.segmentId, input.profileIds);
    revalidatePath(`/segments/static/${input.segmentId}`);
    revalidatePath("/segments/static");
    return result;
  },
});

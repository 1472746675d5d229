"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { idSchema } from "@/lib/validation/input";
import { cloneSegment, deleteSegmentPermanently, moveSegmentToBin, restoreSegment } from "./lifecycle";

/** The segment a row action works on. */
const segmentRef = z.strictObject({ id: idSchema("Not a segment id.") });

export const cloneSegmentAction = defineAction({
  key: "segments.clone",
  input: segmentRef,
  handler: async ({ id }, { db, user }) => {
    const clone = await cloneSegment(db, user, id);
    revalidatePath("/segments/dynamic");
    return clone;
  },
});

export const moveSegmentToBinAction = defineAction({
  key: "segments.bin",
  input: segmentRef,
  handler: async ({ id }, { db, user }) => {
    await moveSegmentToBin(db, user, id);
    revalidatePath("/segments/dynamic");
    revalidatePath("/bin");
  },
});

export const restoreSegmentAction = defineAction({
  key: "segments.restore",
  input: segmentRef,
  handler: async ({ id }, { db, user }) => {
    await restoreSegment(db, user, id);
    revalidatePath("/segments/dynamic");
    revalidatePath("/bin");
  },
});

export const deleteSegmentPermanentlyAction = defineAction({
  key: "segments.deletePermanently",
  input: segmentRef,
  handler: async ({ id }, { db, user }) => {
    await deleteSegmentPermanently(db, user, id);
    revalidatePath("/bin");
  },
});

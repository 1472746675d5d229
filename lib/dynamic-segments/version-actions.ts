"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { idSchema } from "@/lib/validation/input";
import { impactDraftSchema, segmentImpact } from "./impact";
import { restoreSegmentVersion } from "./restore-version";

const segmentId = idSchema("Not a segment id.");

/** "Preview changes": who would enter, leave and stay if the saved segment took the form's draft. */
export const previewImpactAction = defineAction({
  key: "segments.impact",
  input: z.strictObject({ segmentId, draft: z.custom<z.input<typeof impactDraftSchema>>() }),
  handler: ({ segmentId: id, draft }, { db, user }) => segmentImpact(db, user, id, draft),
});

/** "Restore this version": saves version n's definition as a new version. */
export const restoreVersionAction = defineAction({
  key: "segments.restoreVersion",
  input: z.strictObject({ segmentId, n: idSchema("Not a version number.") }),
  handler: async ({ segmentId: id, n }, { db, user }) => {
    const { version } = await restoreSegmentVersion(db, user, id, n);
    revalidatePath(`/segments/dynamic/${id}`);
    revalidatePath("/segments/dynamic");
    return { version };
  },
});

"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/actions/safe-action";
import { invalid } from "@/lib/errors";
import type { Impact } from "@/lib/segments/impact";
import { segmentImpact, type ImpactDraft } from "./impact";
import { restoreSegmentVersion } from "./restore-version";

const positiveId = z.int().positive().max(2_147_483_647);

function parseId(value: unknown, path: string): number {
  const parsed = positiveId.safeParse(value);
  if (!parsed.success) throw invalid([{ path, message: "Not an id." }]);
  return parsed.data;
}

/** "Preview changes": who would enter, leave and stay if the saved segment took the form's draft. */
export async function previewImpactAction(segmentId: number, draft: ImpactDraft): Promise<ActionResult<Impact>> {
  return runAction("segments.impact", ({ db, user }) => segmentImpact(db, user, parseId(segmentId, "id"), draft));
}

/** "Restore this version": saves version n's definition as a new version. */
export async function restoreVersionAction(segmentId: number, n: number): Promise<ActionResult<{ version: number | null }>> {
  const result = await runAction("segments.restoreVersion", async ({ db, user }) => {
    const { version } = await restoreSegmentVersion(db, user, parseId(segmentId, "id"), parseId(n, "n"));
    return { version };
  });
  if (result.ok) {
    revalidatePath(`/segments/dynamic/${segmentId}`);
    revalidatePath("/segments/dynamic");
  }
  return result;
}

"use server";

import { revalidatePath } from "next/cache";
import { runAction, type ActionResult } from "@/lib/actions/safe-action";
import { invalid } from "@/lib/errors";
import { coercedIdSchema } from "@/lib/validation/input";
import { cloneSegment, deleteSegmentPermanently, moveSegmentToBin, restoreSegment } from "./lifecycle";

const segmentId = coercedIdSchema();

function parseId(value: unknown): number {
  const parsed = segmentId.safeParse(value);
  if (!parsed.success) throw invalid([{ path: "id", message: "Not a segment id." }]);
  return parsed.data;
}

export async function cloneSegmentAction(id: number): Promise<ActionResult<{ id: number; name: string }>> {
  const result = await runAction("segments.clone", ({ db, user }) => cloneSegment(db, user, parseId(id)));
  if (result.ok) revalidatePath("/segments/dynamic");
  return result;
}

export async function moveSegmentToBinAction(id: number): Promise<ActionResult> {
  const result = await runAction("segments.bin", async ({ db, user }) => {
    await moveSegmentToBin(db, user, parseId(id));
  });
  if (result.ok) {
    revalidatePath("/segments/dynamic");
    revalidatePath("/bin");
  }
  return result;
}

export async function restoreSegmentAction(id: number): Promise<ActionResult> {
  const result = await runAction("segments.restore", async ({ db, user }) => {
    await restoreSegment(db, user, parseId(id));
  });
  if (result.ok) {
    revalidatePath("/segments/dynamic");
    revalidatePath("/bin");
  }
  return result;
}

export async function deleteSegmentPermanentlyAction(id: number): Promise<ActionResult> {
  const result = await runAction("segments.deletePermanently", async ({ db, user }) => {
    await deleteSegmentPermanently(db, user, parseId(id));
  });
  if (result.ok) revalidatePath("/bin");
  return result;
}

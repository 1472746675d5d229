"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/safe-action";
import { createStaticSegment, removeStaticSegmentMembers } from "./queries";

export type CreateFormState = { message?: string; fieldErrors?: Record<string, string>; values?: { name: string; databaseId: string } };

/** Create static segment (a plain form post: works without JavaScript); opens the new segment. */
export async function createStaticSegmentAction(_prev: CreateFormState, form: FormData): Promise<CreateFormState> {
  const values = { name: String(form.get("name") ?? ""), databaseId: String(form.get("databaseId") ?? "") };
  const result = await runAction("staticSegments.create", ({ db, user }) =>
    createStaticSegment(db, user, {
      name: values.name,
      databaseId: Number(values.databaseId) || 0,
      accessGroupIds: form.getAll("accessGroupIds").map(Number).filter((n) => Number.isInteger(n) && n > 0),
    }),
  );
  if (!result.ok) return { message: result.message, fieldErrors: result.fieldErrors, values };
  revalidatePath("/segments/static");
  redirect(`/segments/static/${result.data.id}`);
}

export type RemoveMembersState = { message?: string; removed?: number };

/** Remove the ticked members from a static segment. */
export async function removeStaticSegmentMembersAction(_prev: RemoveMembersState, form: FormData): Promise<RemoveMembersState> {
  const segmentId = Number(form.get("segmentId"));
  const profileIds = form.getAll("profileId").map(Number);
  const result = await runAction("staticSegments.removeMembers", ({ db, user }) => removeStaticSegmentMembers(db, user, segmentId, profileIds));
  if (!result.ok) return { message: result.message };
  revalidatePath(`/segments/static/${segmentId}`);
  revalidatePath("/segments/static");
  return { removed: result.data.removed };
}

import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { everyone, ruleChecks } from "@/lib/access/policy-entry";
import { createStaticSegment, requireStaticSegmentTarget } from "@/lib/static-segments/queries";
import { addSelectionTo, countForWork, inActionTransaction, lockKeys, lockTarget, logAction, profilesWord, type ActionOutcome } from "./common";
import { defineSelectionAction, runNow } from "./define";
import { actionSourceSchema, newName, pickedId } from "./schema";

function lockTargetFor(tx: Db, lockKey: string, name: string) {
  return lockTarget(tx, lockKey, `A copy to the static segment “${name}” is already running. Wait for it to finish, then try again.`);
}

export const copyToStaticSegmentEntry = defineSelectionAction({
  kind: "copy_to_static_segment",
  policy: { key: "segments.copyToStaticSegment", roles: everyone, checks: [...ruleChecks, "target static segment visible"], summary: "Copy selected profiles to a static segment." },
  schema: z.strictObject({
    source: actionSourceSchema,
    /** An existing static segment of the same database, or a new one named on the spot. */
    target: z.union([z.strictObject({ staticSegmentId: pickedId }), z.strictObject({ newName })], { error: "Choose a static segment or name a new one." }),
  }),
  label: "Copy profiles to static segment",
  targets: { staticSegment: ["target", "staticSegmentId"] },

  async plan(db, user, params, source) {
    if ("staticSegmentId" in params.target) {
      const target = await requireStaticSegmentTarget(db, user, params.target.staticSegmentId, source.databaseId);
      return { title: `Copy profiles to static segment “${target.name}”`, lockKey: lockKeys.staticSegment(target.id) };
    }
    return {
      title: `Copy profiles to new static segment “${params.target.newName}”`,
      lockKey: lockKeys.newStaticSegment(source.databaseId, params.target.newName),
    };
  },

  /**
   * Copy profiles to static segment: one `INSERT … SELECT` over the compiled selection, in one
   * transaction with the new segment (if named on the spot) and the update-log row. Profiles already in
   * the segment are left alone (`NOT EXISTS`; a new segment has none), so a repeated copy adds nothing
   * twice. This action is the only writer of members and holds the target's advisory lock, so the
   * anti-join cannot race; it is about 10 % cheaper than `ON CONFLICT DO NOTHING`, whose speculative
   * insertion probes the primary key a second time per row.
   */
  async run(db, user, params, source, ctx) {
    const existing = "staticSegmentId" in params.target ? params.target : null;
    if (existing) await requireStaticSegmentTarget(db, user, existing.staticSegmentId, source.databaseId);

    return inActionTransaction(db, {}, async (tx) => {
      const target = existing ? await requireStaticSegmentTarget(tx, user, existing.staticSegmentId, source.databaseId) : null;
      const newName = "newName" in params.target ? params.target.newName : "";
      await lockTargetFor(tx, target ? lockKeys.staticSegment(target.id) : lockKeys.newStaticSegment(source.databaseId, newName), target?.name ?? newName);

      await countForWork(tx, source, ctx, (profiles) => `Copying ${profiles}`);

      const segment =
        target ??
        (await createStaticSegment(tx, user, { name: newName, databaseId: source.databaseId }, { path: "target.newName" }));
      const { selected, added, already } = await addSelectionTo(
        tx,
        source,
        { table: "static_segment_members", column: "segment_id", id: segment.id },
        target ? sql`where not exists (select 1 from static_segment_members m where m.segment_id = ${segment.id}::int and m.profile_id = sel.id)` : sql``,
      );
      const outcome: ActionOutcome = {
        count: selected,
        added,
        alreadyThere: already,
        staticSegmentId: segment.id,
        staticSegmentName: segment.name,
        summary: `Copied ${profilesWord(selected)} to static segment “${segment.name}”${already ? ` (${profilesWord(already)} already there)` : ""}`,
      };
      await logAction(tx, user, source, outcome, "copy_to_static_segment");
      ctx.progress?.({ done: selected });
      return outcome;
    });
  },
});

/** Copies now, without a job (tests, scripts). */
export const copyToStaticSegment = runNow(copyToStaticSegmentEntry);

import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { createStaticSegment, requireStaticSegmentTarget } from "@/lib/static-segments/queries";
import {
  countForWork,
  emptySelection,
  inActionTransaction,
  lockKeys,
  lockTarget,
  logAction,
  profilesWord,
  resolveSource,
  scalar,
  type ActionOutcome,
  type ActionPlan,
  type RunContext,
} from "./common";
import { defineSelectionAction, runNow } from "./define";
import { copyToStaticSegmentSchema, type CopyToStaticSegmentParams } from "./schema";

/** Checks access to the source and the target before anything is queued; names the job. */
async function plan(db: Db, user: ActingUser, params: CopyToStaticSegmentParams): Promise<ActionPlan> {
  const source = await resolveSource(db, user, params.source);
  const base = { databaseId: source.databaseId, sourceSegmentId: source.segment?.id ?? null };
  if ("staticSegmentId" in params.target) {
    const target = await requireStaticSegmentTarget(db, user, params.target.staticSegmentId, source.databaseId);
    return { ...base, title: `Copy profiles to static segment “${target.name}”`, lockKey: lockKeys.staticSegment(target.id) };
  }
  return {
    ...base,
    title: `Copy profiles to new static segment “${params.target.newName}”`,
    lockKey: lockKeys.newStaticSegment(source.databaseId, params.target.newName),
  };
}

/**
 * Copy profiles to static segment: one `INSERT … SELECT` over the compiled selection, in one
 * transaction with the new segment (if named on the spot) and the update-log row. Profiles already in
 * the segment are left alone (`NOT EXISTS`; a new segment has none), so a repeated copy adds nothing
 * twice. This action is the only writer of members and holds the target's advisory lock, so the
 * anti-join cannot race; it is about 10 % cheaper than `ON CONFLICT DO NOTHING`, whose speculative
 * insertion probes the primary key a second time per row.
 */
async function run(db: Db, user: ActingUser, params: CopyToStaticSegmentParams, ctx: RunContext): Promise<ActionOutcome> {
  const source = await resolveSource(db, user, params.source, ctx);
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
    // The statement counts what it read and what it added itself: exact, whatever changed since the count.
    const { selected, added } = await scalar(
      tx,
      sql`
        with sel as (${source.prepared.idsQuery}),
        ins as (
          insert into static_segment_members (segment_id, profile_id)
          select ${segment.id}::int, sel.id from sel
          ${target ? sql`where not exists (select 1 from static_segment_members m where m.segment_id = ${segment.id}::int and m.profile_id = sel.id)` : sql``}
          returning 1
        )
        select (select count(*) from sel)::int as selected, (select count(*) from ins)::int as added`,
    );
    if (selected === 0) throw emptySelection();
    const already = selected - added;
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
}

function lockTargetFor(tx: Db, lockKey: string, name: string) {
  return lockTarget(tx, lockKey, `A copy to the static segment “${name}” is already running. Wait for it to finish, then try again.`);
}

export const copyToStaticSegmentEntry = defineSelectionAction({
  kind: "copy_to_static_segment",
  policyKey: "segments.copyToStaticSegment",
  schema: copyToStaticSegmentSchema,
  label: "Copy profiles to static segment",
  targets: { staticSegment: ["target", "staticSegmentId"] },
  plan,
  run,
});

/** Copies now, without a job (tests, scripts). */
export const copyToStaticSegment = runNow(copyToStaticSegmentEntry);

import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { everyone, ruleChecks } from "@/lib/access/policy-entry";
import type { ActingUser } from "@/lib/access/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import { invalid } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { countForWork, countSelection, inActionTransaction, lockKeys, lockTarget, logAction, profilesWord, resolveSource, scalar } from "./common";
import type { ActionOutcome, ResolvedSource, RunContext } from "./common";
import { assignments, changedField, describeChanges, newValue, oldValue, resolveChanges, wouldChange, type ResolvedChange } from "./profile-changes";
import { defineSelectionAction, runNow } from "./define";
import { actionSourceSchema, profileChangeSchema } from "./schema";

const MAX_CHANGES = 50;
const label = "Bulk edit profiles";

export const bulkEditSchema = z.strictObject({
  source: actionSourceSchema,
  changes: z
    .array(profileChangeSchema)
    .min(1, { error: "Add at least one change." })
    .max(MAX_CHANGES, { error: `Use at most ${MAX_CHANGES} changes.` }),
});
type BulkEditParams = z.output<typeof bulkEditSchema>;

async function checkedChanges(db: Db, source: ResolvedSource, changes: BulkEditParams["changes"]): Promise<ResolvedChange[]> {
  const { resolved, issues } = resolveChanges(changes, await databaseFields(db, source.databaseId));
  if (issues.length) throw invalid(issues, "Some changes are not valid; nothing was changed.");
  return resolved;
}

/** How many profiles of the selection a bulk edit would change (others already have the values). */
export async function previewBulkEdit(db: Db, user: ActingUser, params: BulkEditParams, ctx: RunContext = {}): Promise<{ total: number; willChange: number }> {
  const source = await resolveSource(db, user, params.source, ctx);
  const changes = await checkedChanges(db, source, params.changes);
  return inActionTransaction(db, { isolation: "repeatable read" }, async (tx) => {
    const total = await countSelection(tx, source);
    const { n } = await scalar(
      tx,
      sql`select count(*)::int as n from profiles o where o.id in (${source.prepared.idsQuery}) and ${wouldChange(changes, "o")}`,
    );
    return { total, willChange: n };
  });
}

/**
 * Bulk edit: two set-based statements on one snapshot (repeatable read). The first writes one
 * `profile_changes` row per value that will change, reading the old values; the second is the plain
 * `UPDATE` of the same profiles (`id in (selection) and would change`). Both see the same rows, so the
 * history matches the update exactly; a profile that someone else changes in between makes the UPDATE
 * fail with a serialization error and the whole action rolls back. Measured on 200,000 profiles this is
 * about 1.5× the plain UPDATE; an `UPDATE … FROM` self-join that returned the old values cost 2×
 * (docs/benchmarks.md). Profiles that already have the values are neither updated nor logged.
 */
async function run(
  db: Db,
  user: ActingUser,
  params: BulkEditParams,
  source: ResolvedSource,
  ctx: RunContext & { /** Awaited between the history and the UPDATE (tests change a profile there). */ beforeUpdate?: () => Promise<void> },
): Promise<ActionOutcome> {
  const changes = await checkedChanges(db, source, params.changes);
  const now = new Date();

  return inActionTransaction(db, { isolation: "repeatable read" }, async (tx) => {
      await lockTarget(tx, lockKeys.profiles(source.databaseId), "Another action is already changing the profiles of this database. Wait for it to finish, then try again.");
      const total = await countForWork(tx, source, ctx, (profiles) => `Updating up to ${profiles}`);

      const targets = (o: string) => sql`${sql.raw(o)}.id in (${source.prepared.idsQuery}) and ${wouldChange(changes, o)}`;
      const history = changes.map((c) => sql`(${changedField(c)}::text, ${oldValue(c, "o")}, ${newValue(c)})`);
      const { changes: rows } = await scalar(
        tx,
        sql`
          with hist as (
            insert into profile_changes (profile_id, database_id, user_id, changed_at, field, old_value, new_value, source)
            select o.id, ${source.databaseId}::int, ${user.id}::int, ${now.toISOString()}::timestamptz, c.field, c.old_value, c.new_value, 'bulk_edit'
            from profiles o cross join lateral (values ${sql.join(history, sql`, `)}) as c(field, old_value, new_value)
            where ${targets("o")} and c.old_value is distinct from c.new_value
            returning 1
          )
          select count(*)::int as changes from hist`,
      );
      await ctx.beforeUpdate?.();
      const { profiles: changed } = await scalar(
        tx,
        sql`
          with upd as (
            update profiles t set ${assignments(changes, "t", now)}
            where ${targets("t")}
            returning 1
          )
          select count(*)::int as profiles from upd`,
      );
      const unchanged = Math.max(0, total - changed);
      const outcome: ActionOutcome = {
        count: changed,
        selected: total,
        unchanged,
        historyRows: rows,
        summary: `Updated ${profilesWord(changed)} (${describeChanges(changes)})${unchanged ? `; ${formatCount(unchanged)} already had these values` : ""}`,
      };
      await logAction(tx, user, source, outcome, "bulk_edit");
      ctx.progress?.({ done: total });
      return outcome;
  });
}

export const bulkEditEntry = defineSelectionAction({
  kind: "bulk_edit",
  policy: { key: "segments.bulkEditProfiles", roles: everyone, checks: ruleChecks, summary: "Change a field on every selected profile." },
  schema: bulkEditSchema,
  label,

  async plan(db, _user, params, source) {
    const changes = await checkedChanges(db, source, params.changes);
    return { title: `${label}: ${describeChanges(changes)}`, lockKey: lockKeys.profiles(source.databaseId) };
  },
  run,
});

/** Edits now, without a job (tests, scripts). */
export const applyBulkEdit = runNow(bulkEditEntry);

import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ActingUser } from "@/lib/auth/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import { invalid } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import {
  countSelection,
  emptySelection,
  inActionTransaction,
  lockKeys,
  lockTarget,
  logAction,
  parseParams,
  profilesWord,
  resolveSource,
  scalar,
  type ActionOutcome,
  type ActionPlan,
  type ResolvedSource,
  type RunContext,
} from "./common";
import { assignments, changedField, describeChanges, newValue, oldValue, resolveChanges, wouldChange, type ResolvedChange } from "./profile-changes";
import { bulkEditSchema } from "./schema";

async function checkedChanges(db: Db, source: ResolvedSource, changes: unknown[]): Promise<ResolvedChange[]> {
  const { resolved, issues } = resolveChanges(changes as never, await databaseFields(db, source.databaseId));
  if (issues.length) throw invalid(issues, "Some changes are not valid; nothing was changed.");
  return resolved;
}

/** How many profiles of the selection a bulk edit would change (others already have the values). */
export async function previewBulkEdit(db: Db, user: ActingUser, input: unknown, ctx: RunContext = {}): Promise<{ total: number; willChange: number }> {
  const params = parseParams(bulkEditSchema, input);
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

export async function planBulkEdit(db: Db, user: ActingUser, input: unknown): Promise<ActionPlan> {
  const params = parseParams(bulkEditSchema, input);
  const source = await resolveSource(db, user, params.source);
  const changes = await checkedChanges(db, source, params.changes);
  return {
    title: `Bulk edit profiles: ${describeChanges(changes)}`,
    lockKey: lockKeys.profiles(source.databaseId),
    databaseId: source.databaseId,
    sourceSegmentId: source.segment?.id ?? null,
  };
}

/**
 * Bulk edit: one statement that updates the profiles that would change, set-based, and writes one
 * `profile_changes` row per changed value from the UPDATE's RETURNING — a data-modifying CTE, so the
 * history cannot drift from the update. Profiles that already have the values are left untouched.
 */
export async function applyBulkEdit(db: Db, user: ActingUser, input: unknown, ctx: RunContext = {}): Promise<ActionOutcome> {
  const params = parseParams(bulkEditSchema, input);
  const source = await resolveSource(db, user, params.source, ctx);
  const changes = await checkedChanges(db, source, params.changes);
  const now = new Date();

  return inActionTransaction(db, {}, async (tx) => {
    await lockTarget(tx, lockKeys.profiles(source.databaseId), "Another action is already changing the profiles of this database. Wait for it to finish, then try again.");
    ctx.progress?.({ stage: "Counting the selection" });
    const total = await countSelection(tx, source);
    if (total === 0) throw emptySelection();
    ctx.progress?.({ total, done: 0, stage: `Updating up to ${profilesWord(total)}` });

    const olds = changes.map((c, i) => sql`${oldValue(c, "o")} as ${sql.raw(`v${i}`)}`);
    const history = changes.map((c, i) => sql`(${changedField(c)}::text, upd.${sql.raw(`v${i}`)}, ${newValue(c)})`);
    // The old values come from the UPDATE's own FROM (the statement's snapshot); rows are not locked
    // twice. Every writer that updates profiles holds the database's advisory lock (lockTarget above),
    // so no other change can slip in between and make an old value stale.
    const { profiles: changed, changes: rows } = await scalar(
      tx,
      sql`
        with upd as (
          update profiles t set ${assignments(changes, "t", now)}
          from (
            select o.id, ${sql.join(olds, sql`, `)}
            from profiles o
            where o.id in (${source.prepared.idsQuery}) and ${wouldChange(changes, "o")}
          ) old
          where t.id = old.id
          returning t.id, ${sql.join(
            changes.map((_, i) => sql.raw(`old.v${i}`)),
            sql`, `,
          )}
        ),
        hist as (
          insert into profile_changes (profile_id, database_id, user_id, changed_at, field, old_value, new_value, source)
          select upd.id, ${source.databaseId}::int, ${user.id}::int, ${now.toISOString()}::timestamptz, c.field, c.old_value, c.new_value, 'bulk_edit'
          from upd cross join lateral (values ${sql.join(history, sql`, `)}) as c(field, old_value, new_value)
          where c.old_value is distinct from c.new_value
          returning 1
        )
        select (select count(*) from upd)::int as profiles, (select count(*) from hist)::int as changes`,
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

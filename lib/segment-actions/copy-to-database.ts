import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { requireVisibleDatabase } from "@/lib/access/guards";
import { everyone, ruleChecks } from "@/lib/access/policy-entry";
import type { ActingUser } from "@/lib/access/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import { AppError, invalid, isAppError } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { countForWork, inActionTransaction, lockKeys, lockTarget, logAction, profilesWord, scalar, type ActionOutcome, type ResolvedSource, type RunContext } from "./common";
import { defineSelectionAction, runNow } from "./define";
import { actionSourceSchema, pickedId } from "./schema";

const copyToDatabaseSchema = z.strictObject({
  source: actionSourceSchema,
  targetDatabaseId: pickedId,
  /** A profile whose email already exists in the target: leave the target as it is, or update it. */
  onExistingEmail: z.enum(["skip", "update"], { error: "Choose skip or update." }),
});
type CopyToDatabaseParams = z.output<typeof copyToDatabaseSchema>;

/** The target database, visible to the user (else 404 on `targetDatabaseId`) and not the source itself. */
async function requireTargetDatabase(db: Db, user: ActingUser, targetId: number, sourceId: number) {
  const target = await requireVisibleDatabase(db, user, targetId).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found")
      throw new AppError("not_found", "The target profile database was not found.", [{ path: "targetDatabaseId", message: "This profile database was not found." }]);
    throw error;
  });
  if (target.id === sourceId)
    throw invalid([{ path: "targetDatabaseId", message: "Choose a database other than the source." }], "Profiles cannot be copied into their own database.");
  return target;
}

/** Custom fields both databases declare with the same key and type: only these are copied. */
async function sharedFieldKeys(db: Db, sourceId: number, targetId: number): Promise<string[]> {
  const [from, to] = await Promise.all([databaseFields(db, sourceId), databaseFields(db, targetId)]);
  return from.filter((f) => to.some((t) => t.key === f.key && t.type === f.type)).map((f) => f.key);
}

/** `fields` of the source row `f` reduced to the shared keys (JSON nulls dropped); at most 50 pairs per call. */
function sharedFields(keys: string[], f: string): SQL {
  if (!keys.length) return sql`'{}'::jsonb`;
  const chunks: SQL[] = [];
  for (let i = 0; i < keys.length; i += 50) {
    const pairs = keys.slice(i, i + 50).map((k) => sql`${k}::text, ${sql.raw(f)}.fields -> ${k}::text`);
    chunks.push(sql`jsonb_build_object(${sql.join(pairs, sql`, `)})`);
  }
  return sql`jsonb_strip_nulls(${sql.join(chunks, sql` || `)})`;
}

/** What "update" overwrites on a target profile: a source value wins, an empty one keeps the target's. */
function updatedColumns(keys: string[]) {
  const plain = ["phone", "first_name", "last_name", "email_subscription", "sms_subscription", "push_subscription"].map((column) => ({
    field: column,
    old: (t: string) => sql`to_jsonb(${sql.raw(`${t}.${column}`)})`,
    next: (f: string, t: string) => sql`to_jsonb(coalesce(${sql.raw(`${f}.${column}`)}, ${sql.raw(`${t}.${column}`)}))`,
    assign: (f: string, t: string) => sql`${sql.raw(column)} = coalesce(${sql.raw(`${f}.${column}`)}, ${sql.raw(`${t}.${column}`)})`,
  }));
  const custom = keys.map((key) => ({
    field: key,
    old: (t: string) => sql`${sql.raw(t)}.fields -> ${key}::text`,
    next: (f: string, t: string) => sql`coalesce(nullif(${sql.raw(f)}.fields -> ${key}::text, 'null'::jsonb), ${sql.raw(t)}.fields -> ${key}::text)`,
  }));
  return { plain, custom };
}

/**
 * Copy profiles to profile database: the selection's profiles become new profiles of the target (new
 * ids) with their system fields, the custom fields both databases declare alike, and subscriptions.
 * A profile whose email (ignoring case) is already in the target is skipped, or updates the profile
 * there — with a `profile_changes` row per changed value. Within the selection, the first profile
 * (lowest id) of each email wins. One statement, one transaction.
 */
async function run(db: Db, user: ActingUser, params: CopyToDatabaseParams, source: ResolvedSource, ctx: RunContext): Promise<ActionOutcome> {
  const target = await requireTargetDatabase(db, user, params.targetDatabaseId, source.databaseId);
  const keys = await sharedFieldKeys(db, source.databaseId, target.id);
  const now = new Date().toISOString();
  const update = params.onExistingEmail === "update";

  return inActionTransaction(db, {}, async (tx) => {
    await requireTargetDatabase(tx, user, target.id, source.databaseId);
    await lockTarget(tx, lockKeys.profiles(target.id), `Another action is already changing the profiles of “${target.name}”. Wait for it to finish, then try again.`);
    await countForWork(tx, source, ctx, (profiles) => `Copying ${profiles}`);

    const { plain, custom } = updatedColumns(keys);
    const compared = [...plain, ...custom];
    const updateCtes = update
      ? sql`,
        stale as (
          select m.src_id, t.id as target_id, ${sql.join(
            compared.map((c, i) => sql`${c.old("t")} as ${sql.raw(`o${i}`)}, ${c.next("f", "t")} as ${sql.raw(`n${i}`)}`),
            sql`, `,
          )}
          from matched m join firsts f on f.id = m.src_id join profiles t on t.id = m.target_id
          where ${sql.join(
            compared.map((c) => sql`(${c.old("t")}) is distinct from (${c.next("f", "t")})`),
            sql` or `,
          )}
        ),
        upd as (
          update profiles t set ${sql.join(
            plain.map((c) => c.assign("f", "t")),
            sql`, `,
          )}, fields = t.fields || ${sharedFields(keys, "f")}, updated_at = ${now}::timestamptz
          from stale s join firsts f on f.id = s.src_id
          where t.id = s.target_id
          returning t.id
        ),
        hist as (
          insert into profile_changes (profile_id, database_id, user_id, changed_at, field, old_value, new_value, source)
          select s.target_id, ${target.id}::int, ${user.id}::int, ${now}::timestamptz, c.field, c.old_value, c.new_value, 'copy_to_database'
          from stale s cross join lateral (values ${sql.join(
            compared.map((c, i) => sql`(${c.field}::text, s.${sql.raw(`o${i}`)}, s.${sql.raw(`n${i}`)})`),
            sql`, `,
          )}) as c(field, old_value, new_value)
          where c.old_value is distinct from c.new_value
          returning 1
        )`
      : sql``;

    const counts = await scalar(
      tx,
      sql`
        with src as (
          select s.id, s.email, s.phone, s.first_name, s.last_name, s.created_at, s.fields,
                 s.email_subscription, s.sms_subscription, s.push_subscription, lower(s.email) as email_key
          from profiles s where s.id in (${source.prepared.idsQuery})
        ),
        firsts as (
          select * from src where email_key is null
          union all
          select * from (select distinct on (email_key) * from src where email_key is not null order by email_key, id) d
        ),
        matched as (
          select f.id as src_id, t.id as target_id
          from firsts f join profiles t on t.database_id = ${target.id}::int and lower(t.email) = f.email_key
        ),
        ins as (
          insert into profiles (database_id, email, phone, first_name, last_name, created_at, updated_at, fields,
                                email_subscription, sms_subscription, push_subscription)
          select ${target.id}::int, f.email, f.phone, f.first_name, f.last_name, f.created_at, ${now}::timestamptz, ${sharedFields(keys, "f")},
                 f.email_subscription, f.sms_subscription, f.push_subscription
          from firsts f
          where not exists (select 1 from matched m where m.src_id = f.id)
          order by f.id
          returning 1
        )${updateCtes}
        select (select count(*) from src)::int as selected,
               (select count(*) from firsts)::int as distinct_profiles,
               (select count(distinct src_id) from matched)::int as matched,
               (select count(*) from ins)::int as inserted,
               ${update ? sql`(select count(*) from upd)::int` : sql`0`} as updated,
               ${update ? sql`(select count(*) from hist)::int` : sql`0`} as history_rows`,
    );
    const skipped = counts.matched + (counts.selected - counts.distinct_profiles);
    const details = [`${formatCount(counts.inserted)} new`];
    if (update) details.push(`${formatCount(counts.updated)} updated`);
    if (skipped - (update ? counts.updated : 0) > 0) details.push(`${formatCount(skipped - (update ? counts.updated : 0))} skipped`);
    const outcome: ActionOutcome = {
      count: counts.selected,
      inserted: counts.inserted,
      updated: counts.updated,
      matchedByEmail: counts.matched,
      duplicateEmailsInSelection: counts.selected - counts.distinct_profiles,
      historyRows: counts.history_rows,
      copiedFields: keys.join(", "),
      targetDatabaseId: target.id,
      targetDatabaseName: target.name,
      summary: `Copied ${profilesWord(counts.selected)} to profile database “${target.name}” (${details.join(", ")})`,
    };
    await logAction(tx, user, source, outcome, "copy_to_database");
    ctx.progress?.({ done: counts.selected });
    return outcome;
  });
}

export const copyToDatabaseEntry = defineSelectionAction({
  kind: "copy_to_database",
  policy: { key: "segments.copyToDatabase", roles: everyone, checks: [...ruleChecks, "target database visible"], summary: "Copy selected profiles to a database." },
  schema: copyToDatabaseSchema,
  label: "Copy profiles to profile database",
  targets: { database: ["targetDatabaseId"] },

  async plan(db, user, params, source) {
    const target = await requireTargetDatabase(db, user, params.targetDatabaseId, source.databaseId);
    return { title: `Copy profiles to profile database “${target.name}”`, lockKey: lockKeys.profiles(target.id) };
  },
  run,
});

/** Copies now, without a job (tests, scripts). */
export const copyToDatabase = runNow(copyToDatabaseEntry);

import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { invalid, type Issue } from "@/lib/errors";
import { visibleDatabase } from "@/lib/profiles/queries";
import { MAX_EVENT_ISSUES, MAX_EVENTS_PER_REQUEST, validateEventInputs, type EventRow } from "./schema";

/** Rows per INSERT statement (one jsonb parameter each). */
const EVENT_BATCH_SIZE = 10_000;

/**
 * SPEC §5 `POST /databases/{id}/events`: checks every event, that each profile belongs to this
 * database and each mailing too, then inserts them all in one transaction, set-based, or none.
 */
export async function insertEvents(db: Db, user: ActingUser, databaseId: number, inputs: unknown): Promise<{ inserted: number }> {
  await visibleDatabase(db, user, databaseId);
  if (!Array.isArray(inputs)) throw invalid([{ path: "events", message: "Expected an array of events." }]);
  if (inputs.length > MAX_EVENTS_PER_REQUEST)
    throw invalid([{ path: "events", message: `At most ${MAX_EVENTS_PER_REQUEST.toLocaleString("en-US")} events per request.` }]);
  const checked = validateEventInputs(inputs);
  if (!checked.ok) throw invalid(checked.issues, "Some events are not valid; nothing was inserted.");
  const rows = checked.rows;
  if (rows.length === 0) return { inserted: 0 };

  return db.transaction(async (tx) => {
    const issues = await foreignIssues(tx, databaseId, rows);
    if (issues.length) throw invalid(issues, "Some events are not valid; nothing was inserted.");
    for (let i = 0; i < rows.length; i += EVENT_BATCH_SIZE) {
      const payload = JSON.stringify(rows.slice(i, i + EVENT_BATCH_SIZE));
      await tx.execute(sql`
        insert into events (database_id, profile_id, channel, type, mailing_id, occurred_at, properties)
        select ${databaseId}::int, r.profile_id, r.channel, r.type, r.mailing_id, r.occurred_at, r.properties
        from jsonb_to_recordset(${payload}::jsonb)
          as r(profile_id bigint, channel event_channel, type text, mailing_id int, occurred_at timestamptz, properties jsonb)`);
    }
    return { inserted: rows.length };
  });
}

/** Events whose profile or mailing is not one of this database's, as issues (one set-based query each). */
async function foreignIssues(tx: Db, databaseId: number, rows: readonly EventRow[]): Promise<Issue[]> {
  const profileIds = [...new Set(rows.map((r) => r.profile_id))];
  const mailingIds = [...new Set(rows.flatMap((r) => (r.mailing_id === null ? [] : [r.mailing_id])))];
  const knownProfiles = new Set(
    (
      await queryRows<{ id: string | number }>(
        tx,
        sql`select p.id::text as id from jsonb_array_elements_text(${JSON.stringify(profileIds)}::jsonb) as j(v)
            join profiles p on p.id = j.v::bigint and p.database_id = ${databaseId}::int`,
      )
    ).map((r) => Number(r.id)),
  );
  const knownMailings = new Set(
    mailingIds.length
      ? (
          await queryRows<{ id: number }>(
            tx,
            sql`select m.id from jsonb_array_elements_text(${JSON.stringify(mailingIds)}::jsonb) as j(v)
                join mailings m on m.id = j.v::int and m.database_id = ${databaseId}::int`,
          )
        ).map((r) => Number(r.id))
      : [],
  );
  const issues: Issue[] = [];
  for (let i = 0; i < rows.length && issues.length < MAX_EVENT_ISSUES; i++) {
    if (!knownProfiles.has(rows[i].profile_id)) issues.push({ path: `events[${i}].profile_id`, message: "No profile with this id in this database." });
    const m = rows[i].mailing_id;
    if (m !== null && !knownMailings.has(m)) issues.push({ path: `events[${i}].mailing_id`, message: "No mailing with this id in this database." });
  }
  return issues.slice(0, MAX_EVENT_ISSUES);
}

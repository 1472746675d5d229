import "server-only";
import { and, asc, desc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { profiles } from "@/db/schema";
import { requireVisibleDatabase } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { databaseFields } from "@/lib/databases/queries";
import { invalid, notFound } from "@/lib/errors";
import { MAX_PROFILES_PER_REQUEST, validateProfileInputs, type ProfileRow } from "./schema";
import type { Profile } from "./profile";
import { isEmail } from "./values";

/** Rows per INSERT: one jsonb parameter each, so the batch size is bounded by memory, not by bind limits. */
export const INSERT_BATCH_SIZE = 1000;

/** The database if the user may see it; ids outside the column's range are simply not found. */
export async function visibleDatabase(db: Db, user: ActingUser, databaseId: number) {
  if (!Number.isSafeInteger(databaseId) || databaseId <= 0 || databaseId > 2_147_483_647) throw notFound("The profile database");
  return requireVisibleDatabase(db, user, databaseId);
}

/**
 * Inserts checked rows with one multi-row statement (rows travel as one jsonb array). Returns the new
 * ids in input order when asked: they are drawn from the identity sequence first, so the answer does not
 * depend on the order of RETURNING. Run it inside a transaction to make several batches all or nothing.
 */
export async function insertProfileRows(tx: Db, databaseId: number, rows: readonly ProfileRow[], opts: { returnIds: boolean }): Promise<number[]> {
  if (rows.length === 0) return [];
  const columns = sql.raw(`email, phone, first_name, last_name, created_at, updated_at, fields, email_subscription, sms_subscription, push_subscription`);
  const values = sql.raw(`r.email, r.phone, r.first_name, r.last_name, coalesce(r.created_at, now()), now(), coalesce(r.fields, '{}'::jsonb),
    r.email_subscription, r.sms_subscription, r.push_subscription`);
  const record = sql.raw(`email text, phone text, first_name text, last_name text, created_at timestamptz, fields jsonb,
    email_subscription subscription_status, sms_subscription subscription_status, push_subscription subscription_status`);

  if (!opts.returnIds) {
    await tx.execute(sql`insert into profiles (database_id, ${columns})
      select ${databaseId}::int, ${values} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${record})`);
    return [];
  }
  const drawn = await queryRows<{ id: string | number }>(
    tx,
    sql`select nextval(pg_get_serial_sequence('profiles', 'id'))::text as id from generate_series(1, ${rows.length}::int)`,
  );
  const ids = drawn.map((r) => Number(r.id)).sort((a, b) => a - b);
  const payload = JSON.stringify(rows.map((row, i) => ({ ...row, id: ids[i] })));
  await tx.execute(sql`insert into profiles (id, database_id, ${columns})
    select r.id, ${databaseId}::int, ${values} from jsonb_to_recordset(${payload}::jsonb) as r(id bigint, ${record})`);
  return ids;
}

/**
 * SPEC §5 `POST /databases/{id}/profiles`: checks every profile against the database's fields, then
 * inserts them all in one transaction, or none. Answers the new ids in input order.
 */
export async function insertProfiles(db: Db, user: ActingUser, databaseId: number, inputs: unknown): Promise<{ ids: number[] }> {
  await visibleDatabase(db, user, databaseId);
  if (!Array.isArray(inputs)) throw invalid([{ path: "profiles", message: "Expected an array of profiles." }]);
  if (inputs.length > MAX_PROFILES_PER_REQUEST)
    throw invalid([{ path: "profiles", message: `At most ${MAX_PROFILES_PER_REQUEST.toLocaleString("en-US")} profiles per request.` }]);
  const checked = validateProfileInputs(inputs, await databaseFields(db, databaseId));
  if (!checked.ok) throw invalid(checked.issues, "Some profiles are not valid; nothing was inserted.");
  const rows = checked.rows;
  const ids = await db.transaction(async (tx) => {
    const all: number[] = [];
    for (let i = 0; i < rows.length; i += INSERT_BATCH_SIZE) {
      all.push(...(await insertProfileRows(tx, databaseId, rows.slice(i, i + INSERT_BATCH_SIZE), { returnIds: true })));
    }
    return all;
  });
  return { ids };
}

export type ListProfilesOptions = {
  pageSize?: number;
  /** Keyset cursors on id: the page after / before that id. `before` wins when both are given. */
  after?: number | null;
  before?: number | null;
  /** A whole address finds that profile; any other text, the profiles whose email starts with it. */
  q?: string | null;
};

export type ProfilePage = {
  profiles: Profile[];
  /** Cursor for the previous page (`before`), or null on the first page. */
  prevBefore: number | null;
  /** Cursor for the next page (`after`), or null on the last page. */
  nextAfter: number | null;
};

const profileColumns = {
  id: profiles.id,
  email: profiles.email,
  phone: profiles.phone,
  firstName: profiles.firstName,
  lastName: profiles.lastName,
  createdAt: profiles.createdAt,
  updatedAt: profiles.updatedAt,
  fields: profiles.fields,
  emailSubscription: profiles.emailSubscription,
  smsSubscription: profiles.smsSubscription,
  pushSubscription: profiles.pushSubscription,
};

type ProfileRecord = Omit<typeof profiles.$inferSelect, "databaseId" | "rangeKey">;

export function toProfile(row: ProfileRecord): Profile {
  return {
    id: row.id,
    email: row.email,
    phone: row.phone,
    first_name: row.firstName,
    last_name: row.lastName,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    fields: row.fields ?? {},
    subscriptions: { email: row.emailSubscription, sms: row.smsSubscription, push: row.pushSubscription },
  };
}

/**
 * A whole address finds exactly that profile; any other text finds the emails that start with it (both
 * case-insensitive). A prefix, not a substring: with an index on `lower(email) text_pattern_ops` it stays
 * an index range scan on a million profiles, where a substring search must read every row.
 */
function emailSearch(q: string | null | undefined): SQL | undefined {
  const text = q?.trim().toLowerCase();
  if (!text) return undefined;
  if (isEmail(text)) return sql`lower(${profiles.email}) = ${text}`;
  const pattern = text.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
  return sql`lower(${profiles.email}) like ${pattern} escape '\\'`;
}

const asCursor = (value: number | null | undefined) => (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null);

/**
 * One page of a database's profiles in id order, by keyset on (database_id, id): as fast on the last page
 * of a million profiles as on the first.
 */
export async function listProfiles(db: Db, user: ActingUser, databaseId: number, opts: ListProfilesOptions = {}): Promise<ProfilePage> {
  await visibleDatabase(db, user, databaseId);
  const pageSize = Math.min(Math.max(Math.trunc(opts.pageSize ?? 50), 1), 500);
  const before = asCursor(opts.before);
  const after = before === null ? asCursor(opts.after) : null;
  const base = and(eq(profiles.databaseId, databaseId), emailSearch(opts.q));

  const fetched =
    before !== null
      ? await db.select(profileColumns).from(profiles).where(and(base, lt(profiles.id, before))).orderBy(desc(profiles.id)).limit(pageSize + 1)
      : await db
          .select(profileColumns)
          .from(profiles)
          .where(and(base, after === null ? undefined : gt(profiles.id, after)))
          .orderBy(asc(profiles.id))
          .limit(pageSize + 1);
  const moreThisWay = fetched.length > pageSize;
  const page = fetched.slice(0, pageSize);
  if (before !== null) page.reverse();

  const exists = async (where: SQL | undefined) =>
    (await db.select({ id: profiles.id }).from(profiles).where(and(base, where)).limit(1)).length > 0;
  const first = page[0]?.id;
  const last = page[page.length - 1]?.id;

  let hasPrev: boolean, hasNext: boolean;
  if (before !== null) {
    hasPrev = moreThisWay;
    hasNext = await exists(gt(profiles.id, last ?? before - 1));
  } else {
    hasNext = moreThisWay;
    hasPrev = after === null ? false : await exists(lt(profiles.id, first ?? after + 1));
  }
  return {
    profiles: page.map(toProfile),
    prevBefore: hasPrev ? (first ?? (after ?? 0) + 1) : null,
    nextAfter: hasNext ? (last ?? (before ?? 1) - 1) : null,
  };
}

/**
 * A larger test world written by the database itself (`INSERT … SELECT` over `generate_series`), for
 * tests that need tens of thousands of profiles and events — the plan guard — where the reference
 * world of `world.ts` would be slow to insert. Values are drawn from the same pools as `world.ts`, so
 * the generated rules of `arbitraries.ts` hit them; every draw is a hash of the seed and the row
 * number, so a seed reproduces its data.
 */
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import { profileDatabases, profileFields, staticSegments } from "@/db/schema";
import { CUSTOM_FIELDS, POOLS } from "./world";

export type SqlWorld = { databaseId: number; profileIds: number[]; staticIds: number[]; profiles: number; events: number };

const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((v) => sql`${v}::text`), sql`, `)}]`;
const numArray = (values: readonly number[]) => sql`array[${sql.join(values.map((v) => sql`${v}::numeric`), sql`, `)}]`;

/** Draw `k` of row `g`: a number in [0, n) from a hash of the seed, the row and the draw. */
const draw = (seed: number, k: number, n: number, g = sql`g`) => sql`(abs(hashint8(${g} * 97 + ${seed * 31 + k}::bigint)) % ${n})`;
/** True in about `percent` of rows. */
const chance = (seed: number, k: number, percent: number, g = sql`g`) => sql`(${draw(seed, k, 100, g)} < ${percent})`;

export async function createSqlWorld(db: Db, seed: number, size: number): Promise<SqlWorld> {
  const [database] = await db.insert(profileDatabases).values({ name: `Plan world ${seed} ${Math.random()}` }).returning();
  await db.insert(profileFields).values(CUSTOM_FIELDS.map((f, i) => ({ databaseId: database.id, key: f.key, type: f.type, label: f.key, position: i })));
  const strings = textArray(POOLS.strings.filter((s) => s !== ""));
  const dates = textArray(POOLS.dates);
  const numbers = numArray(POOLS.numbers);
  const pick = (arr: ReturnType<typeof textArray>, n: number, k: number) => sql`(${arr})[1 + ${draw(seed, k, n)}]`;
  const nStrings = POOLS.strings.filter((s) => s !== "").length;
  // A field is missing in 12 % of profiles, null in 6 %, "" in 6 %, else a value of its type.
  const fieldEntry = (key: string, k: number, value: ReturnType<typeof sql>) =>
    sql`case when ${draw(seed, k, 100)} < 12 then '{}'::jsonb
             when ${draw(seed, k, 100)} < 18 then jsonb_build_object(${key}::text, null)
             when ${draw(seed, k, 100)} < 24 then jsonb_build_object(${key}::text, '')
             else jsonb_build_object(${key}::text, ${value}) end`;
  const fieldValues = CUSTOM_FIELDS.map((f, i) => {
    const k = 100 + i * 10;
    const value =
      f.type === "string"
        ? sql`to_jsonb(${pick(strings, nStrings, k + 1)})`
        : f.type === "number"
          ? sql`to_jsonb((${numbers})[1 + ${draw(seed, k + 1, POOLS.numbers.length)}])`
          : f.type === "date"
            ? sql`to_jsonb(${pick(dates, POOLS.dates.length, k + 1)})`
            : sql`to_jsonb(${chance(seed, k + 1, 50)})`;
    return fieldEntry(f.key, k, value);
  });
  const instant = (k: number, g = sql`g`) =>
    sql`(${sql.raw(`'2026-03-15T12:00:00Z'::timestamptz`)} - make_interval(hours => (${draw(seed, k, 205 * 24, g)} - 120)::int, secs => ${draw(seed, k + 1, 3600, g)}::int))`;
  const text = (k: number) => sql`case when ${chance(seed, k, 20)} then null when ${chance(seed, k + 1, 10)} then '' else ${pick(strings, nStrings, k + 2)} end`;
  const sub = (k: number) => sql`(array['subscribed', 'unsubscribed', null])[1 + ${draw(seed, k, 3)}]::subscription_status`;
  await db.execute(sql`
    insert into profiles (database_id, email, phone, first_name, last_name, created_at, updated_at, fields, email_subscription, sms_subscription, push_subscription)
    select ${database.id}::int, ${text(1)}, ${text(4)}, ${text(7)}, ${text(10)}, ${instant(13)}, ${instant(15)},
           ${sql.join(fieldValues, sql` || `)}, ${sub(20)}, ${sub(21)}, ${sub(22)}
    from generate_series(1, ${size}::int) g`);

  // Events and memberships are drawn from the profile's ordinal in this world (1, 2, …), not its id, so
  // that a seed builds the same world wherever its ids start (the plan guard's pinned regressions).
  const [{ first }] = await queryRows<{ first: number | string }>(db, sql`select min(id) as first from profiles where database_id = ${database.id}::int`);
  const ordinal = (id: ReturnType<typeof sql>) => sql`(${id} - ${Number(first) - 1}::bigint)`;

  // 0–7 events per profile (a quarter have none), of the types and channels `world.ts` uses.
  const types = textArray(["opened", "clicked", "delivered", "purchase", "page_view"]);
  const e = sql`(${ordinal(sql`p.id`)} * 8 + n)`;
  await db.execute(sql`
    insert into events (database_id, profile_id, channel, type, mailing_id, occurred_at, properties)
    select p.database_id, p.id,
           (case when t.type in ('purchase', 'page_view') then (array['web', 'app'])[1 + ${draw(seed, 31, 2, e)}]
                 else (array['email', 'sms', 'push', 'web', 'app'])[1 + ${draw(seed, 32, 5, e)}] end)::event_channel,
           t.type,
           case when t.type in ('opened', 'clicked', 'delivered') then 1 + ${draw(seed, 33, 3, e)} when ${chance(seed, 34, 10, e)} then 1 end,
           ${instant(35, e)},
           case when ${chance(seed, 37, 15, e)} then null else
             (case when ${chance(seed, 38, 70, e)} then jsonb_build_object('amount', (${numbers})[1 + ${draw(seed, 39, POOLS.numbers.length, e)}]) else '{}'::jsonb end)
             || (case when ${chance(seed, 40, 50, e)} then jsonb_build_object('sku', (${strings})[1 + ${draw(seed, 41, nStrings, e)}]) else '{}'::jsonb end)
             || (case when ${chance(seed, 42, 30, e)} then jsonb_build_object('gift', ${chance(seed, 43, 50, e)}) else '{}'::jsonb end)
           end
    from profiles p
    cross join lateral generate_series(1, case when ${chance(seed, 30, 25, ordinal(sql`p.id`))} then 0 else 1 + ${draw(seed, 29, 7, ordinal(sql`p.id`))} end) n
    cross join lateral (select (${types})[1 + ${draw(seed, 36, 5, e)}] as type) t
    where p.database_id = ${database.id}::int`);

  const staticIds: number[] = [];
  for (let s = 0; s < 2; s++) {
    const [segment] = await db.insert(staticSegments).values({ name: `Static ${s}`, databaseId: database.id }).returning();
    await db.execute(sql`insert into static_segment_members (segment_id, profile_id)
      select ${segment.id}::int, id from profiles where database_id = ${database.id}::int and ${chance(seed, 50 + s, 30, ordinal(sql`id`))}`);
    staticIds.push(segment.id);
  }
  await db.execute(sql`analyze profiles`);
  await db.execute(sql`analyze events`);
  await db.execute(sql`analyze static_segment_members`);
  const [counts] = await queryRows<{ profiles: number; events: number }>(
    db,
    sql`select (select count(*) from profiles where database_id = ${database.id}::int)::int as profiles,
               (select count(*) from events where database_id = ${database.id}::int)::int as events`,
  );
  const sample = await queryRows<{ id: string }>(db, sql`select id::text as id from profiles where database_id = ${database.id}::int and id % 97 = 0 order by id limit 50`);
  return { databaseId: database.id, profileIds: sample.map((r) => Number(r.id)), staticIds, profiles: counts.profiles, events: counts.events };
}

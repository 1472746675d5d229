import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import * as catalog from "./catalog";
import { DAY, profileTraits, secondsAgo, type ProfileBlock, type SeedContext } from "./context";
import { Draws, int, num, textArray } from "./random";

/** A name as an email address writes it: no accents, spaces or apostrophes. */
export function asciiName(name: string): string {
  return name
    .replace(/ß/g, "ss")
    .replace(/ı/g, "i")
    .replace(/ł/g, "l")
    .replace(/ø/g, "o")
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "");
}

/** A JSON value as text, for building `fields` as one JSON text parsed once (jsonb_build_object costs more). */
type JsonText = SQL;

/** A JSON string of a value this module generated from its own word lists (checked below). */
const jsonString = (value: SQL): JsonText => sql`('"' || ${value} || '"')`;

for (const words of [
  catalog.retailCities,
  catalog.loyaltyTiers,
  catalog.companyStems,
  catalog.companyKinds,
  catalog.companySuffixes,
  catalog.wholesaleCountries,
])
  for (const word of words) if (/["\\\u0000-\u001f]/.test(word)) throw new Error(`not safe inside a JSON string: ${word}`);

/**
 * One custom field as a `"key":value` JSON member: absent (NULL, which concat_ws skips), JSON null,
 * "" (strings only) or the value, by the shares given — so every field has some empty values, as
 * real imports do.
 */
function customField(
  d: Draws,
  key: string,
  shares: { missing: number; null?: number; empty?: number },
  value: JsonText,
): SQL {
  if (!/^[a-z_]+$/.test(key)) throw new Error(`unexpected field key ${key}`);
  const member = (json: string) => sql.raw(`'"${key}":${json}'`);
  const state = d.unit(`state_${key}`);
  const nullUpTo = shares.missing + (shares.null ?? 0);
  const emptyUpTo = nullUpTo + (shares.empty ?? 0);
  return sql`(CASE WHEN ${state} < ${num(shares.missing)} THEN NULL
                   WHEN ${state} < ${num(nullUpTo)} THEN ${member("null")}
                   WHEN ${state} < ${num(emptyUpTo)} THEN ${member('""')}
                   ELSE ${member("")} || ${value} END)`;
}

/** The `fields` object from its members. */
function jsonObject(members: SQL[]): SQL {
  return sql`('{' || concat_ws(',', ${sql.join(members, sql`, `)}) || '}')::jsonb`;
}

export function isoDateTime(at: SQL): SQL {
  return sql`to_char((${at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
}

function isoDate(at: SQL): SQL {
  return sql`to_char((${at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
}

/** A string with the occasional lower- or upper-case spelling, as typed by hand. */
function messyCase(d: Draws, tag: string, value: SQL, lower: number, upper: number): SQL {
  const u = d.unit(`case_${tag}`);
  return sql`(CASE WHEN ${u} < ${num(lower)} THEN lower(${value})
                   WHEN ${u} < ${num(lower + upper)} THEN upper(${value})
                   ELSE ${value} END)`;
}

const jsonBoolean = (condition: SQL): JsonText => sql`(CASE WHEN ${condition} THEN 'true' ELSE 'false' END)`;

function retailFields(ctx: SeedContext, d: Draws): SQL {
  const city = messyCase(d, "city", d.pick("city", catalog.retailCities), 0.03, 0.01);
  const birthday = sql`to_char(date '1950-01-01' + ${d.below("birthday", 57 * 365)}::int, 'YYYY-MM-DD')`;
  return jsonObject([
    customField(d, "city", { missing: 0.05, null: 0.01, empty: 0.02 }, jsonString(city)),
    customField(d, "loyalty_tier", { missing: 0.1, empty: 0.01 }, jsonString(d.pick("tier", catalog.loyaltyTiers))),
    customField(d, "loyalty_points", { missing: 0.08, null: 0.01 }, sql`floor(${d.unit("points")} ^ 2 * 20000)::int::text`),
    customField(d, "birthday", { missing: 0.18, null: 0.02 }, jsonString(birthday)),
    sql`('"last_order_at":' || ${jsonString(isoDateTime(secondsAgo(ctx, sql`last_order_secs`)))})`,
    customField(d, "vip", { missing: 0.12, null: 0.01 }, jsonBoolean(sql`${d.unit("vip")} < 0.09`)),
  ]);
}

function wholesaleFields(ctx: SeedContext, d: Draws): SQL {
  const company = sql`trim(${d.pick("company_stem", catalog.companyStems)} || ' ' ||
    ${d.pick("company_kind", catalog.companyKinds)} || ' ' || ${d.pick("company_suffix", catalog.companySuffixes)})`;
  // Log-uniform between 50 thousand and 50 million, in cents.
  const revenue = sql`round(exp(ln(50000) + ${d.unit("revenue", 32)} * ln(1000))::numeric, 2)`;
  const contractStart = secondsAgo(ctx, sql`${d.below("contract", 8 * 365)} * ${int(DAY)}`);
  return jsonObject([
    customField(d, "company", { missing: 0.03, empty: 0.01 }, jsonString(messyCase(d, "company", company, 0.02, 0.02))),
    customField(d, "country", { missing: 0.05, null: 0.01 }, jsonString(d.pick("country", catalog.wholesaleCountries))),
    customField(d, "annual_revenue", { missing: 0.1, null: 0.01 }, sql`${revenue}::text`),
    customField(d, "contract_start", { missing: 0.15 }, jsonString(isoDate(contractStart))),
    customField(d, "verified", { missing: 0.1, null: 0.01 }, jsonBoolean(sql`${d.unit("verified")} < 0.78`)),
  ]);
}

/** Inserts one block of profiles with explicit ids (`idBase + ordinal`), in one statement. */
export async function insertProfiles(db: Db, ctx: SeedContext, block: ProfileBlock, emailMailings: number): Promise<void> {
  const d = new Draws(ctx.seed, "ph");
  const firstAscii = catalog.firstNames.map(asciiName);
  const lastAscii = catalog.lastNames.map(asciiName);
  const fi = sql`(1 + ${d.below("first", catalog.firstNames.length)}::int)`;
  const li = sql`(1 + ${d.below("last", catalog.lastNames.length)}::int)`;
  const first = (names: readonly string[]) => sql`(${textArray(names)})[${fi}]`;
  const last = (names: readonly string[]) => sql`(${textArray(names)})[${li}]`;
  const domain = d.pick("domain", catalog.emailDomains);
  const emailState = d.unit("email_state");
  const phone = sql`${d.pick("phone_prefix", catalog.phonePrefixes)} || lpad(${d.below("phone", 10_000_000)}::text, 7, '0')`;
  const firstState = d.unit("first_state");
  const lastState = d.unit("last_state");
  const fields = block.kind === "retail" ? retailFields(ctx, d) : wholesaleFields(ctx, d);
  const updatedSecs = sql`floor(created_secs * ${d.unit("updated", 32)} ^ 3)::bigint`;
  const phoneState = d.unit("phone_state");

  await db.execute(sql`
    INSERT INTO profiles (id, database_id, email, phone, first_name, last_name, created_at, updated_at, fields,
                          email_subscription, sms_subscription, push_subscription)
    SELECT ${int(block.idBase)} + n,
           ${int(block.databaseId)},
           CASE WHEN ${emailState} < 0.03 THEN NULL
                WHEN ${emailState} < 0.07
                  THEN ${first(firstAscii)} || '.' || ${last(lastAscii)} || n || '@' || initcap(${domain})
                ELSE ${first(firstAscii.map((s) => s.toLowerCase()))} || '.' || ${last(lastAscii.map((s) => s.toLowerCase()))} || n || '@' || ${domain}
           END,
           CASE WHEN ${phoneState} < 0.3 THEN NULL ELSE ${phone} END,
           CASE WHEN ${firstState} < 0.02 THEN NULL
                WHEN ${firstState} < 0.04 THEN lower(${first(catalog.firstNames)})
                WHEN ${firstState} < 0.05 THEN upper(${first(catalog.firstNames)})
                ELSE ${first(catalog.firstNames)} END,
           CASE WHEN ${lastState} < 0.03 THEN NULL
                WHEN ${lastState} < 0.04 THEN lower(${last(catalog.lastNames)})
                WHEN ${lastState} < 0.05 THEN upper(${last(catalog.lastNames)})
                ELSE ${last(catalog.lastNames)} END,
           ${secondsAgo(ctx, sql`created_secs`)},
           ${secondsAgo(ctx, updatedSecs)},
           ${fields},
           email_sub, sms_sub, push_sub
    FROM (SELECT t.*, ${d.columns(sql`t.n`)} FROM ${profileTraits(ctx, block, emailMailings)} t OFFSET 0) p
  `);
}

import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import * as catalog from "./catalog";
import { DAY, profileTraits, secondsAgo, type ProfileBlock, type SeedContext } from "./context";
import { int, num, textArray } from "./random";

export type DatabaseKind = "retail" | "wholesale";

/** Share of profiles (of those with a last year) that bought something in the last year. */
export const buyerRate: Record<DatabaseKind, number> = { retail: 0.62, wholesale: 0.5 };

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

/**
 * One custom field's contribution to the `fields` object: absent, JSON null, "" (strings only) or
 * the value, by the shares given (so every field has some empty values, as real imports do).
 */
function customField(
  ctx: SeedContext,
  key: string,
  shares: { missing: number; null?: number; empty?: number },
  value: SQL,
): SQL {
  if (!/^[a-z_]+$/.test(key)) throw new Error(`unexpected field key ${key}`);
  const k = sql.raw(`'${key}'`);
  const state = ctx.rng.unit(sql`n`, `state_${key}`);
  const nullUpTo = shares.missing + (shares.null ?? 0);
  const emptyUpTo = nullUpTo + (shares.empty ?? 0);
  return sql`(CASE WHEN ${state} < ${num(shares.missing)} THEN '{}'::jsonb
                   WHEN ${state} < ${num(nullUpTo)} THEN jsonb_build_object(${k}, NULL)
                   WHEN ${state} < ${num(emptyUpTo)} THEN jsonb_build_object(${k}, '')
                   ELSE jsonb_build_object(${k}, ${value}) END)`;
}

function isoDateTime(at: SQL): SQL {
  return sql`to_char((${at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
}

function isoDate(at: SQL): SQL {
  return sql`to_char((${at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
}

/** A string with the occasional lower- or upper-case spelling, as typed by hand. */
function messyCase(ctx: SeedContext, tag: string, value: SQL, lower: number, upper: number): SQL {
  const u = ctx.rng.unit(sql`n`, `case_${tag}`);
  return sql`(CASE WHEN ${u} < ${num(lower)} THEN lower(${value})
                   WHEN ${u} < ${num(lower + upper)} THEN upper(${value})
                   ELSE ${value} END)`;
}

function retailFields(ctx: SeedContext): SQL {
  const { rng } = ctx;
  const n = sql`n`;
  const city = messyCase(ctx, "city", rng.pick(n, "city", catalog.retailCities), 0.03, 0.01);
  const birthday = sql`(date '1950-01-01' + ${rng.below(n, "birthday", 57 * 365)}::int)`;
  return sql.join(
    [
      customField(ctx, "city", { missing: 0.05, null: 0.01, empty: 0.02 }, city),
      customField(ctx, "loyalty_tier", { missing: 0.1, empty: 0.01 }, rng.pick(n, "tier", catalog.loyaltyTiers)),
      customField(
        ctx,
        "loyalty_points",
        { missing: 0.08, null: 0.01 },
        sql`floor(${rng.unit(n, "points")} ^ 2 * 20000)::int`,
      ),
      customField(ctx, "birthday", { missing: 0.18, null: 0.02 }, sql`to_char(${birthday}, 'YYYY-MM-DD')`),
      sql`(CASE WHEN last_order_secs IS NULL THEN '{}'::jsonb
                ELSE jsonb_build_object('last_order_at', ${isoDateTime(secondsAgo(ctx, sql`last_order_secs`))}) END)`,
      customField(ctx, "vip", { missing: 0.12, null: 0.01 }, sql`${rng.unit(n, "vip")} < 0.09`),
    ],
    sql` || `,
  );
}

function wholesaleFields(ctx: SeedContext): SQL {
  const { rng } = ctx;
  const n = sql`n`;
  const company = sql`trim(${rng.pick(n, "company_stem", catalog.companyStems)} || ' ' ||
    ${rng.pick(n, "company_kind", catalog.companyKinds)} || ' ' || ${rng.pick(n, "company_suffix", catalog.companySuffixes)})`;
  // Log-uniform between 50 thousand and 50 million, in cents.
  const revenue = sql`round(exp(ln(50000) + ${rng.unit(n, "revenue")} * ln(1000))::numeric, 2)`;
  const contractStart = secondsAgo(ctx, sql`${rng.below(n, "contract", 8 * 365)} * ${int(DAY)}`);
  return sql.join(
    [
      customField(ctx, "company", { missing: 0.03, empty: 0.01 }, messyCase(ctx, "company", company, 0.02, 0.02)),
      customField(ctx, "country", { missing: 0.05, null: 0.01 }, rng.pick(n, "country", catalog.wholesaleCountries)),
      customField(ctx, "annual_revenue", { missing: 0.1, null: 0.01 }, revenue),
      customField(ctx, "contract_start", { missing: 0.15 }, isoDate(contractStart)),
      customField(ctx, "verified", { missing: 0.1, null: 0.01 }, sql`${rng.unit(n, "verified")} < 0.78`),
    ],
    sql` || `,
  );
}

/** Inserts one block of profiles with explicit ids (`idBase + ordinal`), in one statement. */
export async function insertProfiles(db: Db, ctx: SeedContext, block: ProfileBlock, kind: DatabaseKind): Promise<void> {
  const { rng } = ctx;
  const n = sql`n`;
  const firstAscii = catalog.firstNames.map(asciiName);
  const lastAscii = catalog.lastNames.map(asciiName);
  const first = (names: readonly string[]) => sql`(${textArray(names)})[fi]`;
  const last = (names: readonly string[]) => sql`(${textArray(names)})[li]`;
  const domain = rng.pick(n, "domain", catalog.emailDomains);
  const emailState = rng.unit(n, "email_state");
  const phone = sql`${rng.pick(n, "phone_prefix", catalog.phonePrefixes)} || lpad(${rng.below(n, "phone", 10_000_000)}::text, 7, '0')`;
  const firstState = rng.unit(n, "first_state");
  const lastState = rng.unit(n, "last_state");
  const fields = kind === "retail" ? retailFields(ctx) : wholesaleFields(ctx);

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
           CASE WHEN ${rng.unit(n, "phone_state")} < 0.3 THEN NULL ELSE ${phone} END,
           CASE WHEN ${firstState} < 0.02 THEN NULL
                WHEN ${firstState} < 0.04 THEN lower(${first(catalog.firstNames)})
                WHEN ${firstState} < 0.05 THEN upper(${first(catalog.firstNames)})
                ELSE ${first(catalog.firstNames)} END,
           CASE WHEN ${lastState} < 0.03 THEN NULL
                WHEN ${lastState} < 0.04 THEN lower(${last(catalog.lastNames)})
                WHEN ${lastState} < 0.05 THEN upper(${last(catalog.lastNames)})
                ELSE ${last(catalog.lastNames)} END,
           ${secondsAgo(ctx, sql`created_secs`)},
           ${secondsAgo(ctx, sql`floor(created_secs * ${rng.unit(n, "updated")} ^ 3)::bigint`)},
           ${fields},
           email_sub, sms_sub, push_sub
    FROM (
      SELECT t.*, 1 + ${rng.below(n, "first", catalog.firstNames.length)}::int AS fi,
                  1 + ${rng.below(n, "last", catalog.lastNames.length)}::int AS li
      FROM ${profileTraits(ctx, block.from, block.to, buyerRate[kind])} t
    ) p
  `);
}


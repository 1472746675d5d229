import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { accessGroups } from "./users";

export const fieldType = pgEnum("field_type", ["string", "number", "date", "boolean"]);
export type FieldType = (typeof fieldType.enumValues)[number];

export const subscriptionStatus = pgEnum("subscription_status", ["subscribed", "unsubscribed"]);
export type SubscriptionStatus = (typeof subscriptionStatus.enumValues)[number];

export const eventChannel = pgEnum("event_channel", ["email", "sms", "push", "web", "app"]);
export type EventChannel = (typeof eventChannel.enumValues)[number];

export const profileDatabases = pgTable(
  "profile_databases",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("profile_databases_name_key").on(t.name)],
);

/** The custom fields a profile database declares; `fields` of its profiles are keyed by `key`. */
export const profileFields = pgTable(
  "profile_fields",
  {
    databaseId: integer("database_id").notNull().references(() => profileDatabases.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    type: fieldType("type").notNull(),
    label: text("label").notNull(),
    position: integer("position").notNull().default(0),
    /** Kept with an expression index on profiles (lib/segments/field-index.ts), so its conditions can use it. */
    indexed: boolean("indexed").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.databaseId, t.key] })],
);

export const profileDatabaseAccessGroups = pgTable(
  "profile_database_access_groups",
  {
    databaseId: integer("database_id").notNull().references(() => profileDatabases.id, { onDelete: "cascade" }),
    groupId: integer("group_id").notNull().references(() => accessGroups.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.databaseId, t.groupId] })],
);

/**
 * A customer profile. `range_key` is SPEC §2's deterministic split key, stored so that a range is an
 * index range scan instead of an md5 per row at query time.
 */
export const profiles = pgTable(
  "profiles",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    databaseId: integer("database_id").notNull().references(() => profileDatabases.id, { onDelete: "cascade" }),
    email: text("email"),
    phone: text("phone"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    fields: jsonb("fields").$type<Record<string, unknown>>().notNull().default({}),
    emailSubscription: subscriptionStatus("email_subscription"),
    smsSubscription: subscriptionStatus("sms_subscription"),
    pushSubscription: subscriptionStatus("push_subscription"),
    rangeKey: bigint("range_key", { mode: "number" })
      .notNull()
      .generatedAlwaysAs(sql`(('x' || left(md5((id)::text), 8))::bit(32))::bigint`),
  },
  (t) => [
    // `id` rides along so that a range slice joined to events is an index-only scan (lib/segments).
    index("profiles_database_range_idx").on(t.databaseId, t.rangeKey, t.id),
    // Unique (as the id alone is) so that events can refer to (database_id, id): see `events`.
    uniqueIndex("profiles_database_id_idx").on(t.databaseId, t.id),
    // text_pattern_ops serves both equality and the "starts with" search of the profile table.
    index("profiles_database_email_idx").on(t.databaseId, sql`lower(${t.email}) text_pattern_ops`),
  ],
);

/**
 * How many profiles each profile database holds, kept by triggers on `profiles` (migration 0018) in the
 * same transaction as the rows: a database's size without counting its profiles.
 */
export const profileDatabaseSizes = pgTable("profile_database_sizes", {
  databaseId: integer("database_id")
    .primaryKey()
    .references(() => profileDatabases.id, { onDelete: "cascade" }),
  profiles: bigint("profiles", { mode: "number" }).notNull().default(0),
});

/** Something a profile did or received. Interactions carry a mailing; behaviour events usually don't. */
export const events = pgTable(
  "events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    databaseId: integer("database_id").notNull(),
    profileId: bigint("profile_id", { mode: "number" }).notNull(),
    channel: eventChannel("channel").notNull(),
    type: text("type").notNull(),
    mailingId: integer("mailing_id"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    properties: jsonb("properties").$type<Record<string, unknown>>(),
    /** A purchase's `properties.amount` when it is a JSON number, else null (for the analytics page's index, 0020). */
    purchaseAmount: numeric("purchase_amount").generatedAlwaysAs(sql`CASE WHEN "type" = 'purchase' THEN segment_number("properties" -> 'amount') END`),
  },
  (t) => [
    // An event's database is its profile's, enforced, so that events of a database can be counted
    // without joining profiles (lib/segments/compile-events.ts).
    foreignKey({ name: "events_database_profile_fk", columns: [t.databaseId, t.profileId], foreignColumns: [profiles.databaseId, profiles.id] }).onDelete("cascade"),
    // Per-profile probes (EXISTS / NOT EXISTS in a nested loop). The engine states `database_id` in every
    // event subquery, and interactions often a channel or a mailing: with those columns riding along,
    // a probe reads the index alone instead of visiting the table for each profile (docs/benchmarks.md).
    index("events_profile_type_time_idx").on(t.profileId, t.type, t.occurredAt, t.databaseId, t.channel, t.mailingId),
    // Only events of a mailing (about two thirds): `mailing_id = …` implies the predicate, so the
    // engine's mailing conditions use it, and purchases and page views do not make it bigger.
    index("events_database_mailing_type_idx")
      .on(t.databaseId, t.mailingId, t.type, t.profileId)
      .where(sql`${t.mailingId} is not null`),
    // `profile_id` rides along in both: "opened in the last 30 days" and "clicked mailing 7 twice" read
    // an index alone, without visiting the table (docs/selection-sql.md); `channel` too, since
    // interaction conditions usually name one ("opened an email"); `mailing_id` for the analytics
    // page, whose Engagement and top mailings read the period's interactions from here (0020).
    index("events_database_type_time_idx").on(t.databaseId, t.type, t.occurredAt, t.profileId, t.channel, t.mailingId),
    // The period's purchases with their buyer and amount, for the analytics page's Engagement (0020).
    index("events_database_purchase_time_idx")
      .on(t.databaseId, t.occurredAt, t.profileId, t.purchaseAmount)
      .where(sql`${t.type} = 'purchase'`),
  ],
);

/** Every change a bulk edit (or another tool) made to a profile: who, when, which field, old and new value. */
export const profileChanges = pgTable(
  "profile_changes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    // No foreign keys: an append-only log that outlives what it names, and whose rows a bulk edit writes
    // by the hundred thousand — a per-row key check cost 2 s per 200,000 rows (docs/data-model.md).
    profileId: bigint("profile_id", { mode: "number" }).notNull(),
    databaseId: integer("database_id").notNull(),
    userId: integer("user_id"),
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull().defaultNow(),
    field: text("field").notNull(),
    oldValue: jsonb("old_value"),
    newValue: jsonb("new_value"),
    source: text("source").notNull(),
  },
  (t) => [index("profile_changes_profile_idx").on(t.profileId, t.changedAt)],
);

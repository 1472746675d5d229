import { sql } from "drizzle-orm";
import {
  bigint,
  check,
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
} from "drizzle-orm/pg-core";
import { profileDatabases, profiles } from "./profiles";
import { accessGroups, users } from "./users";

/** A stored rule evaluated afresh at every use (SPEC §2). `conditions` is Script v1 JSON or null. */
export const dynamicSegments = pgTable(
  "dynamic_segments",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    databaseId: integer("database_id")
      .notNull()
      .references(() => profileDatabases.id, { onDelete: "restrict" }),
    rangeFrom: numeric("range_from", { precision: 5, scale: 2, mode: "number" }).notNull().default(0),
    rangeTo: numeric("range_to", { precision: 5, scale: 2, mode: "number" }).notNull().default(100),
    conditions: jsonb("conditions"),
    limit: integer("limit"),
    description: text("description").notNull().default(""),
    tags: text("tags").array().notNull().default([]),
    lastCount: bigint("last_count", { mode: "number" }),
    lastCalculatedAt: timestamp("last_calculated_at", { withTimezone: true }),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedBy: integer("deleted_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [index("dynamic_segments_database_idx").on(t.databaseId), index("dynamic_segments_name_idx").on(t.name)],
);

export const dynamicSegmentAccessGroups = pgTable(
  "dynamic_segment_access_groups",
  {
    segmentId: integer("segment_id").notNull().references(() => dynamicSegments.id, { onDelete: "cascade" }),
    groupId: integer("group_id").notNull().references(() => accessGroups.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.groupId] })],
);

export const segmentLogKind = pgEnum("segment_log_kind", ["created", "updated", "calculated", "action", "binned", "restored"]);

/** Every calculation and change of a saved dynamic segment: who, when, what, count. */
export const segmentUpdateLog = pgTable(
  "segment_update_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    segmentId: integer("segment_id").notNull().references(() => dynamicSegments.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    kind: segmentLogKind("kind").notNull(),
    count: bigint("count", { mode: "number" }),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [index("segment_update_log_segment_idx").on(t.segmentId, t.at)],
);

/**
 * The versions of a segment's definition (SPEC §6): n = 1, 2, … written by every save that changes the
 * range, conditions or limit. Immutable: a trigger (migration 0010) refuses UPDATE and DELETE except
 * the cascade of a permanent delete of the segment. `created_by` deliberately has no foreign key.
 */
export const segmentVersions = pgTable(
  "segment_versions",
  {
    segmentId: integer("segment_id").notNull().references(() => dynamicSegments.id, { onDelete: "cascade" }),
    n: integer("n").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    createdBy: integer("created_by"),
    rangeFrom: numeric("range_from", { precision: 5, scale: 2, mode: "number" }).notNull(),
    rangeTo: numeric("range_to", { precision: 5, scale: 2, mode: "number" }).notNull(),
    conditions: jsonb("conditions"),
    limit: integer("limit"),
    /** The count calculated at the save that wrote the version (null when that calculation timed out). */
    count: bigint("count", { mode: "number" }),
    /** Set when the version was written by "Restore this version" of version `restored_from`. */
    restoredFrom: integer("restored_from"),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.n] }), check("segment_versions_n_positive", sql`${t.n} >= 1`)],
);

/** A stored list of profiles of one database. */
export const staticSegments = pgTable("static_segments", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  databaseId: integer("database_id")
    .notNull()
    .references(() => profileDatabases.id, { onDelete: "cascade" }),
  createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
});

export const staticSegmentAccessGroups = pgTable(
  "static_segment_access_groups",
  {
    segmentId: integer("segment_id").notNull().references(() => staticSegments.id, { onDelete: "cascade" }),
    groupId: integer("group_id").notNull().references(() => accessGroups.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.groupId] })],
);

export const staticSegmentMembers = pgTable(
  "static_segment_members",
  {
    segmentId: integer("segment_id").notNull().references(() => staticSegments.id, { onDelete: "cascade" }),
    profileId: bigint("profile_id", { mode: "number" })
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.profileId] }), index("static_segment_members_profile_idx").on(t.profileId)],
);

export const mailings = pgTable("mailings", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  databaseId: integer("database_id")
    .notNull()
    .references(() => profileDatabases.id, { onDelete: "cascade" }),
  segmentId: integer("segment_id").references(() => dynamicSegments.id, { onDelete: "set null" }),
  /** The segment's version when the mailing was created with it. */
  segmentVersion: integer("segment_version"),
  createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const scenarios = pgTable("scenarios", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  databaseId: integer("database_id")
    .notNull()
    .references(() => profileDatabases.id, { onDelete: "cascade" }),
  segmentId: integer("segment_id").references(() => dynamicSegments.id, { onDelete: "set null" }),
  createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const scenarioParticipants = pgTable(
  "scenario_participants",
  {
    scenarioId: integer("scenario_id").notNull().references(() => scenarios.id, { onDelete: "cascade" }),
    profileId: bigint("profile_id", { mode: "number" })
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scenarioId, t.profileId] })],
);

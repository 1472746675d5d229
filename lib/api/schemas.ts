/**
 * The API v1's request and answer schemas. Requests reuse the UI's zod schemas field by field (the
 * API only renames to SPEC §5's snake_case), so a rule, a profile or a database is checked the same
 * way whether it comes from a form or from an integration. Answers are described here for the
 * OpenAPI document and to type the serializers.
 */
import { z } from "zod";
import { memberEmailSchema } from "@/lib/access-groups/schema";
import { createDatabaseSchema, FIELD_TYPES } from "@/lib/databases/schema";
import { segmentInputSchema } from "@/lib/dynamic-segments/save";
import type { SegmentInputParsed } from "@/lib/dynamic-segments/segment-schema";
import { segmentSorts } from "@/lib/dynamic-segments/list";
import { eventInputSchema, MAX_EVENTS_PER_REQUEST } from "@/lib/events/schema";
import { EXPORT_FORMATS } from "@/lib/export/stream";
import { createMailingSchema } from "@/lib/mailings/queries";
import { MAX_PROFILES_PER_REQUEST, profileInputSchema } from "@/lib/profiles/schema";
import { selectionRuleSchema } from "@/lib/segments/script";
import { coercedIdSchema, storableText } from "@/lib/validation/input";

const seg = segmentInputSchema.shape;
const rule = selectionRuleSchema.shape;
const database = createDatabaseSchema.shape;
const mailing = createMailingSchema.shape;

// ---- Requests ----

export const createDatabaseBody = z.strictObject({
  name: database.name,
  fields: database.fields,
  access_groups: database.accessGroupIds.meta({ description: "Ids of access groups; only members (and admins) will see the database." }),
});

export const profilesBody = z.strictObject({
  profiles: z.array(profileInputSchema).max(MAX_PROFILES_PER_REQUEST).meta({ description: `At most ${MAX_PROFILES_PER_REQUEST.toLocaleString("en-US")} profiles; all or nothing.` }),
});
/** What the route parses before the data layer checks each profile against the database's fields. */
export const profilesEnvelope = z.strictObject({ profiles: z.array(z.unknown(), { error: "Expected an array of profiles." }) });

export const eventsBody = z.strictObject({
  events: z.array(eventInputSchema).max(MAX_EVENTS_PER_REQUEST).meta({ description: `At most ${MAX_EVENTS_PER_REQUEST.toLocaleString("en-US")} events; all or nothing.` }),
});
export const eventsEnvelope = z.strictObject({ events: z.array(z.unknown(), { error: "Expected an array of events." }) });

export const createMailingBody = z.strictObject({
  name: mailing.name,
  database_id: mailing.databaseId,
  segment_id: mailing.segmentId,
});

export const previewBody = z.strictObject({
  database_id: rule.databaseId,
  range: rule.range,
  conditions: rule.conditions.meta({ description: "Script v1 (SPEC §2); null or absent = no filtering." }),
  limit: rule.limit,
});

const profileRef = z
  .union([z.string().min(1, { error: "Enter a profile id or email." }).max(320), z.int().positive().max(Number.MAX_SAFE_INTEGER)], { error: "Enter a profile id or email." })
  .transform(String)
  .meta({ description: "The profile's id, or its email (case-insensitive; the lowest id when several share it)." });

export const explainBody = z.strictObject({ ...previewBody.shape, profile: profileRef });
export const explainQuery = z.object({ profile: z.string({ error: "Enter a profile id or email." }).min(1, { error: "Enter a profile id or email." }).max(320).meta({ description: "The profile's id or email." }) });

export const createSegmentBody = z.strictObject({
  name: seg.name,
  database_id: seg.databaseId,
  range: seg.range,
  conditions: seg.conditions.meta({ description: "Script v1 (SPEC §2); null or absent = no filtering." }),
  limit: seg.limit,
  description: seg.description,
  tags: seg.tags,
  access_groups: seg.accessGroupIds.meta({ description: "Ids of access groups you belong to (admins: any)." }),
});

/** PATCH: any of the create fields; `database_id` may only repeat the current one. */
export const updateSegmentBody = createSegmentBody.partial();

/** A parsed create body as the segment's input (the same field schemas; only the names differ). */
export function segmentInputOfBody(body: z.output<typeof createSegmentBody>): SegmentInputParsed {
  return {
    name: body.name,
    databaseId: body.database_id,
    range: body.range,
    conditions: body.conditions,
    limit: body.limit,
    description: body.description,
    tags: body.tags,
    accessGroupIds: body.access_groups,
  };
}

export const addMemberBody = z.strictObject({ email: memberEmailSchema });

export const segmentListQuery = z.object({
  q: storableText().max(200).optional().meta({ description: "Part of the name." }),
  tag: storableText().max(40).optional(),
  database_id: coercedIdSchema("Expected a database id.").optional(),
  sort: z.enum(segmentSorts).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).optional(),
  page_size: z.coerce.number().int().min(1).max(100).optional(),
});

export const exportQuery = z.object({
  format: z.enum(EXPORT_FORMATS, { error: "Use csv or ndjson." }).default("csv"),
  fields: storableText()
    .max(10_000)
    .optional()
    .meta({ description: "Comma-separated columns: id, email, phone, first_name, last_name, created_at, updated_at, the database's field keys, email_subscription, sms_subscription, push_subscription. Default: all." }),
});

export const idParam = z.object({ id: z.string().regex(/^\d+$/).meta({ description: "A numeric id." }) });

// ---- Answers ----

const subscription = z.enum(["subscribed", "unsubscribed"]).nullable();

export const profileSchema = z
  .object({
    id: z.int(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    fields: z.record(z.string(), z.unknown()),
    subscriptions: z.object({ email: subscription, sms: subscription, push: subscription }),
  })
  .meta({ id: "Profile" });

export const accessGroupRefSchema = z.object({ id: z.int(), name: z.string() }).meta({ id: "AccessGroupRef" });

export const databaseSchema = z
  .object({
    id: z.int(),
    name: z.string(),
    fields: z.array(z.object({ key: z.string(), type: z.enum(FIELD_TYPES), label: z.string() })),
    profile_count: z.int(),
    access_groups: z.array(accessGroupRefSchema),
    created_at: z.string(),
  })
  .meta({ id: "Database" });

export const segmentSchema = z
  .object({
    id: z.int(),
    name: z.string(),
    database_id: z.int(),
    range: z.object({ from: z.number(), to: z.number() }),
    conditions: z.unknown().meta({ description: "Script v1, or null." }),
    limit: z.int().nullable(),
    description: z.string(),
    tags: z.array(z.string()),
    access_groups: z.array(accessGroupRefSchema),
    count: z.int().nullable().meta({ description: "The last calculated count." }),
    calculated_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    deleted_at: z.string().nullable().meta({ description: "Set while the segment is in the bin." }),
  })
  .meta({ id: "Segment" });

const explainedTree = {
  member: z.boolean().meta({ description: "The final verdict: membership in the selection." }),
  summary: z.string().meta({ description: "The verdict in one sentence." }),
  range: z.object({ key: z.int(), lo: z.int(), hi: z.int(), inside: z.boolean(), from: z.number(), to: z.number() }),
  logic: z.enum(["and", "or"]),
  matches: z.boolean().meta({ description: "Inside the range and passing the conditions (before the limit)." }),
  groups: z.array(
    z.object({
      member: z.boolean(),
      logic: z.enum(["and", "or"]),
      not: z.boolean(),
      ignored: z.boolean().meta({ description: "A group without conditions, which the selection ignores." }),
      conditions: z.array(
        z.object({
          member: z.boolean(),
          label: z.string(),
          evidence: z.record(z.string(), z.unknown()).meta({
            description:
              "By `kind`: `field` { field, value (as stored), bounds? (dates: resolved UTC bounds) }; `subscription` { channel, status }; `events` { type, count, from, to }; `static_segment` { segment_id, name, wants_member, in_segment }; `dynamic_segment` { segment_id, name, wants_member, tree (the nested segment's own explanation) }.",
          }),
        }),
      ),
    }),
  ),
  limit: z.object({ limit: z.int(), rank: z.int().nullable().meta({ description: "The profile's place among the matches in id order; null when it does not match." }) }).nullable(),
};
export const explanationSchema = z.object({ profile_id: z.int(), ...explainedTree }).meta({ id: "Explanation" });

export const funnelSchema = z
  .object({
    steps: z.array(z.object({ label: z.string(), count: z.int() })),
    count: z.int().meta({ description: "The last step: equals Calculate." }),
  })
  .meta({ id: "Funnel" });

export const mailingSchema = z
  .object({
    id: z.int(),
    name: z.string(),
    database_id: z.int(),
    segment_id: z.int().nullable(),
    segment_version: z.int().nullable().meta({ description: "The segment's version (n) the mailing was created with." }),
    created_at: z.string(),
  })
  .meta({ id: "Mailing" });

export const versionSchema = z
  .object({
    n: z.int().meta({ description: "1, 2, … in the order the definitions were saved." }),
    created_at: z.string(),
    created_by: z.int().nullable().meta({ description: "The id of the user who saved it." }),
    created_by_name: z.string().nullable(),
    range: z.object({ from: z.number(), to: z.number() }),
    conditions: z.unknown().meta({ description: "Script v1, or null." }),
    limit: z.int().nullable(),
    count: z.int().nullable().meta({ description: "The count calculated at the save (null if that calculation timed out)." }),
    restored_from: z.int().nullable().meta({ description: "Set when the version was written by restoring version n." }),
  })
  .meta({ id: "SegmentVersion" });

/** POST /segments/{id}/impact: a draft of the definition; what is absent stays as saved. */
export const impactBody = z.strictObject({
  range: rule.range.optional(),
  conditions: rule.conditions.meta({ description: "Script v1; null clears the conditions; absent keeps the saved ones." }),
  limit: rule.limit.meta({ description: "null removes the limit; absent keeps the saved one." }),
});

export const impactSchema = z
  .object({
    entering: z.int(),
    leaving: z.int(),
    staying: z.int(),
    samples: z.object({ entering: z.array(z.int()).meta({ description: "The first 20 ids in id order." }), leaving: z.array(z.int()) }),
  })
  .meta({ id: "Impact" });

const memberSchema = z.object({ user_id: z.int(), name: z.string(), email: z.string(), is_lead: z.boolean() }).meta({ id: "GroupMember" });

export const accessGroupSchema = z
  .object({
    id: z.int(),
    name: z.string(),
    membership: z.enum(["lead", "member"]).nullable().meta({ description: "Your place in the group; null for an admin outside it." }),
    can_manage_members: z.boolean(),
    leads: z.array(z.object({ user_id: z.int(), name: z.string() })),
    member_count: z.int(),
    members: z.array(memberSchema).nullable().meta({ description: "Listed to the group's leads and admins only." }),
  })
  .meta({ id: "AccessGroup" });

export { memberSchema };

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(["validation_failed", "unauthorized", "forbidden", "not_found", "conflict", "timeout", "payload_too_large", "rate_limited", "internal"]),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: "Error" });

export type ApiDatabase = z.infer<typeof databaseSchema>;
export type ApiSegment = z.infer<typeof segmentSchema>;
export type ApiMailing = z.infer<typeof mailingSchema>;
export type ApiVersion = z.infer<typeof versionSchema>;
export type ApiAccessGroup = z.infer<typeof accessGroupSchema>;


import { z } from "zod";
import { idSchema, jsonObjectSchema, storableText } from "@/lib/validation/input";
import { formatPath } from "@/lib/profiles/schema";
import { toTimestamp } from "@/lib/profiles/values";
import { EVENT_CHANNELS } from "@/lib/segments/script";
import type { Issue } from "@/lib/errors";

/** SPEC §1/§5: one event as the API accepts it. Unknown keys are errors, not ignored. */

export const MAX_EVENTS_PER_REQUEST = 50_000;
export const MAX_EVENT_ISSUES = 100;

export const eventInputSchema = z.strictObject(
  {
    profile_id: z.int({ error: "Expected a profile id (a whole number)." }).positive({ error: "Expected a profile id (a whole number)." }),
    channel: z.enum(EVENT_CHANNELS, { error: `Use one of: ${EVENT_CHANNELS.join(", ")}.` }),
    type: storableText({ error: "Expected text, e.g. opened or purchase." })
      .trim()
      .min(1, { error: "Give the event type, e.g. opened or purchase." })
      .max(100, { error: "Use at most 100 characters." }),
    mailing_id: idSchema("Expected a mailing id (a whole number).").nullish(),
    occurred_at: storableText({ error: "Expected an ISO date-time." })
      .refine((v) => toTimestamp(v) !== null, { error: "Expected an ISO date-time such as 2026-01-31T09:30:00Z." }),
    properties: jsonObjectSchema("Expected an object.").nullish(),
  },
  { error: "Expected an event object." },
);

export type EventInput = z.input<typeof eventInputSchema>;

/** An event ready for the events table. */
export type EventRow = {
  profile_id: number;
  channel: (typeof EVENT_CHANNELS)[number];
  type: string;
  mailing_id: number | null;
  occurred_at: string;
  properties: Record<string, unknown> | null;
};

/** Checks every event's shape (not yet whether its profile and mailing belong to the database). */
export function validateEventInputs(inputs: readonly unknown[], pathPrefix = "events"): { ok: true; rows: EventRow[] } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const rows: EventRow[] = [];
  for (let i = 0; i < inputs.length && issues.length < MAX_EVENT_ISSUES; i++) {
    const parsed = eventInputSchema.safeParse(inputs[i]);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
        for (const key of keys) {
          issues.push({ path: formatPath([pathPrefix, i, ...issue.path, ...(key === undefined ? [] : [key])]), message: key === undefined ? issue.message : "Unknown key." });
        }
      }
      continue;
    }
    const e = parsed.data;
    rows.push({
      profile_id: e.profile_id,
      channel: e.channel,
      type: e.type,
      mailing_id: e.mailing_id ?? null,
      occurred_at: toTimestamp(e.occurred_at)!,
      properties: e.properties ?? null,
    });
  }
  return issues.length ? { ok: false, issues: issues.slice(0, MAX_EVENT_ISSUES) } : { ok: true, rows };
}

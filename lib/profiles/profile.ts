/**
 * A profile as SPEC §5 answers it — the API, Show, the profile browser and exports alike — and how a
 * raw SQL row of `profiles` becomes one. Client-safe (types and a pure function).
 */
import type { Subscription } from "./schema";

/** A profile as SPEC §5 answers it. `subscriptions.*` null = no status recorded. */
export type Profile = {
  id: number;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  created_at: string;
  updated_at: string;
  fields: Record<string, unknown>;
  subscriptions: { email: Subscription; sms: Subscription; push: Subscription };
};

/** A `profiles` row as raw SQL reads it: the id as text (a bigint), jsonb `fields` possibly as text, timestamps as the statement writes them. */
export type ProfileSqlRow = {
  id: string | number;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  created_at: string | Date;
  updated_at: string | Date;
  fields: Record<string, unknown> | string | null;
  email_subscription: Subscription;
  sms_subscription: Subscription;
  push_subscription: Subscription;
};

/** A raw row as SPEC §5's profile; `isoTime` writes a timestamp as ISO text. */
export function profileOfRow(r: ProfileSqlRow, isoTime: (value: string | Date) => string): Profile {
  return {
    id: Number(r.id),
    email: r.email,
    phone: r.phone,
    first_name: r.first_name,
    last_name: r.last_name,
    created_at: isoTime(r.created_at),
    updated_at: isoTime(r.updated_at),
    fields: (typeof r.fields === "string" ? JSON.parse(r.fields) : r.fields) ?? {},
    subscriptions: { email: r.email_subscription, sms: r.sms_subscription, push: r.push_subscription },
  };
}

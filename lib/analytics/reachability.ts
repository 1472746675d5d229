import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/db/client";
import type { ActingUser } from "@/lib/access/acting-user";
import { CHANNELS, type Channel } from "./labels";
import { loadAnalyticsSubject, num, runFigure, selectionSource, type AnalyticsOptions, type FigureSource } from "./subject";

export type ChannelReach = { channel: Channel; subscribed: number; unsubscribed: number; none: number };

export type Reachability = {
  total: number;
  channels: ChannelReach[];
  /** Profiles with an email address / a phone number (neither NULL nor ""). */
  hasEmail: number;
  hasPhone: number;
};

const statusCounts = (channel: Channel): SQL => {
  const column = sql.raw(`"p"."${channel}_subscription"`);
  return sql`count(*) filter (where ${column} = 'subscribed')::int as ${sql.raw(`"${channel}_subscribed"`)},
    count(*) filter (where ${column} = 'unsubscribed')::int as ${sql.raw(`"${channel}_unsubscribed"`)},
    count(*) filter (where ${column} is null)::int as ${sql.raw(`"${channel}_none"`)}`;
};

/** One pass over the selection: subscription status per channel, and who has an email / a phone. */
export function reachabilityQuery(source: FigureSource): SQL {
  return sql`select count(*)::int as total,
    ${sql.join(CHANNELS.map(statusCounts), sql`, `)},
    count(*) filter (where "p"."email" <> '')::int as has_email,
    count(*) filter (where "p"."phone" <> '')::int as has_phone
    from ${source.profiles}`;
}

export async function reachability(db: Db, user: ActingUser, segmentId: number, opts: AnalyticsOptions = {}): Promise<Reachability> {
  const { selection } = await loadAnalyticsSubject(db, user, segmentId, opts);
  const [row] = await runFigure(db, opts, (tx) => queryRows<Record<string, number | string>>(tx, reachabilityQuery(selectionSource(selection))));
  return reachabilityFromRow(row);
}

export function reachabilityFromRow(row: Record<string, unknown>): Reachability {
  return {
    total: num(row.total),
    channels: CHANNELS.map((channel) => ({
      channel,
      subscribed: num(row[`${channel}_subscribed`]),
      unsubscribed: num(row[`${channel}_unsubscribed`]),
      none: num(row[`${channel}_none`]),
    })),
    hasEmail: num(row.has_email),
    hasPhone: num(row.has_phone),
  };
}

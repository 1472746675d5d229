/**
 * The words and choices of the analytics page, shared by the data layer, the page and the charts
 * (pure: no database, no server-only).
 */

/** Channels with a subscription status on every profile. */
export const CHANNELS = ["email", "sms", "push"] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = { email: "Email", sms: "SMS", push: "Push" };

/** The engagement periods a marketer can pick, in days. */
export const ENGAGEMENT_PERIODS = [7, 30, 90] as const;
export type EngagementPeriod = (typeof ENGAGEMENT_PERIODS)[number];
export const DEFAULT_PERIOD: EngagementPeriod = 30;

/** A `?period=` value as one of the offered periods; anything else is the default. */
export function parsePeriod(value: unknown): EngagementPeriod {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return (ENGAGEMENT_PERIODS as readonly number[]).includes(n) ? (n as EngagementPeriod) : DEFAULT_PERIOD;
}

/** How many mailings the "top mailings" figure lists. */
export const TOP_MAILINGS = 5;

/** How many values of a string field the composition shows before "Other values". */
export const TOP_VALUES = 10;

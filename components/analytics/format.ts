/** Number formats of the analytics page (counts come from lib/format). */
const percent1 = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 });
const amount = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });

/** 0.4237 → "42.4 %"; null (a rate of nothing) → "—". */
export const formatPercent = (share: number | null | undefined) => (share === null || share === undefined ? "—" : percent1.format(share).replace("%", " %"));

export const formatAmount = (value: number) => amount.format(value);

/** Axis ticks: 12,500 → "12.5K". */
export const formatCompact = (value: number) => compact.format(value);

export const formatNumber = (value: number) => plain.format(value);

export const formatPercentTick = (value: number) => `${value} %`;

const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
export const formatDay = (iso: string | number) => day.format(new Date(iso));

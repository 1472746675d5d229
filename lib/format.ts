/** Shared display formats, so every page writes numbers, ranges and times the same way. */
const numberFormat = new Intl.NumberFormat("en-US");
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const formatCount = (n: number | null | undefined) => (n === null || n === undefined ? "—" : numberFormat.format(n));

export const formatRange = (from: number, to: number) => `${trimPercent(from)}–${trimPercent(to)} %`;

function trimPercent(value: number): string {
  return Number(value).toFixed(2).replace(/\.?0+$/, "");
}

export const formatDateTime = (d: Date | string | null | undefined) => (d ? `${dateTimeFormat.format(new Date(d))} UTC` : "—");

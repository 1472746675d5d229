import { dateBucketLabel } from "@/lib/analytics/buckets";
import type { Composition } from "@/lib/analytics/composition";
import { formatCount } from "@/lib/format";
import { formatNumber } from "./format";

type Bucket = { name: string; count: number; muted?: boolean };

/** The bars a composition draws: values (or buckets) in order; empty and other values as muted bars. */
export function compositionBars(c: Composition): { bars: Bucket[]; histogram: boolean } {
  switch (c.kind) {
    case "string":
      return {
        histogram: false,
        bars: [
          ...c.values.map((v) => ({ name: v.value, count: v.count })),
          ...(c.other > 0 ? [{ name: `Other values (${formatCount(c.otherValues)})`, count: c.other, muted: true }] : []),
          ...(c.empty > 0 ? [{ name: "Empty", count: c.empty, muted: true }] : []),
        ],
      };
    case "boolean":
      return {
        histogram: false,
        bars: [
          { name: "True", count: c.yes },
          { name: "False", count: c.no },
          { name: "Empty", count: c.empty, muted: true },
          ...(c.invalid > 0 ? [{ name: "Not true/false", count: c.invalid, muted: true }] : []),
        ],
      };
    case "number":
      return { histogram: true, bars: c.buckets.map((b) => ({ name: `${formatNumber(b.from)}–${formatNumber(b.to)}`, count: b.count })) };
    case "date":
      return { histogram: true, bars: c.buckets.map((b) => ({ name: dateBucketLabel(c.unit, b.start), count: b.count })) };
  }
}

import type { AnalyticsReport } from "@/lib/analytics/report";
import { formatCount } from "@/lib/format";
import { CompositionChart } from "./composition-chart";
import { compositionBars } from "./composition-bars";
import { FigureCard, FigureData, FigureEmpty, FigureError } from "./figure-card";
import { figureOf, type FigureResult } from "./figure-result";
import { formatPercent } from "./format";

export const COMPOSITION_TITLE = "Composition";

const KIND_WORDS = {
  string: "its most frequent values",
  number: "a histogram of its values",
  date: "a histogram of its dates",
  boolean: "true, false and empty",
} as const;

/** How one custom field is distributed over the selection; the field is picked with `?field=`. */
export async function CompositionFigure({ report, action }: { report: Promise<FigureResult<AnalyticsReport>>; action?: React.ReactNode }) {
  const result = figureOf(await report, (r) => r.composition);
  const c = result.ok ? result.data : null;
  return (
    <FigureCard
      slug="composition"
      title={COMPOSITION_TITLE}
      action={action}
      description={c ? `${c.field.label} over the selection: ${KIND_WORDS[c.field.type]}. Empty means missing, null or "".` : "How a custom field is distributed over the selection."}
    >
      {!result.ok ? (
        <FigureError message={result.message} />
      ) : !c ? (
        <FigureEmpty title="This database has no custom fields">Add fields to the profile database to break the segment down by them.</FigureEmpty>
      ) : c.total === 0 ? (
        <FigureEmpty title="No profiles in this selection yet">The composition is counted over the profiles the segment selects.</FigureEmpty>
      ) : c.total === c.empty ? (
        <FigureEmpty title={`${c.field.label} is empty for every profile in this selection`}>{formatCount(c.empty)} profiles have no value.</FigureEmpty>
      ) : (
        <>
          <CompositionChart composition={c} />
          {c.kind === "number" || c.kind === "date" ? (
            <p className="text-sm text-muted-foreground">
              Not in the histogram: {formatCount(c.empty)} empty ({formatPercent(c.empty / c.total)})
              {c.invalid ? `, ${formatCount(c.invalid)} not a ${c.kind}` : ""}.
            </p>
          ) : null}
          <FigureData
            caption={`${COMPOSITION_TITLE} of ${c.field.label}`}
            columns={[c.field.label, "Profiles", "Share"]}
            rows={[
              ...compositionBars(c).bars.map((b) => [b.name, formatCount(b.count), formatPercent(b.count / c.total)]),
              ...(c.kind === "number" || c.kind === "date"
                ? [
                    ["Empty", formatCount(c.empty), formatPercent(c.empty / c.total)],
                    ...(c.invalid ? [[`Not a ${c.kind}`, formatCount(c.invalid), formatPercent(c.invalid / c.total)]] : []),
                  ]
                : []),
            ]}
          />
        </>
      )}
    </FigureCard>
  );
}

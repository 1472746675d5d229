import type { AnalyticsReport } from "@/lib/analytics/report";
import { formatCount, formatDateTime } from "@/lib/format";
import { FigureCard, FigureData, FigureEmpty, FigureError, Stat } from "./figure-card";
import { figureOf, type FigureResult } from "./figure-result";
import { formatPercent } from "./format";
import { SizeChart } from "./size-chart";

export const SIZE_TITLE = "Size over time";

/** Headline count and share of the database, and the segment's calculations as a line. */
export async function SizeFigure({ report, databaseName }: { report: Promise<FigureResult<AnalyticsReport>>; databaseName: string }) {
  const result = figureOf(await report, (r) => r.size);
  return (
    <FigureCard slug="size" title={SIZE_TITLE} description="Every calculation of the segment from its update log, and its count right now." className="lg:col-span-2">
      {!result.ok ? (
        <FigureError message={result.message} />
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
            <Stat label="Profiles now" value={formatCount(result.data.count)} detail={`Counted ${formatDateTime(result.data.countedAt)}`} />
            <Stat
              label="Share of the database"
              value={formatPercent(result.data.share)}
              detail={`of ${formatCount(result.data.databaseTotal)} profiles in ${databaseName}`}
            />
            <Stat label="Calculations" value={formatCount(result.data.history.length)} detail="in the update log" />
          </dl>
          {result.data.history.length === 0 ? (
            <FigureEmpty title={result.data.count === 0 ? "No profiles in this selection yet" : "Not calculated yet"}>
              The line starts with the first calculation: use Calculate or Refresh count on the segment page.
            </FigureEmpty>
          ) : (
            <SizeChart history={result.data.history} current={result.data.count} />
          )}
          {result.data.history.length ? (
            <FigureData
              caption={`${SIZE_TITLE}: calculations`}
              columns={["Calculated at", "Profiles"]}
              rows={result.data.history.map((h) => [formatDateTime(h.at), formatCount(h.count)])}
            />
          ) : null}
        </>
      )}
    </FigureCard>
  );
}

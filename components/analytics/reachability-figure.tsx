import { CHANNEL_LABELS } from "@/lib/analytics/labels";
import type { AnalyticsReport } from "@/lib/analytics/report";
import { formatCount } from "@/lib/format";
import { FigureCard, FigureData, FigureEmpty, FigureError, Stat } from "./figure-card";
import { figureOf, type FigureResult } from "./figure-result";
import { formatPercent } from "./format";
import { ReachabilityChart } from "./reachability-chart";

export const REACHABILITY_TITLE = "Reachability";

/** Subscription status per channel, and who can be written to at all. */
export async function ReachabilityFigure({ report }: { report: Promise<FigureResult<AnalyticsReport>> }) {
  const result = figureOf(await report, (r) => r.reachability);
  return (
    <FigureCard slug="reachability" title={REACHABILITY_TITLE} description="Subscription status per channel, and how many profiles have an email address or a phone number.">
      {!result.ok ? (
        <FigureError message={result.message} />
      ) : result.data.total === 0 ? (
        <FigureEmpty title="No profiles in this selection yet">Reachability is counted over the profiles the segment selects.</FigureEmpty>
      ) : (
        <>
          <dl className="grid grid-cols-2 gap-4">
            <Stat label="Have an email" value={formatCount(result.data.hasEmail)} detail={formatPercent(result.data.hasEmail / result.data.total)} />
            <Stat label="Have a phone" value={formatCount(result.data.hasPhone)} detail={formatPercent(result.data.hasPhone / result.data.total)} />
          </dl>
          <ReachabilityChart channels={result.data.channels} />
          <FigureData
            caption={`${REACHABILITY_TITLE} by channel`}
            columns={["Channel", "Subscribed", "Unsubscribed", "No status"]}
            rows={result.data.channels.map((c) => [CHANNEL_LABELS[c.channel], formatCount(c.subscribed), formatCount(c.unsubscribed), formatCount(c.none)])}
          />
        </>
      )}
    </FigureCard>
  );
}

import type { EngagementPeriod } from "@/lib/analytics/labels";
import type { AnalyticsReport } from "@/lib/analytics/report";
import { formatCount } from "@/lib/format";
import { EngagementChart, TopMailingsChart } from "./engagement-chart";
import { FigureCard, FigureData, FigureEmpty, FigureError, Stat } from "./figure-card";
import { figureOf, type FigureResult } from "./figure-result";
import { formatAmount, formatPercent } from "./format";

export const ENGAGEMENT_TITLE = "Engagement";
export const TOP_MAILINGS_TITLE = "Top mailings by clicks";

const rateDetail = (name: string, rate: number | null, database: number | null) => `${name} ${formatPercent(rate)} · database ${formatPercent(database)}`;

/** Deliveries, opens, clicks and their rates against the whole database; purchases and their sum. */
export async function EngagementFigure({ report, days, action }: { report: Promise<FigureResult<AnalyticsReport>>; days: EngagementPeriod; action?: React.ReactNode }) {
  const result = figureOf(await report, (r) => r.engagement);
  return (
    <FigureCard
      slug="engagement"
      title={ENGAGEMENT_TITLE}
      action={action}
      description={`The last ${days} days. Open and click rates: of the profiles that received at least one delivery, the share that opened or clicked.`}
    >
      {!result.ok ? (
        <FigureError message={result.message} />
      ) : (
        (() => {
          const { selection: s, database: d } = result.data;
          return (
            <>
              <dl className="grid grid-cols-2 gap-4">
                <Stat label="Deliveries" value={formatCount(s.deliveries)} detail={`to ${formatCount(s.deliveredProfiles)} profiles`} />
                <Stat label="Opens" value={formatCount(s.opens)} detail={rateDetail("Open rate", s.openRate, d.openRate)} />
                <Stat label="Clicks" value={formatCount(s.clicks)} detail={rateDetail("Click rate", s.clickRate, d.clickRate)} />
                <Stat label="Purchases" value={formatCount(s.purchases)} detail={`worth ${formatAmount(s.purchaseAmount)} (sum of amounts)`} />
              </dl>
              {s.profiles === 0 ? (
                <FigureEmpty title="No profiles in this selection yet">Engagement is measured over the profiles the segment selects.</FigureEmpty>
              ) : s.deliveredProfiles === 0 ? (
                <FigureEmpty title={`No mailings reached this selection in the last ${days} days`}>Pick a longer period to look further back.</FigureEmpty>
              ) : (
                <EngagementChart selection={s} database={d} />
              )}
              <FigureData
                caption={`${ENGAGEMENT_TITLE}, last ${days} days`}
                columns={["", "This segment", "Whole database"]}
                rows={[
                  ["Profiles", formatCount(s.profiles), formatCount(d.profiles)],
                  ["Deliveries", formatCount(s.deliveries), formatCount(d.deliveries)],
                  ["Profiles reached", formatCount(s.deliveredProfiles), formatCount(d.deliveredProfiles)],
                  ["Opens", formatCount(s.opens), formatCount(d.opens)],
                  ["Open rate", formatPercent(s.openRate), formatPercent(d.openRate)],
                  ["Clicks", formatCount(s.clicks), formatCount(d.clicks)],
                  ["Click rate", formatPercent(s.clickRate), formatPercent(d.clickRate)],
                  ["Purchases", formatCount(s.purchases), formatCount(d.purchases)],
                  ["Sum of purchase amounts", formatAmount(s.purchaseAmount), formatAmount(d.purchaseAmount)],
                  ["Buyers", formatCount(s.buyers), formatCount(d.buyers)],
                ]}
              />
            </>
          );
        })()
      )}
    </FigureCard>
  );
}

/** The mailings this selection clicked most in the period. */
export async function TopMailingsFigure({ report, days }: { report: Promise<FigureResult<AnalyticsReport>>; days: EngagementPeriod }) {
  const result = figureOf(await report, (r) => r.topMailings);
  return (
    <FigureCard slug="top-mailings" title={TOP_MAILINGS_TITLE} description={`Clicks by profiles of this segment in the last ${days} days.`}>
      {!result.ok ? (
        <FigureError message={result.message} />
      ) : result.data.mailings.length === 0 ? (
        <FigureEmpty title={`No clicks in the last ${days} days`}>None of this segment&apos;s profiles clicked a mailing in this period.</FigureEmpty>
      ) : (
        <>
          <TopMailingsChart mailings={result.data.mailings} />
          <FigureData
            caption={TOP_MAILINGS_TITLE}
            columns={["Mailing", "Deliveries", "Opens", "Clicks", "Profiles who clicked"]}
            rows={result.data.mailings.map((m) => [m.name, formatCount(m.deliveries), formatCount(m.opens), formatCount(m.clicks), formatCount(m.clickers)])}
          />
        </>
      )}
    </FigureCard>
  );
}

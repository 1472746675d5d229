"use client";
import { Bar, BarChart, CartesianGrid, LabelList, Tooltip, XAxis, YAxis } from "recharts";
import type { EngagementTotals, MailingEngagement } from "@/lib/analytics/engagement";
import { formatCount } from "@/lib/format";
import { AXIS_LABEL, AXIS_TICK, ChartBox, COLORS, GRID_STROKE, Legend, TooltipCard } from "./chart-kit";
import { formatCompact, formatPercent } from "./format";

const pct = (rate: number | null) => (rate === null ? 0 : Math.round(rate * 1000) / 10);

/** Open and click rates of the segment beside those of the whole database. */
export function EngagementChart({ selection, database }: { selection: EngagementTotals; database: EngagementTotals }) {
  const data = [
    { metric: "Open rate", segment: pct(selection.openRate), database: pct(database.openRate) },
    { metric: "Click rate", segment: pct(selection.clickRate), database: pct(database.clickRate) },
  ];
  const label = `Engagement: open rate ${formatPercent(selection.openRate)} in this segment vs ${formatPercent(database.openRate)} in the database; click rate ${formatPercent(
    selection.clickRate,
  )} vs ${formatPercent(database.clickRate)}`;
  const series = [
    { key: "segment", label: "This segment", color: COLORS.primary },
    { key: "database", label: "Whole database", color: COLORS.secondary },
  ];
  return (
    <div className="space-y-2">
      <ChartBox label={label} height={220}>
        <BarChart responsive data={data} style={{ width: "100%", height: "100%" }} margin={{ top: 20, right: 8, bottom: 4, left: 16 }} aria-label={label} title="Open and click rates">
          <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="metric" tick={AXIS_TICK} tickLine={false} />
          <YAxis
            domain={[0, (max: number) => Math.min(100, Math.max(10, Math.ceil(max / 10) * 10))]}
            tickFormatter={(v: number) => `${v} %`}
            tick={AXIS_TICK}
            width={56}
            label={{ value: "Share of reached profiles (%)", angle: -90, position: "insideLeft", offset: 0, style: { textAnchor: "middle" }, ...AXIS_LABEL }}
          />
          <Tooltip
            cursor={{ fill: "var(--muted)" }}
            content={({ active, payload, label: metric }) =>
              active && payload?.length ? (
                <TooltipCard
                  title={metric}
                  rows={payload.map((p) => ({ label: String(p.name), value: `${p.value} %`, color: p.color ?? undefined }))}
                />
              ) : null
            }
          />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} radius={[4, 4, 0, 0]} isAnimationActive={false}>
              <LabelList dataKey={s.key} position="top" formatter={(v) => `${v} %`} style={{ fontSize: 11, fill: "var(--foreground)" }} />
            </Bar>
          ))}
        </BarChart>
      </ChartBox>
      <Legend items={series.map((s) => ({ label: s.label, color: s.color }))} />
    </div>
  );
}

/** The segment's mailings with the most clicks, as horizontal bars. */
export function TopMailingsChart({ mailings }: { mailings: MailingEngagement[] }) {
  const label = `Top mailings by clicks: ${mailings.map((m) => `${m.name} ${formatCount(m.clicks)} clicks`).join("; ")}`;
  return (
    <ChartBox label={label} height={Math.max(220, 56 + mailings.length * 44)}>
      <BarChart
        responsive
        data={mailings}
        layout="vertical"
        style={{ width: "100%", height: "100%" }}
        margin={{ top: 4, right: 40, bottom: 24, left: 8 }}
        aria-label={label}
        title="Top mailings by clicks"
        barCategoryGap="24%"
      >
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" horizontal={false} />
        <XAxis
          type="number"
          allowDecimals={false}
          tickFormatter={formatCompact}
          tick={AXIS_TICK}
          label={{ value: "Clicks", position: "insideBottom", offset: -16, ...AXIS_LABEL }}
        />
        <YAxis type="category" dataKey="name" tick={AXIS_TICK} width={170} tickFormatter={(name: string) => (name.length > 24 ? `${name.slice(0, 23)}…` : name)} />
        <Tooltip
          cursor={{ fill: "var(--muted)" }}
          content={({ active, payload }) => {
            const m = active ? (payload?.[0]?.payload as MailingEngagement | undefined) : undefined;
            return m ? (
              <TooltipCard
                title={m.name}
                rows={[
                  { label: "Deliveries", value: formatCount(m.deliveries) },
                  { label: "Opens", value: formatCount(m.opens) },
                  { label: "Clicks", value: formatCount(m.clicks), color: COLORS.primary },
                  { label: "Profiles who clicked", value: formatCount(m.clickers) },
                ]}
              />
            ) : null;
          }}
        />
        <Bar dataKey="clicks" name="Clicks" fill={COLORS.primary} radius={[0, 4, 4, 0]} maxBarSize={32} isAnimationActive={false}>
          <LabelList dataKey="clicks" position="right" formatter={(v) => formatCount(Number(v))} style={{ fontSize: 11, fill: "var(--foreground)" }} />
        </Bar>
      </BarChart>
    </ChartBox>
  );
}

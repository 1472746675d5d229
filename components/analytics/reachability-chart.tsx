"use client";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { CHANNEL_LABELS } from "@/lib/analytics/labels";
import type { ChannelReach } from "@/lib/analytics/reachability";
import { formatCount } from "@/lib/format";
import { AXIS_LABEL, AXIS_TICK, ChartBox, COLORS, GRID_STROKE, Legend, seriesTooltip } from "./chart-kit";
import { formatCompact } from "./format";

const REACH_SERIES = [
  { key: "subscribed", label: "Subscribed", color: COLORS.positive },
  { key: "unsubscribed", label: "Unsubscribed", color: COLORS.negative },
  { key: "none", label: "No status", color: COLORS.muted },
] as const;

/** One stacked bar per channel: subscribed, unsubscribed and without a status. */
export function ReachabilityChart({ channels }: { channels: ChannelReach[] }) {
  const data = channels.map((c) => ({ ...c, name: CHANNEL_LABELS[c.channel] }));
  const label = `Reachability: ${data.map((c) => `${c.name} ${formatCount(c.subscribed)} subscribed, ${formatCount(c.unsubscribed)} unsubscribed, ${formatCount(c.none)} without status`).join("; ")}`;
  return (
    <div className="space-y-2">
      <ChartBox label={label} height={200}>
        <BarChart
          responsive
          data={data}
          layout="vertical"
          style={{ width: "100%", height: "100%" }}
          margin={{ top: 4, right: 16, bottom: 24, left: 8 }}
          aria-label={label}
          title="Reachability by channel"
          barCategoryGap="28%"
        >
          <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" horizontal={false} />
          <XAxis
            type="number"
            tickFormatter={formatCompact}
            allowDecimals={false}
            tick={AXIS_TICK}
            label={{ value: "Profiles", position: "insideBottom", offset: -16, ...AXIS_LABEL }}
          />
          <YAxis type="category" dataKey="name" tick={AXIS_TICK} width={56} />
          <Tooltip cursor={{ fill: "var(--muted)" }} content={seriesTooltip((v) => formatCount(v))} />
          {REACH_SERIES.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="status"
              fill={s.color}
              radius={i === REACH_SERIES.length - 1 ? [0, 4, 4, 0] : 0}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ChartBox>
      <Legend items={REACH_SERIES.map((s) => ({ label: s.label, color: s.color }))} />
    </div>
  );
}

"use client";
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { SizePoint } from "@/lib/analytics/size";
import { formatCount, formatDateTime } from "@/lib/format";
import { AXIS_LABEL, AXIS_TICK, ChartBox, COLORS, GRID_STROKE, seriesTooltip } from "./chart-kit";
import { formatCompact, formatDay } from "./format";

const DAY = 86_400_000;

/** Every calculation of the segment as a line over time, with today's count as a dashed line. */
export function SizeChart({ history, current }: { history: SizePoint[]; current: number }) {
  const data = history.map((h) => ({ t: Date.parse(h.at), count: h.count }));
  const first = data[0]?.t ?? 0; // drawn only with at least one calculation
  const last = data[data.length - 1]?.t ?? first;
  // A single calculation still gets a readable axis: a day either side.
  const domain: [number, number] = last - first < DAY ? [first - DAY, last + DAY] : [first, last];
  const label = `Size over time: ${history.length} calculations from ${formatDay(first)} to ${formatDay(last)}, latest ${formatCount(
    history[history.length - 1]?.count,
  )} profiles; ${formatCount(current)} now`;
  return (
    <ChartBox label={label} height={260}>
      <LineChart responsive data={data} style={{ width: "100%", height: "100%" }} margin={{ top: 8, right: 16, bottom: 24, left: 16 }} aria-label={label} title="Size over time">
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={domain}
          tickFormatter={formatDay}
          tick={AXIS_TICK}
          tickMargin={8}
          minTickGap={40}
          label={{ value: "Calculated at (UTC)", position: "insideBottom", offset: -16, ...AXIS_LABEL }}
        />
        <YAxis
          tickFormatter={formatCompact}
          allowDecimals={false}
          tick={AXIS_TICK}
          width={56}
          domain={[0, "auto"]}
          label={{ value: "Profiles", angle: -90, position: "insideLeft", offset: 0, style: { textAnchor: "middle" }, ...AXIS_LABEL }}
        />
        <ReferenceLine
          y={current}
          stroke={COLORS.secondary}
          strokeDasharray="4 4"
          label={{ value: `Now: ${formatCount(current)}`, position: "insideTopRight", ...AXIS_LABEL }}
        />
        <Tooltip content={seriesTooltip((v) => `${formatCount(v)} profiles`, (t) => formatDateTime(new Date(Number(t))))} />
        <Line type="linear" dataKey="count" name="Profiles" stroke={COLORS.primary} strokeWidth={2} dot={{ r: 3 }} activeDot={{ r: 5 }} isAnimationActive={false} />
      </LineChart>
    </ChartBox>
  );
}

"use client";
import { Bar, BarChart, CartesianGrid, Cell, LabelList, Tooltip, XAxis, YAxis } from "recharts";
import type { Composition } from "@/lib/analytics/composition";
import { formatCount } from "@/lib/format";
import { AXIS_LABEL, AXIS_TICK, ChartBox, COLORS, GRID_STROKE, seriesTooltip } from "./chart-kit";
import { compositionBars } from "./composition-bars";
import { formatCompact, formatPercent } from "./format";

const UNIT_AXIS = { day: "Day (UTC)", month: "Month (UTC)", year: "Year (UTC)", decade: "Decade (UTC)" } as const;

/** Top values and true/false as horizontal bars; numbers and dates as a histogram. */
export function CompositionChart({ composition }: { composition: Composition }) {
  const { bars, histogram } = compositionBars(composition);
  const total = composition.total;
  const label = `Composition of ${composition.field.label}: ${bars.map((b) => `${b.name} ${formatCount(b.count)}`).join("; ")}`;
  const tooltip = seriesTooltip((v) => `${formatCount(v)} profiles (${formatPercent(total ? v / total : null)})`);
  if (histogram) {
    const axis = composition.kind === "date" ? UNIT_AXIS[composition.unit] : `${composition.field.label} (value ranges)`;
    return (
      <ChartBox label={label} height={280}>
        <BarChart responsive data={bars} style={{ width: "100%", height: "100%" }} margin={{ top: 8, right: 8, bottom: 28, left: 16 }} aria-label={label} title={composition.field.label} barCategoryGap={2}>
          <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" tick={AXIS_TICK} tickMargin={6} minTickGap={12} interval="preserveStartEnd" label={{ value: axis, position: "insideBottom", offset: -20, ...AXIS_LABEL }} />
          <YAxis
            allowDecimals={false}
            tickFormatter={formatCompact}
            tick={AXIS_TICK}
            width={56}
            label={{ value: "Profiles", angle: -90, position: "insideLeft", offset: 0, style: { textAnchor: "middle" }, ...AXIS_LABEL }}
          />
          <Tooltip cursor={{ fill: "var(--muted)" }} content={tooltip} />
          <Bar dataKey="count" name="Profiles" fill={COLORS.primary} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ChartBox>
    );
  }
  return (
    <ChartBox label={label} height={48 + bars.length * 32}>
      <BarChart
        responsive
        data={bars}
        layout="vertical"
        style={{ width: "100%", height: "100%" }}
        margin={{ top: 4, right: 48, bottom: 24, left: 8 }}
        aria-label={label}
        title={composition.field.label}
        barCategoryGap="20%"
      >
        <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" horizontal={false} />
        <XAxis
          type="number"
          allowDecimals={false}
          tickFormatter={formatCompact}
          tick={AXIS_TICK}
          label={{ value: "Profiles", position: "insideBottom", offset: -16, ...AXIS_LABEL }}
        />
        <YAxis type="category" dataKey="name" tick={AXIS_TICK} width={170} tickFormatter={(name: string) => (name.length > 24 ? `${name.slice(0, 23)}…` : name)} />
        <Tooltip cursor={{ fill: "var(--muted)" }} content={tooltip} />
        <Bar dataKey="count" name="Profiles" radius={[0, 4, 4, 0]} isAnimationActive={false}>
          {bars.map((b) => (
            <Cell key={b.name} fill={b.muted ? COLORS.muted : COLORS.primary} />
          ))}
          <LabelList dataKey="count" position="right" formatter={(v) => formatCount(Number(v))} style={{ fontSize: 11, fill: "var(--foreground)" }} />
        </Bar>
      </BarChart>
    </ChartBox>
  );
}

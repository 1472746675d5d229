"use client";
import { Bar, BarChart, CartesianGrid, Cell, ReferenceArea, Tooltip, XAxis, YAxis, type YAxisTickContentProps } from "recharts";
import type { RangeMapSegment } from "@/lib/analytics/range-map";
import { formatCount, formatRange } from "@/lib/format";
import { AXIS_LABEL, AXIS_TICK, ChartBox, COLORS, GRID_STROKE, Legend, TooltipCard } from "./chart-kit";

const TICKS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

/** Each saved segment as a bar from its `from` to its `to` over 0–100 %; the current one highlighted. */
export function RangeMapChart({ segments }: { segments: RangeMapSegment[] }) {
  const data = segments.map((s) => ({ ...s, label: s.name, span: [s.from, s.to] as [number, number] }));
  const current = segments.find((s) => s.current);
  const label = `Range map: ${segments.map((s) => `${s.name} ${formatRange(s.from, s.to)}${s.current ? " (this segment)" : ""}`).join("; ")}`;
  return (
    <div className="space-y-2">
      <ChartBox label={label} height={56 + segments.length * 32}>
        <BarChart
          responsive
          data={data}
          layout="vertical"
          style={{ width: "100%", height: "100%" }}
          margin={{ top: 4, right: 16, bottom: 24, left: 8 }}
          aria-label={label}
          title="Range map"
          barCategoryGap="22%"
        >
          <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" horizontal={false} />
          {current ? <ReferenceArea x1={current.from} x2={current.to} fill={COLORS.primary} fillOpacity={0.07} ifOverflow="visible" /> : null}
          <XAxis
            type="number"
            domain={[0, 100]}
            ticks={TICKS}
            tickFormatter={(v: number) => `${v} %`}
            tick={AXIS_TICK}
            label={{ value: "Range of the profile database (%)", position: "insideBottom", offset: -16, ...AXIS_LABEL }}
          />
          <YAxis
            type="category"
            dataKey="label"
            width={200}
            tick={({ x, y, payload, index }: YAxisTickContentProps) => {
              const value = String(payload.value);
              const name = value.length > 30 ? `${value.slice(0, 29)}…` : value;
              const isCurrent = data[index]?.current;
              return (
                <text x={x} y={y} dy={4} textAnchor="end" fontSize={12} fill={isCurrent ? "var(--foreground)" : AXIS_TICK.fill} fontWeight={isCurrent ? 600 : 400}>
                  {name}
                </text>
              );
            }}
          />
          <Tooltip
            cursor={{ fill: "var(--muted)" }}
            content={({ active, payload }) => {
              const s = active ? (payload?.[0]?.payload as RangeMapSegment | undefined) : undefined;
              return s ? (
                <TooltipCard
                  title={s.name}
                  rows={[
                    { label: "Range", value: formatRange(s.from, s.to) },
                    { label: "Last count", value: formatCount(s.count) },
                  ]}
                />
              ) : null;
            }}
          />
          <Bar dataKey="span" name="Range" radius={3} isAnimationActive={false}>
            {data.map((s) => (
              <Cell key={s.id} fill={s.current ? COLORS.primary : COLORS.muted} />
            ))}
          </Bar>
        </BarChart>
      </ChartBox>
      <Legend
        items={[
          { label: "This segment", color: COLORS.primary },
          { label: "Other segments of the database", color: COLORS.muted },
        ]}
      />
    </div>
  );
}

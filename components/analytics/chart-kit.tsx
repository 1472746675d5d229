"use client";
/**
 * The shared look of the analytics charts (recharts, styled the shadcn/ui way: theme colours from
 * CSS variables, a card-like tooltip, quiet axes). Charts are client components; their data comes
 * from the server as plain objects.
 */
import type { TooltipContentProps } from "recharts";
import { cn } from "@/lib/utils";

export const COLORS = {
  primary: "var(--chart-1)",
  positive: "var(--chart-2)",
  accent: "var(--chart-3)",
  negative: "var(--chart-4)",
  secondary: "var(--chart-5)",
  /** Empty, unknown and "other" buckets: present but not a value. */
  muted: "color-mix(in oklch, var(--muted-foreground) 45%, transparent)",
} as const;

export const AXIS_TICK = { fill: "var(--muted-foreground)", fontSize: 12 } as const;
export const AXIS_LABEL = { fill: "var(--muted-foreground)", fontSize: 12 } as const;
export const GRID_STROKE = "var(--border)";

/** A chart's box: fixed height, full width, and a name for assistive technology. */
export function ChartBox({ label, height, className, children }: { label: string; height: number; className?: string; children: React.ReactNode }) {
  return (
    <div className={cn("w-full min-w-0", className)} style={{ height }} data-chart={label}>
      {children}
    </div>
  );
}

type Row = { label: string; value: string; color?: string };

/** The tooltip's card: a heading and one line per series. */
export function TooltipCard({ title, rows }: { title: React.ReactNode; rows: Row[] }) {
  return (
    <div className="grid min-w-40 gap-1.5 rounded-lg border bg-popover px-3 py-2 text-xs text-popover-foreground shadow-md">
      <div className="font-medium">{title}</div>
      {rows.map((r) => (
        <div key={r.label} className="flex items-center justify-between gap-4">
          <span className="flex items-center gap-1.5 text-muted-foreground">
            {r.color ? <span aria-hidden className="size-2.5 rounded-[2px]" style={{ background: r.color }} /> : null}
            {r.label}
          </span>
          <span className="font-mono font-medium tabular-nums">{r.value}</span>
        </div>
      ))}
    </div>
  );
}

/** recharts' tooltip content as a TooltipCard; `format` writes each value. */
export function seriesTooltip(format: (value: number, name: string) => string, title?: (label: unknown) => React.ReactNode) {
  function SeriesTooltip({ active, payload, label }: TooltipContentProps) {
    if (!active || !payload?.length) return null;
    return (
      <TooltipCard
        title={title ? title(label) : String(label ?? "")}
        rows={payload.map((p) => ({ label: String(p.name ?? p.dataKey ?? ""), value: format(Number(p.value), String(p.name ?? "")), color: p.color ?? undefined }))}
      />
    );
  }
  return SeriesTooltip;
}

/** A legend as plain HTML under the chart (readable, wraps, and needs no JavaScript to read). */
export function Legend({ items }: { items: { label: string; color: string }[] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground" aria-label="Legend">
      {items.map((i) => (
        <li key={i.label} className="flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-[2px]" style={{ background: i.color }} />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

import { AlertTriangle, BarChart3 } from "lucide-react";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";

/** The id of a figure's heading, so that the section, the chart and its table are named by it. */
export const figureHeadingId = (slug: string) => `figure-${slug}-heading`;

/**
 * One figure of the analytics page: a titled region (named by its heading), a line saying what it
 * shows, the chart or a state, and an optional control row. The Suspense fallback renders the same
 * frame, so the page keeps its layout while figures stream in.
 */
export function FigureCard({
  slug,
  title,
  description,
  action,
  busy,
  className,
  children,
}: {
  slug: string;
  title: string;
  description?: React.ReactNode;
  action?: React.ReactNode;
  busy?: boolean;
  className?: string;
  children: React.ReactNode;
}) {
  const headingId = figureHeadingId(slug);
  return (
    <section
      aria-labelledby={headingId}
      aria-busy={busy || undefined}
      className={cn("flex min-w-0 flex-col gap-4 rounded-xl border bg-card p-5 text-card-foreground shadow-xs", className)}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id={headingId} className="font-semibold leading-tight">
            {title}
          </h2>
          {description ? <p className="mt-1 text-sm text-muted-foreground">{description}</p> : null}
        </div>
        {action ? <div className="flex shrink-0 items-center gap-2">{action}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** What a figure shows while its query runs. */
export function FigureSkeleton({ slug, title, className, height = 240 }: { slug: string; title: string; className?: string; height?: number }) {
  return (
    <FigureCard slug={slug} title={title} busy className={className} description={<span className="sr-only">Loading…</span>}>
      <Skeleton className="h-4 w-1/3" />
      <Skeleton className="w-full" style={{ height }} />
    </FigureCard>
  );
}

/** A figure with nothing to draw: says what is missing, in words. */
export function FigureEmpty({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div role="status" className="flex min-h-40 flex-col items-center justify-center gap-1 rounded-lg border border-dashed px-6 py-8 text-center">
      <BarChart3 aria-hidden className="mb-1 size-5 text-muted-foreground" />
      <p className="text-sm font-medium">{title}</p>
      {children ? <div className="max-w-sm text-sm text-muted-foreground">{children}</div> : null}
    </div>
  );
}

/** A figure that could not be computed (too slow, or the rule no longer validates). */
export function FigureError({ message }: { message: string }) {
  return (
    <div role="alert" className="flex items-start gap-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0" />
      <p>{message}</p>
    </div>
  );
}

/** A headline number with its label. */
export function Stat({ label, value, detail }: { label: string; value: React.ReactNode; detail?: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-muted-foreground">{label}</dt>
      <dd className="mt-0.5 text-2xl font-semibold tabular-nums">{value}</dd>
      {detail ? <dd className="text-xs text-muted-foreground">{detail}</dd> : null}
    </div>
  );
}

/**
 * The numbers behind a chart as a table, folded away: for screen readers, for copying, and for
 * browsers without JavaScript, where the chart itself does not draw.
 */
export function FigureData({ caption, columns, rows }: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  return (
    <details className="group text-sm">
      <summary className="cursor-pointer text-muted-foreground hover:text-foreground">Show the numbers</summary>
      <div className="mt-2 overflow-x-auto">
        <table className="w-full text-left">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="border-b">
              {columns.map((c, i) => (
                <th key={c} scope="col" className={cn("py-1.5 pr-4 font-medium", i > 0 && "text-right")}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r} className="border-b last:border-0">
                {row.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row" className="py-1.5 pr-4 font-normal">
                      {cell}
                    </th>
                  ) : (
                    <td key={i} className="py-1.5 pr-4 text-right tabular-nums">
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

import Link from "next/link";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/native-select";
import { ENGAGEMENT_PERIODS, type EngagementPeriod } from "@/lib/analytics/labels";
import { cn } from "@/lib/utils";

/** The page's address with its choices: `?period=…&field=…` (absent when default or unset). */
export function analyticsHref(basePath: string, choice: { period: EngagementPeriod; field?: string }): string {
  const params = new URLSearchParams();
  params.set("period", String(choice.period));
  if (choice.field) params.set("field", choice.field);
  return `${basePath}?${params.toString()}`;
}

/** 7 / 30 / 90 days as links (they work without JavaScript); the current one marked. */
export function PeriodPicker({ basePath, period, field }: { basePath: string; period: EngagementPeriod; field?: string }) {
  return (
    <nav aria-label="Period" className="inline-flex rounded-md border bg-muted/40 p-0.5 text-sm">
      {ENGAGEMENT_PERIODS.map((days) => (
        <Link
          key={days}
          href={analyticsHref(basePath, { period: days, field })}
          scroll={false}
          aria-current={days === period ? "true" : undefined}
          className={cn(
            "rounded-[5px] px-2.5 py-1 text-muted-foreground transition-colors hover:text-foreground",
            days === period && "bg-background font-medium text-foreground shadow-xs",
          )}
        >
          {days} days
        </Link>
      ))}
    </nav>
  );
}

/** Which field the composition shows: a GET form, so it works without JavaScript. */
export function FieldPicker({
  basePath,
  period,
  fields,
  selected,
}: {
  basePath: string;
  period: EngagementPeriod;
  fields: { key: string; label: string; type: string }[];
  selected?: string;
}) {
  return (
    <form action={basePath} method="get" className="flex items-center gap-2">
      <input type="hidden" name="period" value={period} />
      <label htmlFor="composition-field" className="text-sm text-muted-foreground">
        Field
      </label>
      <NativeSelect id="composition-field" name="field" defaultValue={selected} className="h-8 w-44">
        {fields.map((f) => (
          <option key={f.key} value={f.key}>
            {f.label} ({f.type})
          </option>
        ))}
      </NativeSelect>
      <Button type="submit" size="sm" variant="outline">
        Show
      </Button>
    </form>
  );
}

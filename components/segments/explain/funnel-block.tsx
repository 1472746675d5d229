"use client";

import { useRef, useState } from "react";
import { Filter, Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { RuleInput } from "@/lib/dynamic-segments/builder-actions";
import { conditionFunnelAction } from "@/lib/dynamic-segments/explain-actions";
import { formatCount } from "@/lib/format";
import type { Funnel } from "@/lib/segments/funnel";

const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${((100 * part) / whole).toFixed(part === whole || part === 0 ? 0 : 1)} %`);

/**
 * The condition funnel (SPEC §6): a horizontal bar per step with its count and the share it keeps of
 * the step it narrows; the step that removes the most profiles is highlighted. The last bar is Calculate.
 */
export function FunnelBlock(props: { rule: RuleInput | null; ruleKey: string; savedSegmentId?: number; unchangedSinceSave: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ funnel: Funnel; ruleKey: string } | null>(null);
  const request = useRef(0);

  const show = async () => {
    if (!props.rule) return setError("Select a source first.");
    const id = ++request.current;
    const key = props.ruleKey;
    setBusy(true);
    setError(null);
    const answer = await conditionFunnelAction({ rule: props.rule, savedSegmentId: props.unchangedSinceSave ? props.savedSegmentId : undefined });
    if (id !== request.current) return;
    setBusy(false);
    if (!answer.ok) return setError(answer.message);
    setResult({ funnel: answer.data, ruleKey: key });
  };

  const steps = result?.funnel.steps ?? [];
  const top = Math.max(1, ...steps.map((s) => s.count));
  const removed = steps.map((s) => (s.parent === null ? 0 : steps[s.parent].count - s.count));
  const most = Math.max(0, ...removed);
  const stale = result !== null && result.ruleKey !== props.ruleKey;

  return (
    <section aria-labelledby="funnel-heading" className="rounded-lg border bg-card p-4 shadow-xs">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="funnel-heading" className="text-sm font-semibold">
          Condition funnel
        </h2>
        <Button type="button" variant="outline" size="sm" onClick={show} disabled={busy}>
          {busy ? <Loader2 aria-hidden className="animate-spin" /> : <Filter aria-hidden />}
          Show funnel
        </Button>
      </div>
      <p className="mt-1 text-xs text-muted-foreground">How many profiles each part of the rule keeps, counted in one pass over the database.</p>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <div aria-live="polite">
        {result ? (
          <div className={stale ? "opacity-60" : undefined}>
            {stale ? <p className="mt-2 text-xs text-muted-foreground">The rule changed since this funnel. Show it again.</p> : null}
            <ol aria-label="Funnel steps" className="mt-3 grid gap-2">
              {steps.map((step, i) => {
                const highlighted = most > 0 && removed[i] === most;
                const parent = step.parent === null ? null : steps[step.parent];
                return (
                  <li key={i} className={`grid gap-1 ${step.depth === 1 ? "pl-4" : ""}`} aria-current={highlighted ? "step" : undefined}>
                    <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
                      <span className={`min-w-0 break-words ${step.depth === 1 ? "text-muted-foreground" : "font-medium"}`}>{step.label}</span>
                      <span className="tabular-nums">
                        <span className="font-semibold">{formatCount(step.count)}</span>
                        {parent ? (
                          <span className="ml-2 text-xs text-muted-foreground">
                            {step.count > parent.count ? `adds ${formatCount(step.count - parent.count)}` : `keeps ${percent(step.count, parent.count)}`}
                          </span>
                        ) : null}
                      </span>
                    </div>
                    <div className="h-3 w-full overflow-hidden rounded-sm bg-muted" aria-hidden>
                      <div
                        className={`h-full rounded-sm ${highlighted ? "bg-amber-500" : step.depth === 1 ? "bg-primary/50" : "bg-primary"}`}
                        style={{ width: `${(100 * step.count) / top}%` }}
                      />
                    </div>
                    {highlighted ? (
                      <p className="text-xs font-medium text-amber-700">Removes the most: {formatCount(removed[i])} profiles</p>
                    ) : null}
                  </li>
                );
              })}
            </ol>
            <p className="mt-3 text-sm">
              Final count: <output aria-label="Funnel count" className="font-semibold tabular-nums">{formatCount(result.funnel.count)}</output> (equals Calculate)
            </p>
          </div>
        ) : null}
      </div>
    </section>
  );
}

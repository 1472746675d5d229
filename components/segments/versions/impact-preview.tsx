"use client";

import { useState } from "react";
import { ArrowLeftRight, Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { RuleInput } from "@/lib/dynamic-segments/builder-actions";
import { previewImpactAction } from "@/lib/dynamic-segments/version-actions";
import { formatCount } from "@/lib/format";
import type { Impact } from "@/lib/segments/impact";

/** The draft the impact is computed for: the form's range, conditions and limit. */
export const draftOf = (rule: Pick<RuleInput, "range" | "conditions" | "limit">) => ({ range: rule.range, conditions: rule.conditions, limit: rule.limit });

function IdList({ label, ids, total }: { label: string; ids: number[]; total: number }) {
  if (!ids.length) return null;
  return (
    <div className="grid gap-1">
      <p className="text-xs font-medium text-muted-foreground">
        {label}
        {total > ids.length ? ` (first ${ids.length} of ${formatCount(total)})` : ""}
      </p>
      <ul aria-label={label} className="flex flex-wrap gap-1">
        {ids.map((id) => (
          <li key={id} className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs tabular-nums">
            {id}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Entering / leaving / staying counts with the first ids of each change. */
export function ImpactSummary({ impact }: { impact: Impact }) {
  return (
    <div className="grid gap-3">
      <dl className="grid grid-cols-3 gap-2 text-center">
        <div className="rounded-md bg-emerald-50 p-2 text-emerald-900">
          <dt className="text-xs">Entering</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatCount(impact.entering)}</dd>
        </div>
        <div className="rounded-md bg-red-50 p-2 text-red-900">
          <dt className="text-xs">Leaving</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatCount(impact.leaving)}</dd>
        </div>
        <div className="rounded-md bg-muted p-2">
          <dt className="text-xs">Staying</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatCount(impact.staying)}</dd>
        </div>
      </dl>
      <IdList label="Profiles entering" ids={impact.samples.entering} total={impact.entering} />
      <IdList label="Profiles leaving" ids={impact.samples.leaving} total={impact.leaving} />
    </div>
  );
}

/**
 * `Preview changes` on a saved segment with unsaved edits: who would enter, leave and stay if the
 * edits were saved, against the saved definition on one snapshot. An answer for an older draft is
 * dropped when the form has changed since.
 */
export function ImpactPreview({ segmentId, rule, ruleKey }: { segmentId: number; rule: RuleInput; ruleKey: string }) {
  const [result, setResult] = useState<{ key: string; impact: Impact } | null>(null);
  const [error, setError] = useState<{ key: string; message: string } | null>(null);
  const [busyKey, setBusyKey] = useState<string | null>(null);

  const preview = async () => {
    const key = ruleKey;
    setBusyKey(key);
    setError(null);
    const answer = await previewImpactAction({ segmentId, draft: draftOf(rule) });
    setBusyKey((k) => (k === key ? null : k));
    if (answer.ok) setResult({ key, impact: answer.data });
    else setError({ key, message: answer.message });
  };

  const current = result?.key === ruleKey ? result.impact : null;
  return (
    <section aria-labelledby="impact-heading" className="grid gap-3 rounded-lg border bg-card p-4 shadow-xs">
      <div className="flex items-center justify-between gap-2">
        <h2 id="impact-heading" className="text-sm font-semibold">
          Unsaved changes
        </h2>
        <Button type="button" variant="outline" size="sm" onClick={preview} disabled={busyKey === ruleKey}>
          {busyKey === ruleKey ? <Loader2 aria-hidden className="animate-spin" /> : <ArrowLeftRight aria-hidden />}
          Preview changes
        </Button>
      </div>
      <div aria-live="polite" className="grid gap-2">
        {current ? (
          <>
            <p className="text-sm text-muted-foreground">If you save, compared with the saved segment now:</p>
            <ImpactSummary impact={current} />
          </>
        ) : error?.key === ruleKey ? (
          <p role="alert" className="text-sm text-destructive">
            {error.message}
          </p>
        ) : (
          <p className="text-xs text-muted-foreground">See who would enter and leave the segment before you save.</p>
        )}
      </div>
    </section>
  );
}

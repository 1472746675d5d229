"use client";

import { useRef, useState } from "react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { Button } from "@/components/ui/button";
import type { ImpactDraft } from "@/lib/dynamic-segments/impact";
import { previewImpactAction } from "@/lib/dynamic-segments/version-actions";
import { formatCount } from "@/lib/format";
import type { Impact } from "@/lib/segments/impact";
import { changedDefinitionParts, type Definition } from "@/lib/segments/normalize";
import { ImpactSummary } from "./impact-preview";

export type Dependents = { mailings: { id: number; name: string }[]; scenarios: { id: number; name: string }[] };

/** The definition a submitted builder form carries (the same fields the server action reads); null if unreadable. */
function definitionOf(form: FormData): Definition | null {
  const first = (name: string) => form.getAll(name).map((v) => (typeof v === "string" ? v.trim() : "")).find((v) => v !== "") ?? "";
  const number = (text: string, fallback: number) => (text === "" ? fallback : Number(text));
  const script = first("script");
  let conditions: unknown = null;
  try {
    conditions = script ? JSON.parse(script) : null;
  } catch {
    return null;
  }
  const limit = form.get("limitEnabled") ? number(first("limit"), NaN) : null;
  const range = { from: number(first("rangeFrom"), 0), to: number(first("rangeTo"), 100) };
  if (![range.from, range.to, limit ?? 0].every(Number.isFinite)) return null;
  return { range, conditions, limit };
}

const quoted = (names: string[]) => names.map((n) => `“${n}”`).join(", ");

function usersOf(d: Dependents): string {
  const parts = [
    ...(d.mailings.length ? [`the mailing${d.mailings.length > 1 ? "s" : ""} ${quoted(d.mailings.map((m) => m.name))}`] : []),
    ...(d.scenarios.length ? [`the scenario${d.scenarios.length > 1 ? "s" : ""} ${quoted(d.scenarios.map((s) => s.name))}`] : []),
  ];
  return parts.join(" and ");
}

/** "312 profiles will leave “Lapsed buyers”, which “Win-back” uses." */
export function impactSentence(impact: Impact, segmentName: string, dependents: Dependents): string {
  const who = usersOf(dependents);
  const count = dependents.mailings.length + dependents.scenarios.length;
  const leave = `${formatCount(impact.leaving)} profile${impact.leaving === 1 ? "" : "s"} will leave “${segmentName}”`;
  const enter = `${formatCount(impact.entering)} will enter`;
  return `${leave} and ${enter}; ${who} ${count === 1 ? "uses" : "use"} it.`;
}

/**
 * Wraps the builder of a saved segment that mailings or scenarios use: a Save that changes the
 * definition first shows who would enter and leave (the same impact as `Preview changes`) and asks
 * to confirm. It listens to the form's submit in the capture phase, before React runs the form's
 * action, so the builder itself needs no change; without JavaScript the form saves directly.
 */
export function DependentsSaveGuard({
  segmentName,
  segmentId,
  saved,
  dependents,
  children,
}: {
  segmentName: string;
  segmentId: number;
  saved: Definition;
  dependents: Dependents;
  children: React.ReactNode;
}) {
  const confirmed = useRef(false);
  const [pending, setPending] = useState<{ form: HTMLFormElement; submitter: HTMLElement | null } | null>(null);
  const [impact, setImpact] = useState<Impact | null>(null);
  const [error, setError] = useState<string | null>(null);
  const guarded = dependents.mailings.length + dependents.scenarios.length > 0;

  const onSubmitCapture = (event: React.FormEvent<HTMLDivElement>) => {
    if (confirmed.current) {
      confirmed.current = false;
      return;
    }
    const form = event.target;
    // Only the builder's own form: a dialog's form (quick actions, explain) is portaled out of this div
    // in the DOM, but React still delivers its submit here.
    if (!guarded || !(form instanceof HTMLFormElement) || !event.currentTarget.contains(form)) return;
    const draft = definitionOf(new FormData(form));
    if (!draft || changedDefinitionParts(saved, draft).length === 0) return;
    event.preventDefault();
    // The builder saves from its own onSubmit handler: stop the event here (capture phase) so that
    // nothing is saved until the user confirms; `save()` submits the form again.
    event.stopPropagation();
    setPending({ form, submitter: (event.nativeEvent as SubmitEvent).submitter ?? null });
    setImpact(null);
    setError(null);
    void previewImpactAction({ segmentId, draft: draft as ImpactDraft }).then((answer) => {
      if (answer.ok) setImpact(answer.data);
      else setError(answer.message);
    });
  };

  const save = () => {
    if (!pending) return;
    confirmed.current = true;
    const { form, submitter } = pending;
    setPending(null);
    form.requestSubmit(submitter instanceof HTMLButtonElement || submitter instanceof HTMLInputElement ? submitter : undefined);
  };

  return (
    <div onSubmitCapture={onSubmitCapture}>
      {children}
      <ConfirmDialog
        open={pending !== null}
        onOpenChange={(open) => !open && setPending(null)}
        title="Save changes to a segment in use?"
        description={
          impact
            ? impactSentence(impact, segmentName, dependents)
            : `${usersOf(dependents)} ${dependents.mailings.length + dependents.scenarios.length === 1 ? "uses" : "use"} “${segmentName}”. Working out who would enter and leave…`
        }
        confirm={
          <Button type="button" onClick={save}>
            Save changes
          </Button>
        }
      >
        {impact ? <ImpactSummary impact={impact} /> : null}
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            Could not work out the impact: {error}
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}

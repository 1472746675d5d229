"use client";

import { useActionState, useMemo, useState } from "react";
import { Save } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Slider } from "@/components/ui/slider";
import { Textarea } from "@/components/ui/textarea";
import type { Issue } from "@/lib/errors";
import { saveSegmentAction, type RuleInput, type SaveSegmentState } from "@/lib/dynamic-segments/builder-actions";
import { parseScript, type Script } from "@/lib/segments/script";
import { CalculationBlock } from "./calculation-block";
import { ConditionBuilder, emptyScript } from "./condition-builder";
import type { BuilderOptions, SegmentFormValues } from "@/lib/dynamic-segments/builder-types";
import { SourcePicker } from "./source-picker";

function initialScript(conditions: unknown): Script {
  const parsed = parseScript(conditions);
  return parsed.ok && parsed.value ? parsed.value : emptyScript();
}

const toNumber = (text: string) => (text.trim() === "" ? NaN : Number(text));

/**
 * The dynamic segment form. Name, source, range, limit, description, tags, access groups and the
 * Script text post as a plain form (it works without JavaScript); the visual builder, Calculate and
 * Show need JavaScript.
 */
export function SegmentForm({
  initial,
  options,
  initialCount,
  quickActions,
  ruleTools,
  unsavedChangesTools,
}: {
  initial: SegmentFormValues;
  options: BuilderOptions;
  initialCount: { count: number; calculatedAt: string } | null;
  /**
   * The quick actions on the current selection (SPEC §4), rendered once it has at least one condition.
   * `rule` is the form's current, unsaved rule; `unchangedSinceSave` says it is still the saved segment's.
   */
  quickActions?: (current: { rule: RuleInput; unchangedSinceSave: boolean }) => React.ReactNode;
  /** Blocks under the conditions that study the current rule (explain, funnel); rendered for any source. */
  ruleTools?: (current: { rule: RuleInput | null; ruleKey: string; unchangedSinceSave: boolean }) => React.ReactNode;
  /** Tools for a saved segment with unsaved edits (e.g. `Preview changes`), shown below the count. */
  unsavedChangesTools?: (current: { rule: RuleInput; ruleKey: string }) => React.ReactNode;
}) {
  const [state, formAction, saving] = useActionState<SaveSegmentState, FormData>(saveSegmentAction, {});
  const values = state.values ?? initial;
  const [databaseId, setDatabaseId] = useState<number | null>(values.databaseId);
  const [rangeFrom, setRangeFrom] = useState(String(values.rangeFrom));
  const [rangeTo, setRangeTo] = useState(String(values.rangeTo));
  const [limitOn, setLimitOn] = useState(values.limit !== null);
  const [limit, setLimit] = useState(values.limit === null ? "" : String(values.limit));
  const [script, setScript] = useState<Script>(() => initialScript(values.conditions));
  const [calcIssues, setCalcIssues] = useState<Issue[]>([]);
  const errors = state.fieldErrors ?? {};

  const scriptJson = useMemo(() => (script.groups.length ? JSON.stringify(script) : ""), [script]);
  const rule: RuleInput | null = databaseId
    ? {
        databaseId,
        range: { from: toNumber(rangeFrom), to: toNumber(rangeTo) },
        conditions: script.groups.length ? script : null,
        limit: limitOn ? toNumber(limit) : null,
      }
    : null;
  const ruleKey = JSON.stringify(rule);
  const savedKey = useMemo(
    () =>
      JSON.stringify({
        databaseId: initial.databaseId,
        range: { from: initial.rangeFrom, to: initial.rangeTo },
        conditions: initialScript(initial.conditions).groups.length ? initialScript(initial.conditions) : null,
        limit: initial.limit,
      }),
    [initial],
  );
  const database = options.databases.find((d) => d.id === databaseId);
  const conditionIssues = [...(state.conditionIssues ?? []), ...calcIssues];
  const sliderValues = [Number(rangeFrom) || 0, Number.isFinite(Number(rangeTo)) && rangeTo !== "" ? Number(rangeTo) : 100];

  return (
    <form action={formAction} className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" noValidate>
      {initial.id ? <input type="hidden" name="id" value={initial.id} /> : null}
      <div className="space-y-6">
        {state.message ? (
          <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
            {state.message}
          </p>
        ) : null}
        <div className="grid gap-4 rounded-lg border bg-card p-4 shadow-xs">
          <div className="grid gap-1.5">
            <Label htmlFor="segment-name">Name</Label>
            <Input id="segment-name" name="name" defaultValue={values.name} required maxLength={200} aria-invalid={errors.name ? true : undefined} />
            {errors.name ? <p className="text-sm text-destructive">{errors.name}</p> : null}
          </div>
          <SourcePicker databases={options.databases} value={databaseId} locked={Boolean(initial.id)} onChange={setDatabaseId} error={errors.databaseId} />
          <fieldset className="grid gap-3">
            <legend className="mb-1 text-sm font-medium">Range</legend>
            <p className="-mt-1 text-xs text-muted-foreground">The part of the database the conditions apply to. The same range always selects the same profiles.</p>
            <div className="flex flex-wrap items-end gap-3">
              <div className="grid gap-1.5">
                <Label htmlFor="range-from">Range from</Label>
                <div className="flex items-center gap-1">
                  <Input id="range-from" name="rangeFrom" type="number" inputMode="decimal" min={0} max={100} step={0.01} className="w-24" value={rangeFrom} onChange={(e) => setRangeFrom(e.target.value)} aria-invalid={errors.rangeFrom ? true : undefined} />
                  <span className="text-sm text-muted-foreground">%</span>
                </div>
              </div>
              <div className="grid gap-1.5">
                <Label htmlFor="range-to">Range to</Label>
                <div className="flex items-center gap-1">
                  <Input id="range-to" name="rangeTo" type="number" inputMode="decimal" min={0} max={100} step={0.01} className="w-24" value={rangeTo} onChange={(e) => setRangeTo(e.target.value)} aria-invalid={errors.rangeTo ? true : undefined} />
                  <span className="text-sm text-muted-foreground">%</span>
                </div>
              </div>
              <div className="min-w-48 flex-1 pb-3">
                <Slider
                  min={0}
                  max={100}
                  step={1}
                  value={sliderValues}
                  onValueChange={([from, to]) => {
                    setRangeFrom(String(from));
                    setRangeTo(String(to));
                  }}
                  thumbLabels={["Start of range", "End of range"]}
                  getValueText={(v) => `${v} %`}
                  aria-label="Range slider"
                />
              </div>
            </div>
            {errors.rangeFrom || errors.rangeTo ? <p className="text-sm text-destructive">{errors.rangeFrom ?? errors.rangeTo}</p> : null}
          </fieldset>
        </div>

        <div className="rounded-lg border bg-card p-4 shadow-xs">
          <ConditionBuilder script={script} onChange={setScript} databaseId={databaseId} segmentId={initial.id} options={options} />
          <input type="hidden" name="script" value={scriptJson} />
          <noscript>
            <label className="mt-4 grid gap-1.5 text-sm">
              Script
              <textarea name="script" rows={8} defaultValue={scriptJson} className="rounded-md border p-2 font-mono text-xs" />
            </label>
          </noscript>
          {conditionIssues.length ? (
            <ul role="alert" className="mt-4 space-y-1 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
              {conditionIssues.map((i, n) => (
                <li key={n}>
                  {i.path ? <code className="mr-1 text-xs">{i.path}</code> : null}
                  {i.message}
                </li>
              ))}
            </ul>
          ) : null}
          <div className="group mt-6 grid gap-3 border-t pt-4">
            <div className="flex items-center gap-2">
              <input
                id="limit-enabled"
                type="checkbox"
                name="limitEnabled"
                checked={limitOn}
                onChange={(e) => setLimitOn(e.target.checked)}
                className="size-4 accent-primary"
              />
              <Label htmlFor="limit-enabled">Set a limit on the maximum in the segment</Label>
            </div>
            <div className={limitOn ? "grid max-w-48 gap-1.5" : "hidden"}>
              <Label htmlFor="segment-limit">Limit</Label>
              <Input id="segment-limit" name="limit" type="number" min={1} step={1} value={limit} onChange={(e) => setLimit(e.target.value)} aria-invalid={errors.limit ? true : undefined} />
              <p className="text-xs text-muted-foreground">After range and conditions, the profiles with the lowest ids are taken.</p>
            </div>
            <noscript>
              <label className="grid max-w-48 gap-1.5 text-sm">
                Limit (when the box is ticked)
                <input name="limit" type="number" min={1} defaultValue={limit} className="h-9 rounded-md border px-3" />
              </label>
            </noscript>
            {errors.limit ? <p className="text-sm text-destructive">{errors.limit}</p> : null}
          </div>
        </div>
        {ruleTools?.({ rule, ruleKey, unchangedSinceSave: Boolean(initial.id) && ruleKey === savedKey })}
      </div>

      <aside className="space-y-4">
        <CalculationBlock
          rule={rule}
          ruleKey={ruleKey}
          savedSegmentId={initial.id}
          unchangedSinceSave={Boolean(initial.id) && ruleKey === savedKey}
          initialCount={initialCount ? { ...initialCount, ruleKey: savedKey } : null}
          fieldKeys={(database?.fields ?? []).slice(0, 3).map((f) => f.key)}
          onIssues={setCalcIssues}
        />
        {unsavedChangesTools && initial.id && rule && ruleKey !== savedKey ? unsavedChangesTools({ rule, ruleKey }) : null}
        {quickActions && rule && script.groups.some((g) => g.conditions.length > 0)
          ? quickActions({ rule, unchangedSinceSave: Boolean(initial.id) && ruleKey === savedKey })
          : null}
        <div className="grid gap-4 rounded-lg border bg-card p-4 shadow-xs">
          <div className="grid gap-1.5">
            <Label htmlFor="segment-description">Description</Label>
            <Textarea id="segment-description" name="description" rows={3} maxLength={2000} defaultValue={values.description} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="segment-tags">Tags</Label>
            <Input id="segment-tags" name="tags" defaultValue={values.tags.join(", ")} placeholder="newsletter, spring" list="known-tags" aria-describedby="tags-help" />
            <datalist id="known-tags">
              {options.tags.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
            <p id="tags-help" className="text-xs text-muted-foreground">
              Separate tags with commas. {options.tags.length ? `In use: ${options.tags.slice(0, 8).join(", ")}` : ""}
            </p>
            {errors.tags ? <p className="text-sm text-destructive">{errors.tags}</p> : null}
          </div>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Access groups</legend>
            {options.accessGroups.length ? (
              options.accessGroups.map((g) => (
                <label key={g.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="accessGroupIds" value={g.id} defaultChecked={values.accessGroupIds.includes(g.id)} className="size-4 accent-primary" />
                  {g.name}
                </label>
              ))
            ) : (
              <p className="text-xs text-muted-foreground">You are in no access group: the segment is visible to everyone.</p>
            )}
            <p className="text-xs text-muted-foreground">No group ticked: every signed-in user sees the segment.</p>
            {errors.accessGroupIds ? <p className="text-sm text-destructive">{errors.accessGroupIds}</p> : null}
          </fieldset>
          <Button type="submit" disabled={saving}>
            <Save aria-hidden />
            {saving ? "Saving…" : "Save"}
          </Button>
        </div>
      </aside>
    </form>
  );
}

"use client";

import { useActionState, useCallback, useMemo, useState, useSyncExternalStore, useTransition } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Save } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Slider } from "@/components/ui/slider";
import { Textarea } from "@/components/ui/textarea";
import type { Issue } from "@/lib/errors";
import { saveSegmentAction, saveSegmentValuesAction, type RuleInput } from "@/lib/dynamic-segments/builder-actions";
import type { BuilderOptions, SegmentFormValues } from "@/lib/dynamic-segments/builder-types";
import {
  formFieldOf,
  formMessage,
  formErrorsOf,
  scriptRelative,
  formValuesOf,
  segmentFormSchema,
  type BuilderFormValues,
  type SegmentFormField,
  type SegmentInputParsed,
} from "@/lib/dynamic-segments/segment-schema";
import { emptyScript, parseScriptText, type Script } from "@/lib/segments/script";
import { fieldIssues } from "@/lib/segments/validate";
import { CalculationBlock } from "./calculation-block";
import { ConditionBuilder } from "./condition-builder";
import { FieldError } from "@/components/forms/form-bits";
import { SourcePicker } from "./source-picker";
import { useUnsavedChangesPrompt } from "./use-unsaved-changes";

const toNumber = (text: string) => (text.trim() === "" ? NaN : Number(text));

function scriptOf(text: string): Script {
  const parsed = parseScriptText(text);
  return parsed.ok && parsed.value ? parsed.value : emptyScript();
}

const noSubscribe = () => () => {};
/** False while rendering on the server and hydrating, true after: server-rendered errors stand in until then. */
const useHydrated = () => useSyncExternalStore(noSubscribe, () => true, () => false);

/**
 * The dynamic segment form: one form state (react-hook-form) validated by one schema
 * (`segmentFormSchema`), which the save action parses again on the server. With JavaScript the form
 * sends its values and keeps them on failure; without, it posts as a plain form and the server
 * renders every field back exactly as it was typed, with each error next to its field.
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
  const [state, formAction] = useActionState(saveSegmentAction, null);
  const failed = state && !state.ok ? state : null;
  // Without JavaScript a failed save renders the form again from this answer: the values as posted, every issue on its input.
  const posted = useMemo(() => (failed ? formErrorsOf(failed) : null), [failed]);
  const saved = useMemo(() => formValuesOf(initial), [initial]);
  const start = failed?.values ?? saved;
  const hydrated = useHydrated();
  const form = useForm<BuilderFormValues, unknown, SegmentInputParsed>({
    resolver: zodResolver(segmentFormSchema),
    defaultValues: start,
    mode: "onTouched",
    reValidateMode: "onChange",
  });
  const { register, setValue, getValues, control, formState } = form;
  const watched = useWatch({ control });
  const values = { ...start, ...watched } as BuilderFormValues;
  const [saving, startSaving] = useTransition();
  const [server, setServer] = useState<{ message?: string; conditionIssues: Issue[]; script: string }>({
    message: posted?.message,
    conditionIssues: posted?.conditionIssues ?? [],
    script: start.script,
  });

  const errorOf = (field: SegmentFormField): string | undefined =>
    formState.errors[field]?.message ?? (hydrated ? undefined : posted?.fieldErrors[field]);

  const script = useMemo(() => scriptOf(values.script), [values.script]);
  const databaseId = values.databaseId ? Number(values.databaseId) : null;
  const database = options.databases.find((d) => d.id === databaseId);
  // Problems the builder can tell from the source's fields at once (e.g. after switching the source),
  // and the server's, as long as the conditions are the ones it judged.
  const conditionIssues = useMemo(() => {
    const live = database ? fieldIssues(script, database.fields) : [];
    const fromServer = server.script === values.script ? server.conditionIssues : [];
    const seen = new Set(live.map((i) => `${i.path}|${i.message}`));
    return [...live, ...fromServer.filter((i) => !seen.has(`${i.path}|${i.message}`))];
  }, [database, script, server, values.script]);

  const setScript = useCallback(
    (update: Script | ((current: Script) => Script)) => {
      const current = scriptOf(getValues("script"));
      const next = typeof update === "function" ? update(current) : update;
      setValue("script", next.groups.length ? JSON.stringify(next) : "", { shouldDirty: true, shouldValidate: formState.isSubmitted });
    },
    [getValues, setValue, formState.isSubmitted],
  );

  const rule: RuleInput | null = databaseId
    ? {
        databaseId,
        range: { from: toNumber(values.rangeFrom), to: toNumber(values.rangeTo) },
        conditions: script.groups.length ? script : null,
        limit: values.limitEnabled ? toNumber(values.limit) : null,
      }
    : null;
  const ruleKey = JSON.stringify(rule);
  const savedKey = useMemo(() => {
    const s = scriptOf(saved.script);
    return JSON.stringify({
      databaseId: initial.databaseId,
      range: { from: initial.rangeFrom, to: initial.rangeTo },
      conditions: s.groups.length ? s : null,
      limit: initial.limit,
    });
  }, [initial, saved.script]);
  const unchangedSinceSave = Boolean(initial.id) && ruleKey === savedKey;
  // What the browser can tell without asking: the live count waits until the rule's inputs are valid.
  const liveReady = Boolean(
    rule &&
      rule.range.from >= 0 &&
      rule.range.to <= 100 &&
      rule.range.from < rule.range.to &&
      (rule.limit === null || (Number.isInteger(rule.limit) && rule.limit >= 1)) &&
      conditionIssues.length === 0 &&
      script.groups.every((g) => g.conditions.length > 0),
  );

  useUnsavedChangesPrompt(formState.isDirty && !saving);

  /** Issues from the server (save or Calculate) go next to their inputs; those inside the conditions to their condition. */
  const showIssues = (issues: Issue[], message?: string) => {
    const conditions: Issue[] = [];
    let focused = false;
    for (const issue of issues) {
      const field = formFieldOf(issue.path);
      if (field === "script") {
        conditions.push(scriptRelative(issue));
        continue;
      }
      form.setError(field, { type: "server", message: formMessage(field, issue) }, { shouldFocus: !focused });
      focused = true;
    }
    setServer({ message, conditionIssues: conditions, script: getValues("script") });
  };

  /** Checks the rule's inputs before Calculate or Show: errors show next to the fields, and nothing is sent. */
  const validateRule = async () => {
    const ok = await form.trigger(["databaseId", "rangeFrom", "rangeTo", "limit"], { shouldFocus: true });
    return ok && conditionIssues.length === 0;
  };

  const submit = form.handleSubmit(
    () => {
      if (conditionIssues.length) return setServer((s) => ({ ...s, message: "The segment was not saved. Fix the conditions marked below." }));
      startSaving(async () => {
        const result = await saveSegmentValuesAction(getValues());
        if (result.ok) return; // a save opens the segment
        const { message, fieldErrors, conditionIssues: inConditions } = formErrorsOf(result);
        const onInputs = Object.entries(fieldErrors).flatMap(([path, text]) => (path === "script" ? [] : [{ path, message: text }]));
        showIssues([...onInputs, ...inConditions], message);
      });
    },
    () => setServer((s) => ({ ...s, message: "The segment was not saved. Fix the fields marked below." })),
  );

  // "Fix the fields marked below" goes away once nothing is marked any more.
  const marked = Object.keys(formState.errors).length > 0 || conditionIssues.length > 0;
  const message = hydrated ? (server.message && (marked || !server.message.includes("marked below")) ? server.message : undefined) : posted?.message;
  const scriptError = errorOf("script");
  const sliderValues = [
    Number.isFinite(toNumber(values.rangeFrom)) ? toNumber(values.rangeFrom) : 0,
    Number.isFinite(toNumber(values.rangeTo)) ? toNumber(values.rangeTo) : 100,
  ];
  const setRange = (from: number, to: number) => {
    setValue("rangeFrom", String(from), { shouldDirty: true, shouldValidate: true });
    setValue("rangeTo", String(to), { shouldDirty: true, shouldValidate: true });
  };
  const invalid = (field: SegmentFormField) => (errorOf(field) ? true : undefined);
  const described = (field: SegmentFormField, ...more: string[]) => [errorOf(field) ? `${field}-error` : "", ...more].filter(Boolean).join(" ") || undefined;

  return (
    <form
      action={formAction}
      // Only this form's own submits: a dialog's form rendered inside it through a portal (quick actions,
      // explain) bubbles its submit event here in React's tree, and must not save the segment.
      onSubmit={(event) => (event.target === event.currentTarget ? submit(event) : undefined)}
      className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" noValidate>
      {initial.id ? <input type="hidden" name="id" value={initial.id} /> : null}
      <div className="min-w-0 space-y-6">
        {message ? (
          <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
            {message}
          </p>
        ) : null}
        <div className="grid gap-4 rounded-lg border bg-card p-4 shadow-xs">
          <div className="grid gap-1.5">
            <Label htmlFor="segment-name">Name</Label>
            <Input id="segment-name" {...register("name")} defaultValue={start.name} required maxLength={200} aria-invalid={invalid("name")} aria-describedby={described("name")} />
            <FieldError id="name-error" message={errorOf("name")} />
          </div>
          <SourcePicker
            databases={options.databases}
            value={databaseId}
            locked={Boolean(initial.id)}
            onChange={(id) => setValue("databaseId", String(id), { shouldDirty: true, shouldValidate: true })}
            error={errorOf("databaseId")}
          />
          <fieldset className="grid gap-3" aria-describedby="range-help">
            <legend className="mb-1 text-sm font-medium">Range</legend>
            <p id="range-help" className="-mt-1 text-xs text-muted-foreground">
              The part of the database the conditions apply to. The same range always selects the same profiles.
            </p>
            <div className="flex flex-wrap items-end gap-3">
              <div className="grid gap-1.5">
                <Label htmlFor="range-from">Range from</Label>
                <div className="flex items-center gap-1">
                  <Input id="range-from" {...register("rangeFrom")} defaultValue={start.rangeFrom} type="number" inputMode="decimal" min={0} max={100} step={0.01} className="w-24" aria-invalid={invalid("rangeFrom")} aria-describedby={described("rangeFrom")} />
                  <span className="text-sm text-muted-foreground">%</span>
                </div>
              </div>
              <div className="grid gap-1.5">
                <Label htmlFor="range-to">Range to</Label>
                <div className="flex items-center gap-1">
                  <Input id="range-to" {...register("rangeTo")} defaultValue={start.rangeTo} type="number" inputMode="decimal" min={0} max={100} step={0.01} className="w-24" aria-invalid={invalid("rangeTo")} aria-describedby={described("rangeTo")} />
                  <span className="text-sm text-muted-foreground">%</span>
                </div>
              </div>
              <div className="min-w-40 flex-1 pb-3">
                <Slider
                  min={0}
                  max={100}
                  step={1}
                  value={sliderValues}
                  onValueChange={([from, to]) => setRange(from, to)}
                  thumbLabels={["Start of range", "End of range"]}
                  getValueText={(v) => `${v} %`}
                  aria-label="Range slider"
                />
              </div>
            </div>
            <FieldError id="rangeFrom-error" message={errorOf("rangeFrom")} />
            <FieldError id="rangeTo-error" message={errorOf("rangeTo")} />
          </fieldset>
        </div>

        <div className="rounded-lg border bg-card p-4 shadow-xs">
          <ConditionBuilder script={script} onChange={setScript} databaseId={databaseId} segmentId={initial.id} options={options} issues={conditionIssues} />
          {/* With JavaScript the conditions live in the form state; this carries them in the form's data too
              (the "segment in use" save guard reads the submitted definition from it). */}
          {hydrated ? <input type="hidden" name="script" value={values.script ?? ""} /> : null}
          <noscript>
            <label className="mt-4 grid gap-1.5 text-sm">
              Script
              <textarea name="script" rows={8} defaultValue={start.script} aria-invalid={invalid("script")} className="rounded-md border p-2 font-mono text-xs" />
            </label>
          </noscript>
          {scriptError && (!hydrated || conditionIssues.length === 0) ? <FieldError id="script-error" message={scriptError} /> : null}
          <div className="group mt-6 grid gap-3 border-t pt-4">
            <div className="flex items-center gap-2">
              <input id="limit-enabled" type="checkbox" {...register("limitEnabled")} defaultChecked={start.limitEnabled} className="size-4 accent-primary" />
              <Label htmlFor="limit-enabled">Set a limit on the maximum in the segment</Label>
            </div>
            {/* Shown by CSS when the box is ticked, so it works without JavaScript too. */}
            <div className="hidden max-w-48 gap-1.5 group-has-[#limit-enabled:checked]:grid">
              <Label htmlFor="segment-limit">Limit</Label>
              <Input id="segment-limit" {...register("limit")} defaultValue={start.limit} type="number" min={1} step={1} aria-invalid={invalid("limit")} aria-describedby={described("limit", "limit-help")} />
              <p id="limit-help" className="text-xs text-muted-foreground">
                After range and conditions, the profiles with the lowest ids are taken.
              </p>
            </div>
            <FieldError id="limit-error" message={errorOf("limit")} />
          </div>
        </div>
        {ruleTools?.({ rule, ruleKey, unchangedSinceSave })}
      </div>

      <aside className="min-w-0 space-y-4">
        <CalculationBlock
          rule={rule}
          ruleKey={ruleKey}
          savedSegmentId={initial.id}
          unchangedSinceSave={unchangedSinceSave}
          initialCount={initialCount ? { ...initialCount, ruleKey: savedKey } : null}
          fieldKeys={(database?.fields ?? []).slice(0, 3).map((f) => f.key)}
          validate={validateRule}
          liveReady={liveReady}
          onIssues={(issues) => showIssues(issues)}
        />
        {unsavedChangesTools && initial.id && rule && !unchangedSinceSave ? unsavedChangesTools({ rule, ruleKey }) : null}
        {quickActions && rule && script.groups.some((g) => g.conditions.length > 0) ? quickActions({ rule, unchangedSinceSave }) : null}
        <div className="grid gap-4 rounded-lg border bg-card p-4 shadow-xs">
          <div className="grid gap-1.5">
            <Label htmlFor="segment-description">Description</Label>
            <Textarea id="segment-description" {...register("description")} defaultValue={start.description} rows={3} maxLength={2000} aria-invalid={invalid("description")} aria-describedby={described("description")} />
            <FieldError id="description-error" message={errorOf("description")} />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="segment-tags">Tags</Label>
            <Input id="segment-tags" {...register("tags")} defaultValue={start.tags} placeholder="newsletter, spring" list="known-tags" aria-invalid={invalid("tags")} aria-describedby={described("tags", "tags-help")} />
            <datalist id="known-tags">
              {options.tags.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
            <p id="tags-help" className="text-xs text-muted-foreground">
              Separate tags with commas. {options.tags.length ? `In use: ${options.tags.slice(0, 8).join(", ")}` : ""}
            </p>
            <FieldError id="tags-error" message={errorOf("tags")} />
          </div>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Access groups</legend>
            {options.accessGroups.length ? (
              options.accessGroups.map((g) => (
                <label key={g.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" {...register("accessGroupIds")} value={String(g.id)} defaultChecked={start.accessGroupIds.includes(String(g.id))} className="size-4 accent-primary" />
                  {g.name}
                </label>
              ))
            ) : (
              <p className="text-xs text-muted-foreground">You are in no access group: the segment is visible to everyone.</p>
            )}
            <p className="text-xs text-muted-foreground">No group ticked: every signed-in user sees the segment.</p>
            <FieldError id="accessGroupIds-error" message={errorOf("accessGroupIds")} />
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

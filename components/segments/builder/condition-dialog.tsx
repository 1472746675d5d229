"use client";

import { useState } from "react";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Textarea } from "@/components/ui/textarea";
import type { Issue } from "@/lib/errors";
import { OPERATORS_BY_TYPE, SYSTEM_FIELDS, VALUELESS_OPERATORS, type FieldType } from "@/lib/segments/fields";
import { COUNT_OPERATORS, EVENT_CHANNELS, INTERACTION_TYPES, SUBSCRIPTION_CHANNELS, type Condition } from "@/lib/segments/script";
import {
  conditionFromDraft,
  draftFromCondition,
  emptyDraft,
  fieldTypeOf,
  type ConditionDraft,
  type ConditionKind,
  type PropertyDraft,
} from "./condition-draft";
import { countLabels, operatorLabels } from "@/lib/segments/describe";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";

const categories: { kind: ConditionKind; label: string }[] = [
  { kind: "field", label: "Profile data" },
  { kind: "subscription", label: "Subscriptions" },
  { kind: "interaction", label: "Mailing interactions" },
  { kind: "event", label: "Behaviour" },
  { kind: "segment", label: "Segment membership" },
];

const systemFieldLabels: Record<string, string> = {
  id: "Profile ID",
  email: "Email",
  phone: "Phone",
  first_name: "First name",
  last_name: "Last name",
  created_at: "Created at",
  updated_at: "Updated at",
};

type Props = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  initial: Condition | null;
  databaseId: number | null;
  segmentId?: number;
  options: BuilderOptions;
  onSave: (condition: Condition) => void;
  onCloseAutoFocus?: (event: Event) => void;
};

/** Which input of the dialog an issue of the condition concerns (`value[0]` → `value`, `where[1].op` → `where.1`). */
function inputOf(path: string): string {
  const where = /^where\[(\d+)\]/.exec(path);
  if (where) return `where.${where[1]}`;
  return path.split(/[.[]/)[0] || "condition";
}

const issueText = (issues: Issue[], input: string) =>
  issues
    .filter((i) => inputOf(i.path) === input)
    .map((i) => i.message)
    .join(" ") || undefined;

/** Adds or edits one condition, by category, with inputs that fit the field type and operator. */
export function ConditionDialog(props: Props) {
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl" onCloseAutoFocus={props.onCloseAutoFocus}>
        {props.open ? <ConditionEditor {...props} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function ConditionEditor({ initial, databaseId, segmentId, options, onSave, onOpenChange }: Props) {
  const [draft, setDraft] = useState<ConditionDraft>(() => (initial ? draftFromCondition(initial) : emptyDraft("field")));
  const [issues, setIssues] = useState<Issue[]>([]);
  const database = options.databases.find((d) => d.id === databaseId);
  const fields = database?.fields ?? [];

  // The same checks as the server; an invalid condition keeps the dialog open with the error at its input.
  const save = () => {
    const result = conditionFromDraft(draft, fields);
    if (!result.ok) return setIssues(result.issues);
    onSave(result.value); // the builder stores it and closes the dialog
  };
  const set = (patch: Partial<ConditionDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    // An edited input's error goes away; it comes back on Save if the value is still wrong.
    setIssues((all) => all.filter((i) => !Object.keys(patch).some((k) => inputOf(i.path) === inputKey(k))));
  };
  const unplaced = issues.filter((i) => !PLACED.includes(inputOf(i.path).replace(/\.\d+$/, "")));

  return (
    <div
      className="contents"
      onKeyDown={(e) => {
        // Enter in a one-line input saves the condition, as in any form.
        const target = e.target as HTMLElement;
        if (e.key === "Enter" && target instanceof HTMLInputElement && !e.nativeEvent.isComposing) {
          e.preventDefault();
          save();
        }
      }}
    >
      <DialogHeader>
        <DialogTitle>{initial ? "Edit condition" : "Add condition"}</DialogTitle>
        <DialogDescription>Choose what profiles must have done or be, then save the condition into its group.</DialogDescription>
      </DialogHeader>
      <Tabs
        value={draft.kind}
        onValueChange={(kind) => {
          setIssues([]);
          setDraft(emptyDraft(kind as ConditionKind));
        }}
      >
        <TabsList className="grid h-auto w-full grid-cols-2 gap-1 sm:grid-cols-5">
          {categories.map((c) => (
            <TabsTrigger key={c.kind} value={c.kind} className="h-auto py-1.5 leading-tight whitespace-normal">
              {c.label}
            </TabsTrigger>
          ))}
        </TabsList>
        <TabsContent value="field" className="space-y-4 pt-4">
          <FieldEditor draft={draft} set={set} fields={fields} issues={issues} />
        </TabsContent>
        <TabsContent value="subscription" className="grid gap-4 pt-4 sm:grid-cols-2">
          <Labelled id="cond-channel" label="Channel">
            <NativeSelect id="cond-channel" value={draft.channel} onChange={(e) => set({ channel: e.target.value })}>
              {SUBSCRIPTION_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </NativeSelect>
          </Labelled>
          <Labelled id="cond-status" label="Status">
            <NativeSelect id="cond-status" value={draft.status} onChange={(e) => set({ status: e.target.value })}>
              <option value="subscribed">Subscribed</option>
              <option value="unsubscribed">Unsubscribed</option>
              <option value="none">No status</option>
            </NativeSelect>
          </Labelled>
        </TabsContent>
        <TabsContent value="interaction" className="space-y-4 pt-4">
          <div className="grid gap-4 sm:grid-cols-3">
            <Labelled id="cond-itype" label="Interaction">
              <NativeSelect id="cond-itype" value={draft.type} onChange={(e) => set({ type: e.target.value })}>
                {INTERACTION_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </NativeSelect>
            </Labelled>
            <ChannelSelect draft={draft} set={set} />
            <Labelled id="cond-mailing" label="Mailing">
              <NativeSelect id="cond-mailing" value={draft.mailingId} onChange={(e) => set({ mailingId: e.target.value })}>
                <option value="">Any mailing</option>
                {options.mailings
                  .filter((m) => m.databaseId === databaseId)
                  .map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
              </NativeSelect>
            </Labelled>
          </div>
          <CountAndPeriod draft={draft} set={set} issues={issues} />
        </TabsContent>
        <TabsContent value="event" className="space-y-4 pt-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Labelled id="cond-etype" label="Event type" error={issueText(issues, "type")}>
              <Input id="cond-etype" {...errorAria("cond-etype", issueText(issues, "type"))} list="event-types" value={draft.type} placeholder="purchase" onChange={(e) => set({ type: e.target.value })} />
              <datalist id="event-types">
                {(options.eventTypes[databaseId ?? 0] ?? []).map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </Labelled>
            <ChannelSelect draft={draft} set={set} />
          </div>
          <PropertyFilters draft={draft} set={set} issues={issues} />
          <CountAndPeriod draft={draft} set={set} issues={issues} />
        </TabsContent>
        <TabsContent value="segment" className="grid gap-4 pt-4 sm:grid-cols-3">
          <Labelled id="cond-stype" label="Segment type">
            <NativeSelect id="cond-stype" value={draft.segmentType} onChange={(e) => set({ segmentType: e.target.value as "static" | "dynamic", segmentId: "" })}>
              <option value="dynamic">Dynamic segment</option>
              <option value="static">Static segment</option>
            </NativeSelect>
          </Labelled>
          <Labelled id="cond-segment" label="Segment" error={issueText(issues, "segment_id")}>
            <NativeSelect id="cond-segment" {...errorAria("cond-segment", issueText(issues, "segment_id"))} value={draft.segmentId} onChange={(e) => set({ segmentId: e.target.value })}>
              <option value="">Choose a segment…</option>
              {(draft.segmentType === "static" ? options.staticSegments : options.dynamicSegments)
                .filter((s) => s.databaseId === databaseId && s.id !== (draft.segmentType === "dynamic" ? segmentId : undefined))
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
            </NativeSelect>
          </Labelled>
          <Labelled id="cond-member" label="Membership">
            <NativeSelect id="cond-member" value={draft.member ? "in" : "out"} onChange={(e) => set({ member: e.target.value === "in" })}>
              <option value="in">Is in the segment</option>
              <option value="out">Is not in the segment</option>
            </NativeSelect>
          </Labelled>
        </TabsContent>
      </Tabs>
      {issues.length ? (
        <p role="alert" className="sr-only">
          The condition is not valid: {issues.map((i) => i.message).join(" ")}
        </p>
      ) : null}
      {unplaced.length ? (
        <ul className="space-y-1 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {unplaced.map((i, n) => (
            <li key={n}>{i.message}</li>
          ))}
        </ul>
      ) : null}
      <DialogFooter>
        <Button variant="outline" onClick={() => onOpenChange(false)}>
          Cancel
        </Button>
        <Button onClick={save}>Save condition</Button>
      </DialogFooter>
    </div>
  );
}

/** Inputs that show their own errors; any other issue is listed above the buttons. */
const PLACED = ["field", "op", "value", "type", "segment_id", "count", "period", "where"];
const inputKey = (draftKey: string) =>
  ({ value2: "value", countOp: "count", countValue: "count", periodMode: "period", lastDays: "period", from: "period", to: "period", segmentId: "segment_id", where: "where" })[draftKey] ?? draftKey;

function Labelled({ id, label, error, children }: { id: string; label: string; error?: string; children: React.ReactNode }) {
  return (
    <div className="grid min-w-0 gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** aria attributes of an input whose error `Labelled` shows. */
const errorAria = (id: string, error?: string) => (error ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {});

type SetDraft = (patch: Partial<ConditionDraft>) => void;

function FieldEditor({ draft, set, fields, issues }: { draft: ConditionDraft; set: SetDraft; fields: { key: string; type: FieldType; label?: string }[]; issues: Issue[] }) {
  const type = fieldTypeOf(draft.field, fields);
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Labelled id="cond-field" label="Field" error={issueText(issues, "field")}>
        <NativeSelect
          id="cond-field"
          {...errorAria("cond-field", issueText(issues, "field"))}
          value={draft.field}
          onChange={(e) => {
            const next = fieldTypeOf(e.target.value, fields);
            set({ field: e.target.value, op: next ? OPERATORS_BY_TYPE[next][0] : "", value: "", value2: "" });
          }}
        >
          <option value="">Choose a field…</option>
          <optgroup label="Profile">
            {Object.keys(SYSTEM_FIELDS).map((k) => (
              <option key={k} value={k}>
                {systemFieldLabels[k]}
              </option>
            ))}
          </optgroup>
          {fields.length ? (
            <optgroup label="Custom fields">
              {fields.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.label || f.key} ({f.type})
                </option>
              ))}
            </optgroup>
          ) : null}
        </NativeSelect>
      </Labelled>
      {type ? (
        <>
          <Labelled id="cond-op" label="Operator" error={issueText(issues, "op")}>
            <NativeSelect id="cond-op" {...errorAria("cond-op", issueText(issues, "op"))} value={draft.op} onChange={(e) => set({ op: e.target.value })}>
              {OPERATORS_BY_TYPE[type].map((op) => (
                <option key={op} value={op}>
                  {operatorLabels[op] ?? op}
                </option>
              ))}
            </NativeSelect>
          </Labelled>
          <ValueInputs idPrefix="cond" type={type} op={draft.op} value={draft.value} value2={draft.value2} onChange={(v) => set(v)} error={issueText(issues, "value")} />
        </>
      ) : null}
    </div>
  );
}

/** The value inputs a field type and operator need: none, one, two (between), days, or a list. */
function ValueInputs(props: {
  idPrefix: string;
  type: FieldType;
  op: string;
  value: string;
  value2: string;
  onChange: (v: { value?: string; value2?: string }) => void;
  error?: string;
}) {
  const { idPrefix, type, op, error } = props;
  const id = `${idPrefix}-value`;
  const aria = errorAria(id, error);
  if (VALUELESS_OPERATORS.includes(op as never) || !op) return null;
  if (["within_last_days", "within_next_days", "more_than_days_ago"].includes(op))
    return (
      <Labelled id={id} label="Days" error={error}>
        <Input id={id} {...aria} type="number" min={0} step={1} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
      </Labelled>
    );
  if (op === "in" || op === "not_in")
    return (
      <Labelled id={id} label="Values (one per line)" error={error}>
        <Textarea id={id} {...aria} rows={3} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
      </Labelled>
    );
  const inputType = type === "number" ? "number" : type === "date" ? "date" : "text";
  if (op === "between")
    return (
      <div className="grid gap-1.5">
        <div className="grid grid-cols-2 gap-2">
          <Labelled id={id} label="From">
            <Input id={id} {...aria} type={inputType} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
          </Labelled>
          <Labelled id={`${idPrefix}-value2`} label="To">
            <Input id={`${idPrefix}-value2`} {...aria} type={inputType} value={props.value2} onChange={(e) => props.onChange({ value2: e.target.value })} />
          </Labelled>
        </div>
        {error ? (
          <p id={`${id}-error`} className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
      </div>
    );
  return (
    <Labelled id={id} label="Value" error={error}>
      <Input id={id} {...aria} type={inputType} step={type === "number" ? "any" : undefined} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
    </Labelled>
  );
}

function ChannelSelect({ draft, set }: { draft: ConditionDraft; set: SetDraft }) {
  return (
    <Labelled id="cond-echannel" label="Channel">
      <NativeSelect id="cond-echannel" value={draft.channel} onChange={(e) => set({ channel: e.target.value })}>
        <option value="">Any channel</option>
        {EVENT_CHANNELS.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </NativeSelect>
    </Labelled>
  );
}

function CountAndPeriod({ draft, set, issues }: { draft: ConditionDraft; set: SetDraft; issues: Issue[] }) {
  const countError = issueText(issues, "count");
  const periodError = issueText(issues, "period");
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <fieldset className="grid grid-cols-2 gap-2">
        <legend className="mb-1.5 text-sm font-medium">How often</legend>
        <NativeSelect aria-label="Count comparison" value={draft.countOp} onChange={(e) => set({ countOp: e.target.value as ConditionDraft["countOp"] })}>
          {COUNT_OPERATORS.map((op) => (
            <option key={op} value={op}>
              {countLabels[op]}
            </option>
          ))}
        </NativeSelect>
        <Input aria-label="Times" type="number" min={0} step={1} value={draft.countValue} onChange={(e) => set({ countValue: e.target.value })} />
        <p className="col-span-2 text-xs text-muted-foreground">“exactly 0” selects profiles that never did it.</p>
        {countError ? <p className="col-span-2 text-sm text-destructive">{countError}</p> : null}
      </fieldset>
      <fieldset className="grid gap-2">
        <legend className="mb-1.5 text-sm font-medium">Period</legend>
        <NativeSelect aria-label="Period" value={draft.periodMode} onChange={(e) => set({ periodMode: e.target.value as ConditionDraft["periodMode"] })}>
          <option value="all">All time</option>
          <option value="last">In the last … days</option>
          <option value="range">Between dates</option>
        </NativeSelect>
        {draft.periodMode === "last" ? (
          <Input aria-label="Last days" type="number" min={1} step={1} value={draft.lastDays} onChange={(e) => set({ lastDays: e.target.value })} />
        ) : null}
        {draft.periodMode === "range" ? (
          <div className="grid grid-cols-2 gap-2">
            <Input aria-label="Period from" type="date" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
            <Input aria-label="Period to" type="date" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
          </div>
        ) : null}
        {periodError ? <p className="text-sm text-destructive">{periodError}</p> : null}
      </fieldset>
    </div>
  );
}

function PropertyFilters({ draft, set, issues }: { draft: ConditionDraft; set: SetDraft; issues: Issue[] }) {
  const update = (i: number, patch: Partial<PropertyDraft>) =>
    set({ where: draft.where.map((w, n) => (n === i ? { ...w, ...patch } : w)) });
  return (
    <fieldset className="space-y-2">
      <legend className="mb-1.5 text-sm font-medium">Property filters</legend>
      {draft.where.map((w, i) => (
        <div key={i} className="grid grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] items-end gap-2 sm:grid-cols-[minmax(0,1fr)_7rem_10rem_minmax(0,1fr)_auto]">
          <Input aria-label={`Property ${i + 1}`} placeholder="amount" value={w.property} onChange={(e) => update(i, { property: e.target.value })} />
          <NativeSelect
            aria-label={`Property ${i + 1} type`}
            value={w.type}
            onChange={(e) => update(i, { type: e.target.value as FieldType, op: OPERATORS_BY_TYPE[e.target.value as FieldType][0] })}
          >
            <option value="string">text</option>
            <option value="number">number</option>
            <option value="date">date</option>
            <option value="boolean">boolean</option>
          </NativeSelect>
          <NativeSelect aria-label={`Property ${i + 1} operator`} value={w.op} onChange={(e) => update(i, { op: e.target.value })}>
            {OPERATORS_BY_TYPE[w.type].map((op) => (
              <option key={op} value={op}>
                {operatorLabels[op] ?? op}
              </option>
            ))}
          </NativeSelect>
          {VALUELESS_OPERATORS.includes(w.op as never) ? (
            <span />
          ) : (
            <Input aria-label={`Property ${i + 1} value`} value={w.value} onChange={(e) => update(i, { value: e.target.value })} />
          )}
          <Button variant="ghost" size="icon-sm" aria-label={`Remove property filter ${i + 1}`} onClick={() => set({ where: draft.where.filter((_, n) => n !== i) })}>
            <Trash2 />
          </Button>
          {issueText(issues, `where.${i}`) ? <p className="col-span-full text-sm text-destructive">{issueText(issues, `where.${i}`)}</p> : null}
        </div>
      ))}
      <Button
        variant="outline"
        size="sm"
        onClick={() => set({ where: [...draft.where, { property: "", type: "number", op: "gt", value: "", value2: "" }] })}
      >
        <Plus aria-hidden />
        Add property filter
      </Button>
    </fieldset>
  );
}

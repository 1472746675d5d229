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
import { countLabels, operatorLabels } from "./describe";
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
};

/** Adds or edits one condition, by category, with inputs that fit the field type and operator. */
export function ConditionDialog(props: Props) {
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl">
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
  const set = (patch: Partial<ConditionDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = () => {
    const result = conditionFromDraft(draft, fields);
    if (!result.ok) return setIssues(result.issues);
    onSave(result.value); // the builder stores it and closes the dialog
  };

  return (
    <>
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
          <FieldEditor draft={draft} set={set} fields={fields} />
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
          <CountAndPeriod draft={draft} set={set} />
        </TabsContent>
        <TabsContent value="event" className="space-y-4 pt-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Labelled id="cond-etype" label="Event type">
              <Input id="cond-etype" list="event-types" value={draft.type} placeholder="purchase" onChange={(e) => set({ type: e.target.value })} />
              <datalist id="event-types">
                {(options.eventTypes[databaseId ?? 0] ?? []).map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </Labelled>
            <ChannelSelect draft={draft} set={set} />
          </div>
          <PropertyFilters draft={draft} set={set} />
          <CountAndPeriod draft={draft} set={set} />
        </TabsContent>
        <TabsContent value="segment" className="grid gap-4 pt-4 sm:grid-cols-3">
          <Labelled id="cond-stype" label="Segment type">
            <NativeSelect id="cond-stype" value={draft.segmentType} onChange={(e) => set({ segmentType: e.target.value as "static" | "dynamic", segmentId: "" })}>
              <option value="dynamic">Dynamic segment</option>
              <option value="static">Static segment</option>
            </NativeSelect>
          </Labelled>
          <Labelled id="cond-segment" label="Segment">
            <NativeSelect id="cond-segment" value={draft.segmentId} onChange={(e) => set({ segmentId: e.target.value })}>
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
        <ul role="alert" className="space-y-1 rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {issues.map((i, n) => (
            <li key={n}>
              {i.path ? <span className="font-mono text-xs">{i.path}: </span> : null}
              {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      <DialogFooter>
        <Button variant="outline" onClick={() => onOpenChange(false)}>
          Cancel
        </Button>
        <Button onClick={save}>Save condition</Button>
      </DialogFooter>
    </>
  );
}

function Labelled({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
    </div>
  );
}

type SetDraft = (patch: Partial<ConditionDraft>) => void;

function FieldEditor({ draft, set, fields }: { draft: ConditionDraft; set: SetDraft; fields: { key: string; type: FieldType; label?: string }[] }) {
  const type = fieldTypeOf(draft.field, fields);
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Labelled id="cond-field" label="Field">
        <NativeSelect
          id="cond-field"
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
          <Labelled id="cond-op" label="Operator">
            <NativeSelect id="cond-op" value={draft.op} onChange={(e) => set({ op: e.target.value })}>
              {OPERATORS_BY_TYPE[type].map((op) => (
                <option key={op} value={op}>
                  {operatorLabels[op] ?? op}
                </option>
              ))}
            </NativeSelect>
          </Labelled>
          <ValueInputs idPrefix="cond" type={type} op={draft.op} value={draft.value} value2={draft.value2} onChange={(v) => set(v)} />
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
}) {
  const { idPrefix, type, op } = props;
  if (VALUELESS_OPERATORS.includes(op as never) || !op) return null;
  if (["within_last_days", "within_next_days", "more_than_days_ago"].includes(op))
    return (
      <Labelled id={`${idPrefix}-value`} label="Days">
        <Input id={`${idPrefix}-value`} type="number" min={0} step={1} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
      </Labelled>
    );
  if (op === "in" || op === "not_in")
    return (
      <Labelled id={`${idPrefix}-value`} label="Values (one per line)">
        <Textarea id={`${idPrefix}-value`} rows={3} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
      </Labelled>
    );
  const inputType = type === "number" ? "number" : type === "date" ? "date" : "text";
  if (op === "between")
    return (
      <div className="grid grid-cols-2 gap-2">
        <Labelled id={`${idPrefix}-value`} label="From">
          <Input id={`${idPrefix}-value`} type={inputType} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
        </Labelled>
        <Labelled id={`${idPrefix}-value2`} label="To">
          <Input id={`${idPrefix}-value2`} type={inputType} value={props.value2} onChange={(e) => props.onChange({ value2: e.target.value })} />
        </Labelled>
      </div>
    );
  return (
    <Labelled id={`${idPrefix}-value`} label="Value">
      <Input id={`${idPrefix}-value`} type={inputType} step={type === "number" ? "any" : undefined} value={props.value} onChange={(e) => props.onChange({ value: e.target.value })} />
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

function CountAndPeriod({ draft, set }: { draft: ConditionDraft; set: SetDraft }) {
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
      </fieldset>
    </div>
  );
}

function PropertyFilters({ draft, set }: { draft: ConditionDraft; set: SetDraft }) {
  const update = (i: number, patch: Partial<PropertyDraft>) =>
    set({ where: draft.where.map((w, n) => (n === i ? { ...w, ...patch } : w)) });
  return (
    <fieldset className="space-y-2">
      <legend className="mb-1.5 text-sm font-medium">Property filters</legend>
      {draft.where.map((w, i) => (
        <div key={i} className="grid grid-cols-[1fr_7rem_10rem_1fr_auto] items-end gap-2">
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

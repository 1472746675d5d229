"use client";

import { useState } from "react";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { formatCount } from "@/lib/format";
import { previewBulkEditAction, submitSelectionAction } from "@/lib/segment-actions/actions";
import { EDITABLE_SYSTEM_FIELDS, type ProfileChange } from "@/lib/segment-actions/schema";
import type { FieldType } from "@/lib/segments/fields";
import { ActionDialog } from "./action-dialog";
import { useActionTargets, type DialogSource } from "./use-targets";

type Row = { target: string; op: "set" | "clear"; value: string };
type Option = { value: string; label: string; type: FieldType | "subscription" };

const SUBSCRIPTIONS = [
  { value: "subscription:email", label: "Email subscription" },
  { value: "subscription:sms", label: "SMS subscription" },
  { value: "subscription:push", label: "Push subscription" },
];

/** A typed input's text as the JSON value the server checks (it answers precisely when the type is wrong). */
function typedValue(type: FieldType, text: string): unknown {
  if (type === "number") return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

/** A row as the action's change; channel and status come from the dialog's own option lists (the server checks them again). */
function toChange(row: Row, options: Option[]): ProfileChange {
  const [kind, key] = row.target.split(":");
  type Subscription = Extract<ProfileChange, { kind: "subscription" }>;
  if (kind === "subscription") return { kind: "subscription", channel: key as Subscription["channel"], status: (row.value || "subscribed") as Subscription["status"] };
  const type = options.find((o) => o.value === row.target)?.type as FieldType;
  return row.op === "clear" ? { kind: "field", field: key, op: "clear" } : { kind: "field", field: key, op: "set", value: typedValue(type, row.value) };
}

function ValueInput({ row, option, index, onChange }: { row: Row; option: Option | undefined; index: number; onChange: (value: string) => void }) {
  const label = `Value ${index + 1}`;
  if (!option) return null;
  if (option.type === "subscription")
    return (
      <NativeSelect aria-label={`Status ${index + 1}`} value={row.value || "subscribed"} onChange={(e) => onChange(e.target.value)}>
        <option value="subscribed">Subscribed</option>
        <option value="unsubscribed">Unsubscribed</option>
        <option value="none">No status</option>
      </NativeSelect>
    );
  if (row.op === "clear") return <span className="self-center text-xs text-muted-foreground">The value is removed.</span>;
  if (option.type === "boolean")
    return (
      <NativeSelect aria-label={label} value={row.value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        <option value="true">Yes</option>
        <option value="false">No</option>
      </NativeSelect>
    );
  return (
    <Input
      aria-label={label}
      value={row.value}
      onChange={(e) => onChange(e.target.value)}
      type={option.type === "number" ? "number" : "text"}
      inputMode={option.type === "number" ? "decimal" : undefined}
      placeholder={option.type === "date" ? "2026-01-31 or 2026-01-31T09:30:00Z" : undefined}
    />
  );
}

/**
 * "Bulk edit profiles" (the list's "Update profiles"): set or clear system and custom fields with typed
 * inputs, set channel subscriptions. It first counts the profiles that would change, and applies only
 * once that number has been shown and confirmed.
 */
export function BulkEditDialog({ open, onOpenChange, source, title }: { open: boolean; onOpenChange: (open: boolean) => void; source: DialogSource; title: string }) {
  const { targets, error } = useActionTargets(open, source.source);
  const [rows, setRows] = useState<Row[]>([{ target: "", op: "set", value: "" }]);
  const [preview, setPreview] = useState<{ key: string; total: number; willChange: number } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [counting, setCounting] = useState(false);

  const options: Option[] = [
    ...EDITABLE_SYSTEM_FIELDS.map((f) => ({ value: `field:${f}`, label: f, type: "string" as const })),
    ...(targets?.fields ?? []).map((f) => ({ value: `field:${f.key}`, label: `${f.label || f.key} (${f.type})`, type: f.type })),
    ...SUBSCRIPTIONS.map((s) => ({ ...s, type: "subscription" as const })),
  ];
  const complete = rows.length > 0 && rows.every((r) => r.target !== "");
  const params = { source: source.source, changes: complete ? rows.map((r) => toChange(r, options)) : [] };
  const paramsKey = JSON.stringify(params);
  const confirmed = preview !== null && preview.key === paramsKey;

  const update = (i: number, change: Partial<Row>) => setRows((prev) => prev.map((r, n) => (n === i ? { ...r, ...change } : r)));

  const count = async () => {
    setCounting(true);
    setPreviewError(null);
    const result = await previewBulkEditAction(params).catch(() => null);
    setCounting(false);
    if (!result) return setPreviewError("The server did not answer. Try again.");
    if (!result.ok) return setPreviewError([result.message, ...(result.issues ?? []).filter((i) => i.message !== result.message).map((i) => i.message)].join(" "));
    setPreview({ key: paramsKey, ...result.data });
  };

  return (
    <ActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      description={<>Changes every profile of {source.label}. Each changed value is kept in the profile history (who, when, old and new value).</>}
      submitLabel={confirmed ? `Apply to ${formatCount(preview.willChange)} profiles` : "Apply changes"}
      canSubmit={confirmed && preview.willChange > 0}
      onSubmit={(key) => submitSelectionAction("bulk_edit", { ...params, idempotencyKey: key })}
      extraAction={
        <Button type="button" variant="outline" onClick={count} disabled={!complete || counting}>
          Count profiles to change
        </Button>
      }
    >
      {error ? <p role="alert" className="text-sm text-destructive">{error}</p> : null}
      <ol className="grid gap-3">
        {rows.map((row, i) => {
          const option = options.find((o) => o.value === row.target);
          return (
            <li key={i} className="grid grid-cols-[minmax(0,1.3fr)_6.5rem_minmax(0,1.3fr)_auto] items-start gap-2">
              <NativeSelect aria-label={`Field ${i + 1}`} value={row.target} onChange={(e) => update(i, { target: e.target.value, value: "", op: "set" })}>
                <option value="">{targets ? "Choose a field" : "Loading…"}</option>
                <optgroup label="Profile">
                  {options.filter((o) => o.type !== "subscription" && EDITABLE_SYSTEM_FIELDS.includes(o.label as never)).map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Custom fields">
                  {options.filter((o) => o.type !== "subscription" && !EDITABLE_SYSTEM_FIELDS.includes(o.label as never)).map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Subscriptions">
                  {options.filter((o) => o.type === "subscription").map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </optgroup>
              </NativeSelect>
              {option?.type === "subscription" ? (
                <span className="self-center text-sm text-muted-foreground">set to</span>
              ) : (
                <NativeSelect aria-label={`Action ${i + 1}`} value={row.op} onChange={(e) => update(i, { op: e.target.value as Row["op"] })} disabled={!option}>
                  <option value="set">Set</option>
                  <option value="clear">Clear</option>
                </NativeSelect>
              )}
              <ValueInput row={row} option={option} index={i} onChange={(value) => update(i, { value })} />
              <Button type="button" variant="ghost" size="icon-sm" aria-label={`Remove change ${i + 1}`} onClick={() => setRows((prev) => prev.filter((_, n) => n !== i))}>
                <Trash2 aria-hidden />
              </Button>
            </li>
          );
        })}
      </ol>
      <Button type="button" variant="outline" size="sm" className="justify-self-start" onClick={() => setRows((prev) => [...prev, { target: "", op: "set", value: "" }])}>
        <Plus aria-hidden />
        Add change
      </Button>
      <div aria-live="polite" className="text-sm">
        {counting ? <p className="text-muted-foreground">Counting…</p> : null}
        {previewError ? <p role="alert" className="text-destructive">{previewError}</p> : null}
        {confirmed && !counting ? (
          <p className="rounded-md border bg-muted/50 px-3 py-2">
            {preview.willChange === 0
              ? `None of the ${formatCount(preview.total)} profiles would change: they already have these values.`
              : `${formatCount(preview.willChange)} of ${formatCount(preview.total)} profiles will change. Apply to confirm.`}
          </p>
        ) : null}
        {preview && !confirmed && !counting ? <p className="text-muted-foreground">The changes were edited: count again before applying.</p> : null}
      </div>
    </ActionDialog>
  );
}

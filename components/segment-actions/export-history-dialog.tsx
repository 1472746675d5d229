"use client";

import { useState } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { submitSelectionAction } from "@/lib/segment-actions/actions";
import { ActionDialog } from "./action-dialog";
import type { DialogSource } from "./use-targets";

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** "Export profile history": a CSV of the selection's events and profile changes over a period. */
export function ExportHistoryDialog({ open, onOpenChange, source }: { open: boolean; onOpenChange: (open: boolean) => void; source: DialogSource }) {
  const [from, setFrom] = useState(() => day(-30));
  const [to, setTo] = useState(() => day(0));
  const [events, setEvents] = useState(true);
  const [changes, setChanges] = useState(true);
  const include = [...(events ? (["events"] as const) : []), ...(changes ? (["changes"] as const) : [])];
  return (
    <ActionDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Export profile history"
      description={<>A CSV of what happened to the profiles of {source.label}: their events (interactions and behaviour) and the changes made to them — who, what, when, old and new values — in the period (UTC days, both included).</>}
      submitLabel="Export"
      canSubmit={Boolean(from && to) && include.length > 0}
      onSubmit={(key) => submitSelectionAction("export_history", { source: source.source, from, to, include, idempotencyKey: key })}
    >
      <div className="flex flex-wrap gap-4">
        <div className="grid gap-1.5">
          <Label htmlFor="history-from">From</Label>
          <Input id="history-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} className="w-44" />
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="history-to">To</Label>
          <Input id="history-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} className="w-44" />
        </div>
      </div>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">Include</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={events} onChange={(e) => setEvents(e.target.checked)} className="size-4 accent-primary" />
          Events
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={changes} onChange={(e) => setChanges(e.target.checked)} className="size-4 accent-primary" />
          Profile changes
        </label>
      </fieldset>
    </ActionDialog>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { deleteAccessGroupAction, renameAccessGroupAction, setAccessGroupLeadsAction } from "@/lib/access-groups/actions";
import type { ActionResult } from "@/lib/actions/result";
import type { LeadCandidate } from "./create-access-group-form";

/** Admins: rename a group, choose its leads, delete it. */
export function AccessGroupAdmin({ group, candidates }: { group: { id: number; name: string; leadIds: number[] }; candidates: LeadCandidate[] }) {
  const router = useRouter();
  const [name, setName] = useState(group.name);
  const [leads, setLeads] = useState<number[]>(group.leadIds);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<ActionResult>, done: string) =>
    startTransition(async () => {
      const result = await work();
      setMessage(result.ok ? { ok: true, text: done } : { ok: false, text: result.message });
      if (result.ok) {
        setConfirmOpen(false);
        router.refresh();
      }
    });
  const options = candidates;
  return (
    <div className="space-y-4 rounded-md bg-muted/40 p-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid min-w-64 gap-1.5">
          <Label htmlFor={`group-name-${group.id}`}>Name of {group.name}</Label>
          <Input id={`group-name-${group.id}`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </div>
        <Button variant="outline" disabled={pending || name.trim() === group.name} onClick={() => run(() => renameAccessGroupAction({ groupId: group.id, name }), "Renamed.")}>
          Rename
        </Button>
      </div>
      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium">Leads of {group.name}</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {options.map((c) => (
            <label key={c.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4"
                checked={leads.includes(c.id)}
                onChange={(e) => setLeads((prev) => (e.target.checked ? [...prev, c.id] : prev.filter((id) => id !== c.id)))}
              />
              {c.name}
            </label>
          ))}
          {options.length === 0 ? <span className="text-sm text-muted-foreground">No active team leads.</span> : null}
        </div>
        <Button size="sm" variant="outline" disabled={pending} onClick={() => run(() => setAccessGroupLeadsAction({ groupId: group.id, leadIds: leads }), "Leads saved.")}>
          Save leads
        </Button>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <ConfirmDialog
          open={confirmOpen}
          onOpenChange={setConfirmOpen}
          trigger={
            <Button size="sm" variant="ghost" className="text-destructive" aria-label={`Delete group ${group.name}`}>
              Delete group
            </Button>
          }
          title={<>Delete the group “{group.name}”?</>}
          description="Its members lose the access it gave them. A group that still controls databases or segments cannot be deleted."
          confirm={
            <Button variant="destructive" disabled={pending} onClick={() => run(() => deleteAccessGroupAction({ groupId: group.id }), "Deleted.")}>
              Delete group
            </Button>
          }
        />
        {message ? (
          <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-sm text-success" : "text-sm text-destructive"}>
            {message.text}
          </p>
        ) : null}
      </div>
    </div>
  );
}

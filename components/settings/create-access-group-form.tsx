"use client";

import { useActionState, useEffect, useRef } from "react";
import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { createAccessGroupAction } from "@/lib/access-groups/actions";
import { FieldError, FormMessage } from "./form-bits";

export type LeadCandidate = { id: number; name: string; email: string };

/** Admins: "Create group" with its name and leads (team leads only). */
export function CreateAccessGroupForm({ candidates }: { candidates: LeadCandidate[] }) {
  const [state, formAction, pending] = useActionState(createAccessGroupAction, null);
  const formRef = useRef<HTMLFormElement>(null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  useEffect(() => {
    if (state?.ok) formRef.current?.reset();
  }, [state]);
  return (
    <form ref={formRef} action={formAction} className="space-y-3">
      <div className="grid max-w-sm gap-1.5">
        <Label htmlFor="new-group-name">Group name</Label>
        <Input id="new-group-name" name="name" required maxLength={100} aria-invalid={Boolean(errors.name)} aria-describedby="new-group-name-error" />
        <FieldError id="new-group-name-error" message={errors.name} />
      </div>
      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium">Leads</legend>
        {candidates.length ? (
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {candidates.map((c) => (
              <label key={c.id} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="leadIds" value={c.id} className="size-4" />
                {c.name} <span className="text-muted-foreground">({c.email})</span>
              </label>
            ))}
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">No active team leads yet: give someone the team lead role on the Users page.</p>
        )}
        <FieldError id="new-group-leads-error" message={errors.leadIds} />
      </fieldset>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          <Plus aria-hidden />
          Create group
        </Button>
        <FormMessage state={state} />
      </div>
    </form>
  );
}

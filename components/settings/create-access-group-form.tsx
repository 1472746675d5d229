"use client";

import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { createAccessGroupAction } from "@/lib/access-groups/actions";
import { describedBy, FieldError, FormMessage, LabeledField, useResettingForm } from "@/components/forms/form-bits";

export type LeadCandidate = { id: number; name: string; email: string };

/** Admins: "Create group" with its name and leads (team leads only). */
export function CreateAccessGroupForm({ candidates }: { candidates: LeadCandidate[] }) {
  const { state, formAction, pending, formRef, errors } = useResettingForm(createAccessGroupAction);
  return (
    <form ref={formRef} action={formAction} className="space-y-3">
      <LabeledField id="new-group-name" label="Group name" error={errors.name} className="max-w-sm">
        <Input id="new-group-name" name="name" required maxLength={100} {...describedBy("new-group-name", errors.name)} />
      </LabeledField>
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

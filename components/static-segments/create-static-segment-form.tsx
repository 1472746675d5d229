"use client";

import { useActionState } from "react";
import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { createStaticSegmentAction } from "@/lib/static-segments/actions";

/** "Create static segment": name, profile database, access groups. A plain form post (works without JavaScript). */
export function CreateStaticSegmentForm({ databases, accessGroups }: { databases: { id: number; name: string }[]; accessGroups: { id: number; name: string }[] }) {
  const [state, action, pending] = useActionState(createStaticSegmentAction, null);
  const failed = state && !state.ok ? state : null;
  const errors = failed?.fieldErrors ?? {};
  return (
    <form action={action} className="grid gap-4 rounded-lg border bg-card p-4 shadow-xs" aria-labelledby="create-static-heading">
      <h2 id="create-static-heading" className="font-semibold">
        Create static segment
      </h2>
      {failed ? (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {failed.message}
        </p>
      ) : null}
      <div className="grid gap-1.5">
        <Label htmlFor="static-name">Name</Label>
        <Input id="static-name" name="name" required maxLength={200} defaultValue={failed?.values?.name} aria-invalid={errors.name ? true : undefined} />
        {errors.name ? <p className="text-sm text-destructive">{errors.name}</p> : null}
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="static-database">Profile database</Label>
        <NativeSelect id="static-database" name="databaseId" required defaultValue={failed?.values?.databaseId ?? ""} aria-invalid={errors.databaseId ? true : undefined}>
          <option value="">Choose a profile database</option>
          {databases.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </NativeSelect>
        {errors.databaseId ? <p className="text-sm text-destructive">{errors.databaseId}</p> : null}
      </div>
      {accessGroups.length ? (
        <fieldset className="grid gap-2">
          <legend className="mb-1 text-sm font-medium">Access groups</legend>
          {accessGroups.map((g) => (
            <label key={g.id} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="accessGroupIds" value={g.id} className="size-4 accent-primary" />
              {g.name}
            </label>
          ))}
          <p className="text-xs text-muted-foreground">No group ticked: every signed-in user who sees the database sees the segment.</p>
        </fieldset>
      ) : null}
      <Button type="submit" disabled={pending} className="justify-self-start">
        <Plus aria-hidden />
        {pending ? "Creating…" : "Create"}
      </Button>
    </form>
  );
}

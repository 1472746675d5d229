"use client";

import { useActionState, useState } from "react";
import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import type { ActionResult, FormResult } from "@/lib/actions/result";
import type { CampaignValues } from "@/lib/scenarios/campaign-values";

type Option = { id: number; name: string };

/**
 * The create form of a scenario or a mailing: name, profile database and (optionally) a dynamic segment
 * of that database. A plain form post (works without JavaScript); with JavaScript the segment list
 * follows the chosen database.
 */
export function CampaignForm(props: {
  heading: string;
  idPrefix: string;
  /** Opens what it created (a redirect), so it answers only failures. */
  action: (previous: FormResult<never, CampaignValues>, form: FormData) => Promise<ActionResult<never, CampaignValues>>;
  databases: Option[];
  segments: (Option & { databaseId: number })[];
}) {
  const [state, action, pending] = useActionState(props.action, null);
  const failed = state && !state.ok ? state : null;
  const [databaseId, setDatabaseId] = useState(failed?.values?.databaseId ?? "");
  const errors = failed?.fieldErrors ?? {};
  const segments = databaseId ? props.segments.filter((s) => String(s.databaseId) === databaseId) : props.segments;
  const id = (name: string) => `${props.idPrefix}-${name}`;
  return (
    <form action={action} className="grid gap-4 rounded-lg border bg-card p-4 shadow-xs" aria-labelledby={id("heading")}>
      <h2 id={id("heading")} className="font-semibold">
        {props.heading}
      </h2>
      {failed ? (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {failed.message}
        </p>
      ) : null}
      <div className="grid gap-1.5">
        <Label htmlFor={id("name")}>Name</Label>
        <Input id={id("name")} name="name" required maxLength={200} defaultValue={failed?.values?.name} aria-invalid={errors.name ? true : undefined} />
        {errors.name ? <p className="text-sm text-destructive">{errors.name}</p> : null}
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={id("database")}>Profile database</Label>
        <NativeSelect id={id("database")} name="databaseId" required value={databaseId} onChange={(e) => setDatabaseId(e.target.value)}>
          <option value="">Choose a profile database</option>
          {props.databases.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </NativeSelect>
        {errors.databaseId ? <p className="text-sm text-destructive">{errors.databaseId}</p> : null}
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor={id("segment")}>Segment</Label>
        <NativeSelect id={id("segment")} name="segmentId" defaultValue={failed?.values?.segmentId ?? ""} key={databaseId}>
          <option value="">No segment (the whole database)</option>
          {segments.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </NativeSelect>
        {errors.segmentId ? <p className="text-sm text-destructive">{errors.segmentId}</p> : null}
      </div>
      <Button type="submit" disabled={pending} className="justify-self-start">
        <Plus aria-hidden />
        {pending ? "Creating…" : "Create"}
      </Button>
    </form>
  );
}

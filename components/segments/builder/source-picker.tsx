"use client";

import { useState } from "react";
import { Database } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { formatCount } from "@/lib/format";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";

/**
 * "Select source": a side panel listing the profile databases the user can see. Once the segment is
 * saved the source is fixed and the block only shows it. Without JavaScript a plain select stands in.
 */
export function SourcePicker(props: {
  databases: BuilderOptions["databases"];
  value: number | null;
  locked: boolean;
  onChange: (id: number) => void;
  error?: string;
}) {
  const [open, setOpen] = useState(false);
  const current = props.databases.find((d) => d.id === props.value);
  return (
    <div className="grid gap-1.5">
      <span id="source-label" className="text-sm font-medium">
        Source
      </span>
      {props.locked ? (
        <>
        <input type="hidden" name="databaseId" value={props.value ?? ""} />
        <div className="flex items-center gap-2 rounded-md border bg-muted/40 px-3 py-2 text-sm" aria-labelledby="source-label">
          <Database className="size-4 text-muted-foreground" aria-hidden />
          <span className="font-medium">{current?.name ?? "Unknown database"}</span>
          <span className="text-muted-foreground">· fixed after the first save</span>
        </div>
        </>
      ) : (
        <>
          <Sheet open={open} onOpenChange={setOpen}>
          {/* A trigger, so that closing the panel (choice or Escape) gives the focus back to it. */}
          <SheetTrigger asChild>
          <button
            type="button"
            aria-label="Select source"
            aria-describedby={props.error ? "source-current databaseId-error" : "source-current"}
            className={`flex items-center gap-3 rounded-md border border-dashed px-3 py-3 text-left text-sm transition-colors hover:bg-accent ${props.error ? "border-destructive" : ""}`}
          >
            <Database className="size-5 text-muted-foreground" aria-hidden />
            <span className="flex-1" id="source-current">
              <span className="block font-medium">{current ? current.name : "Select source"}</span>
              <span className="block text-xs text-muted-foreground">
                {current ? `${formatCount(current.profileCount)} profiles · click to change` : "Pick the profile database this segment reads"}
              </span>
            </span>
          </button>
          </SheetTrigger>
          <noscript>
            <label className="grid gap-1.5 text-sm">
              Select source
              <select name="databaseId" defaultValue={props.value ?? ""} className="h-9 rounded-md border px-3">
                <option value="">Choose a profile database…</option>
                {props.databases.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
          </noscript>
            <SheetContent side="right">
              <SheetHeader>
                <SheetTitle>Select source</SheetTitle>
                <SheetDescription>A segment reads exactly one profile database. After the first save it cannot change.</SheetDescription>
              </SheetHeader>
              <ul className="space-y-2 px-4" aria-label="Profile databases">
                {props.databases.map((d) => (
                  <li key={d.id}>
                    <Button
                      variant={d.id === props.value ? "secondary" : "outline"}
                      className="h-auto w-full justify-between py-3"
                      onClick={() => {
                        props.onChange(d.id);
                        setOpen(false);
                      }}
                    >
                      <span className="font-medium">{d.name}</span>
                      <span className="text-xs text-muted-foreground">{formatCount(d.profileCount)} profiles</span>
                    </Button>
                  </li>
                ))}
                {props.databases.length === 0 ? <li className="text-sm text-muted-foreground">You cannot see any profile database yet. Ask an admin for access.</li> : null}
              </ul>
            </SheetContent>
          </Sheet>
        </>
      )}
      {props.error ? (
        <p id="databaseId-error" className="text-sm text-destructive">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

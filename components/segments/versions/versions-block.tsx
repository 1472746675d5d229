"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useTransition } from "react";
import { History, RotateCcw } from "lucide-react";
import { describeCondition } from "@/lib/segments/describe";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { LabeledField } from "@/components/forms/form-bits";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { BuilderOptions } from "@/lib/dynamic-segments/builder-types";
import { restoreVersionAction } from "@/lib/dynamic-segments/version-actions";
import { formatCount, formatDateTime } from "@/lib/format";
import { diffDefinitions, scriptJsonDiff, type DefinitionChange, type JsonDiffLine } from "@/lib/segments/diff";
import { normalizeScript } from "@/lib/segments/normalize";
import type { Condition } from "@/lib/segments/script";
import { cn } from "@/lib/utils";
import type { SegmentVersion } from "@/lib/dynamic-segments/versions";

/** A version as the page hands it over: its time as ISO text. */
export type VersionView = Omit<SegmentVersion, "createdAt" | "createdBy"> & { createdAt: string };

/** One side of "Compare version … with version …". */
function VersionSelect({ id, label, versions, value, onChange }: { id: string; label: string; versions: VersionView[]; value: number; onChange: (n: number) => void }) {
  return (
    <LabeledField id={id} label={label}>
      <NativeSelect id={id} value={value} onChange={(e) => onChange(Number(e.target.value))} className="w-28">
        {versions.map((v) => (
          <option key={v.n} value={v.n}>
            {v.n}
          </option>
        ))}
      </NativeSelect>
    </LabeledField>
  );
}

function Changes({ changes }: { changes: DefinitionChange[] }) {
  if (!changes.length) return <p className="text-sm text-muted-foreground">The two versions select the same profiles: their definitions mean the same.</p>;
  return (
    <ul className="list-disc space-y-1 pl-5 text-sm" aria-label="Differences">
      {changes.map((c, i) => (
        <li key={i}>{c.text}</li>
      ))}
    </ul>
  );
}

/** Unchanged lines more than 3 away from a change fold into one "… n unchanged lines" row. */
function folded(lines: JsonDiffLine[]): (JsonDiffLine | { skipped: number })[] {
  const near = lines.map((_, i) => lines.slice(Math.max(0, i - 3), i + 4).some((l) => l.op !== " "));
  const out: (JsonDiffLine | { skipped: number })[] = [];
  for (const [i, line] of lines.entries()) {
    if (near[i]) out.push(line);
    else {
      const last = out.at(-1);
      if (last && "skipped" in last) last.skipped++;
      else out.push({ skipped: 1 });
    }
  }
  return out;
}

function ScriptDiff({ a, b }: { a: VersionView; b: VersionView }) {
  const lines = useMemo(
    () => folded(scriptJsonDiff({ range: a.range, conditions: normalizeScript(a.conditions), limit: a.limit }, { range: b.range, conditions: normalizeScript(b.conditions), limit: b.limit })),
    [a, b],
  );
  return (
    <pre className="max-h-96 overflow-auto rounded-md border bg-muted/40 p-2 text-xs leading-5" aria-label={`Script of version ${a.n} and version ${b.n}, line by line`}>
      {lines.map((l, i) =>
        "skipped" in l ? (
          <div key={i} className="text-muted-foreground italic">
            … {l.skipped} unchanged line{l.skipped === 1 ? "" : "s"}
          </div>
        ) : (
          <div key={i} className={cn("whitespace-pre", l.op === "+" && "bg-emerald-100 text-emerald-900", l.op === "-" && "bg-red-100 text-red-900")}>
            <span aria-hidden className="mr-2 select-none text-muted-foreground">
              {l.op}
            </span>
            <span className="sr-only">{l.op === "+" ? "added: " : l.op === "-" ? "removed: " : ""}</span>
            {l.text}
          </div>
        ),
      )}
    </pre>
  );
}

/**
 * "Versions": every saved definition of the segment (number, who, when, count at save), `Compare` of
 * any two in words aligned with the builder's condition summaries (and the Script as a JSON diff), and
 * `Restore this version`, which saves that definition as a new version after a confirmation naming
 * what will change.
 */
export function VersionsBlock({
  segmentId,
  databaseId,
  versions,
  options,
  focus,
}: {
  segmentId: number;
  databaseId: number;
  versions: VersionView[];
  options: BuilderOptions;
  /** A version linked to (`?version=n`): compared with the one before it. */
  focus?: number;
}) {
  const router = useRouter();
  const latest = versions.at(-1);
  const focused = versions.find((v) => v.n === focus);
  const defaultTo = focused ?? latest;
  const defaultFrom = versions.find((v) => defaultTo && v.n === defaultTo.n - 1) ?? defaultTo;
  const [fromN, setFromN] = useState(defaultFrom?.n ?? 0);
  const [toN, setToN] = useState(defaultTo?.n ?? 0);
  const [compared, setCompared] = useState<[number, number] | null>(versions.length > 1 || focused ? [defaultFrom?.n ?? 0, defaultTo?.n ?? 0] : null);
  const [restoring, setRestoring] = useState<VersionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const describe = (c: Condition) => describeCondition(c, options, databaseId);
  const byN = (n: number) => versions.find((v) => v.n === n);
  const diff = (a: VersionView, b: VersionView) => diffDefinitions(a, b, describe);

  const pair = compared ? ([byN(compared[0]), byN(compared[1])] as const) : null;
  const restoreChanges = restoring && latest ? diff(latest, restoring) : [];

  const restore = () =>
    startTransition(async () => {
      if (!restoring) return;
      const result = await restoreVersionAction({ segmentId, n: restoring.n });
      if (!result.ok) return setError(result.message);
      setRestoring(null);
      setError(null);
      router.replace(`/segments/dynamic/${segmentId}${result.data.version ? `?version=${result.data.version}` : ""}#versions`);
      router.refresh();
    });

  return (
    <section id="versions" aria-labelledby="versions-heading" className="scroll-mt-4 rounded-lg border bg-card p-4 shadow-xs">
      <h2 id="versions-heading" className="mb-1 flex items-center gap-2 font-semibold">
        <History aria-hidden className="size-4" />
        Versions
      </h2>
      <p className="mb-3 text-sm text-muted-foreground">Every save that changes the range, conditions or limit keeps the definition as a new version. Versions never change.</p>
      <div className="overflow-x-auto">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Version</TableHead>
              <TableHead>Who</TableHead>
              <TableHead>When</TableHead>
              <TableHead className="text-right">Profiles</TableHead>
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {[...versions].reverse().map((v) => (
              <TableRow key={v.n} id={`version-${v.n}`} aria-current={v.n === focus ? "true" : undefined} className={cn(v.n === focus && "bg-amber-50")}>
                <TableCell className="font-medium">
                  <span className="sr-only">Version </span>
                  {v.n}
                  {v.n === latest?.n ? <span className="ml-2 text-xs font-normal text-muted-foreground"> (current)</span> : null}
                  {v.restoredFrom ? <span className="ml-2 text-xs font-normal text-muted-foreground"> restored from {v.restoredFrom}</span> : null}
                </TableCell>
                <TableCell>{v.createdByName ?? "—"}</TableCell>
                <TableCell className="text-muted-foreground">{formatDateTime(v.createdAt)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(v.count)}</TableCell>
                <TableCell className="text-right">
                  {v.n !== latest?.n ? (
                    <Button type="button" variant="outline" size="sm" onClick={() => setRestoring(v)} aria-label={`Restore this version (${v.n})`}>
                      <RotateCcw aria-hidden />
                      Restore this version
                    </Button>
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>

      {versions.length > 1 ? (
        <div className="mt-4 grid gap-3 border-t pt-4">
          <div className="flex flex-wrap items-end gap-3">
            <VersionSelect id="compare-from" label="Compare version" versions={versions} value={fromN} onChange={setFromN} />
            <VersionSelect id="compare-to" label="with version" versions={versions} value={toN} onChange={setToN} />
            <Button type="button" variant="secondary" onClick={() => setCompared([fromN, toN])}>
              Compare
            </Button>
          </div>
          {pair && pair[0] && pair[1] ? (
            <div role="region" aria-label={`Version ${pair[0].n} compared with version ${pair[1].n}`} className="grid gap-2">
              <p className="text-sm font-medium">
                Version {pair[0].n} → version {pair[1].n}
              </p>
              <Tabs defaultValue="changes">
                <TabsList>
                  <TabsTrigger value="changes">Changes</TabsTrigger>
                  <TabsTrigger value="script">Script</TabsTrigger>
                </TabsList>
                <TabsContent value="changes" className="pt-2">
                  <Changes changes={diff(pair[0], pair[1])} />
                </TabsContent>
                <TabsContent value="script" className="pt-2">
                  <ScriptDiff a={pair[0]} b={pair[1]} />
                </TabsContent>
              </Tabs>
            </div>
          ) : null}
        </div>
      ) : (
        <p className="mt-3 text-sm text-muted-foreground">Only one version so far: change the range, conditions or limit and save to start the history.</p>
      )}

      <ConfirmDialog
        open={restoring !== null}
        onOpenChange={(open) => !open && !pending && setRestoring(null)}
        title={<>Restore version {restoring?.n}?</>}
        description={
          <>
            Its definition is saved as a new version {latest ? latest.n + 1 : ""} and the segment is recalculated. Name, description, tags and access stay. Nothing is rewritten.
          </>
        }
        cancelDisabled={pending}
        confirm={
          <Button type="button" onClick={restore} disabled={pending || !restoreChanges.length}>
            {pending ? "Restoring…" : `Restore version ${restoring?.n ?? ""}`}
          </Button>
        }
      >
        {restoreChanges.length ? (
          <div className="text-sm">
            <p className="mb-1 font-medium">What will change:</p>
            <Changes changes={restoreChanges} />
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">The current version already means the same: nothing will change.</p>
        )}
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}

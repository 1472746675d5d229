"use client";

import { useRef, useState } from "react";
import { Calculator, Eye, Loader2, RefreshCw } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { Issue } from "@/lib/errors";
import { calculateRuleAction, showRuleAction, type RuleInput, type ShownProfile } from "@/lib/dynamic-segments/builder-actions";
import { formatCount, formatDateTime } from "@/lib/format";
import { requestExplanation } from "@/components/segments/explain/explain-block";

type CountState = { count: number; calculatedAt: string; ruleKey: string } | null;

/**
 * Calculate shows the selection's size, Refresh count recalculates, Show lists the first 100 profiles.
 * Works on unsaved forms. An answer that arrives after the rule changed (or after Cancel) is dropped.
 */
export function CalculationBlock(props: {
  rule: RuleInput | null;
  ruleKey: string;
  savedSegmentId?: number;
  unchangedSinceSave: boolean;
  initialCount: CountState;
  fieldKeys: string[];
  onIssues: (issues: Issue[]) => void;
}) {
  const [count, setCount] = useState<CountState>(props.initialCount);
  const [busy, setBusy] = useState<"count" | "show" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<ShownProfile[] | null>(null);
  const request = useRef(0);

  const stale = count !== null && count.ruleKey !== props.ruleKey;

  const calculate = async () => {
    if (!props.rule) return setError("Select a source first.");
    const id = ++request.current;
    setBusy("count");
    setError(null);
    const key = props.ruleKey;
    const result = await calculateRuleAction(props.rule, props.unchangedSinceSave ? props.savedSegmentId : undefined);
    if (id !== request.current) return;
    setBusy(null);
    if (!result.ok) {
      setError(result.message);
      props.onIssues(result.issues ?? []);
      return;
    }
    props.onIssues([]);
    setCount({ count: result.data.count, calculatedAt: result.data.calculatedAt, ruleKey: key });
  };

  const show = async () => {
    if (!props.rule) return setError("Select a source first.");
    const id = ++request.current;
    setBusy("show");
    setError(null);
    const result = await showRuleAction(props.rule);
    if (id !== request.current) return;
    setBusy(null);
    if (!result.ok) {
      setError(result.message);
      props.onIssues(result.issues ?? []);
      return;
    }
    props.onIssues([]);
    setShown(result.data.profiles);
  };

  const cancel = () => {
    request.current++;
    setBusy(null);
  };

  return (
    <section aria-labelledby="calculation-heading" className="rounded-lg border bg-card p-4 shadow-xs">
      <h2 id="calculation-heading" className="text-sm font-semibold">
        Profile calculation
      </h2>
      <div className="mt-2 flex items-baseline gap-2" aria-live="polite">
        <output aria-label="Profile count" className={`text-3xl font-semibold tabular-nums ${stale ? "text-muted-foreground line-through" : ""}`}>
          {count ? formatCount(count.count) : "—"}
        </output>
        <span className="text-sm text-muted-foreground">profiles</span>
      </div>
      <p className="mt-1 text-xs text-muted-foreground">
        {busy === "count"
          ? "Calculating…"
          : stale
            ? "The conditions changed since this count. Refresh it."
            : count
              ? `Calculated ${formatDateTime(count.calculatedAt)}`
              : "Not calculated yet."}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        {count ? (
          <Button variant="outline" size="sm" onClick={calculate} disabled={busy !== null}>
            <RefreshCw aria-hidden className={busy === "count" ? "animate-spin" : undefined} />
            Refresh count
          </Button>
        ) : (
          <Button size="sm" onClick={calculate} disabled={busy !== null}>
            {busy === "count" ? <Loader2 aria-hidden className="animate-spin" /> : <Calculator aria-hidden />}
            Calculate
          </Button>
        )}
        <Button variant="outline" size="sm" onClick={show} disabled={busy !== null}>
          {busy === "show" ? <Loader2 aria-hidden className="animate-spin" /> : <Eye aria-hidden />}
          Show
        </Button>
        {busy ? (
          <Button variant="ghost" size="sm" onClick={cancel}>
            Cancel
          </Button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <Dialog open={shown !== null} onOpenChange={(open) => !open && setShown(null)}>
        <DialogContent className="max-h-[90vh] overflow-hidden sm:max-w-5xl">
          <DialogHeader>
            <DialogTitle>First {shown?.length ?? 0} profiles of the selection</DialogTitle>
            <DialogDescription>In profile id order, as the segment would take them.</DialogDescription>
          </DialogHeader>
          {shown?.length ? (
            <div className="max-h-[65vh] overflow-auto rounded-md border">
              <Table>
                <TableHeader className="sticky top-0 bg-background">
                  <TableRow>
                    <TableHead>ID</TableHead>
                    <TableHead>Email</TableHead>
                    <TableHead>Phone</TableHead>
                    <TableHead>Name</TableHead>
                    {props.fieldKeys.map((k) => (
                      <TableHead key={k}>{k}</TableHead>
                    ))}
                    <TableHead>
                      <span className="sr-only">Why</span>
                    </TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {shown.map((p) => (
                    <TableRow key={p.id}>
                      <TableCell className="tabular-nums">{p.id}</TableCell>
                      <TableCell>{p.email ?? "—"}</TableCell>
                      <TableCell>{p.phone ?? "—"}</TableCell>
                      <TableCell>{[p.first_name, p.last_name].filter(Boolean).join(" ") || "—"}</TableCell>
                      {props.fieldKeys.map((k) => (
                        <TableCell key={k}>{p.fields[k] === undefined || p.fields[k] === null ? "—" : String(p.fields[k])}</TableCell>
                      ))}
                      <TableCell>
                        <Button
                          type="button"
                          variant="link"
                          size="sm"
                          className="h-auto p-0"
                          aria-label={`Explain profile ${p.id}`}
                          onClick={() => {
                            setShown(null);
                            requestExplanation(p.id);
                          }}
                        >
                          Explain
                        </Button>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          ) : (
            <p className="py-6 text-center text-sm text-muted-foreground">No profile matches. Loosen the conditions or widen the range.</p>
          )}
        </DialogContent>
      </Dialog>
    </section>
  );
}

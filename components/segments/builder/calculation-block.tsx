"use client";

import { useRef, useState } from "react";
import { Calculator, Eye, Loader2, RefreshCw } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ActionResult } from "@/lib/actions/result";
import type { Issue } from "@/lib/errors";
import { calculateRuleAction, showRuleAction, type RuleInput, type ShownProfile } from "@/lib/dynamic-segments/builder-actions";
import { formatCount, formatDateTime } from "@/lib/format";
import { requestExplanation } from "@/components/segments/explain/explain-block";
import { useLiveCount } from "./use-live-count";

/** One way for an empty value in the Show table: missing, null and "" all read "—" (SPEC §2's empty). */
function cell(value: unknown): React.ReactNode {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === ""))
    return (
      <span className="text-muted-foreground">
        —
      </span>
    );
  return String(value);
}

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
  /** Checks the rule's inputs first; false = the errors are shown next to the fields and nothing is sent. */
  validate?: () => Promise<boolean>;
  /** The inputs are valid as far as the browser can tell: the count may refresh by itself. */
  liveReady?: boolean;
  onIssues: (issues: Issue[]) => void;
}) {
  const [count, setCount] = useState<CountState>(props.initialCount);
  const [busy, setBusy] = useState<"count" | "show" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<ShownProfile[] | null>(null);
  const request = useRef(0);

  const live = useLiveCount({
    rule: props.rule,
    ruleKey: props.ruleKey,
    ready: Boolean(props.liveReady) && busy === null,
    knownKey: count?.ruleKey ?? null,
    segmentId: props.savedSegmentId,
    onCount: setCount,
    onIssues: props.onIssues,
  });
  const stale = count !== null && count.ruleKey !== props.ruleKey;

  /** Calculate or Show: the browser's checks first, then one request at a time (a newer one wins), issues onto their inputs. */
  const ask = async <T,>(kind: "count" | "show", call: (rule: NonNullable<typeof props.rule>) => Promise<ActionResult<T>>, done: (data: T) => void) => {
    setError(null);
    if (props.validate && !(await props.validate())) return;
    if (!props.rule) return setError("Select a source first.");
    const id = ++request.current;
    setBusy(kind);
    setError(null);
    const result = await call(props.rule);
    if (id !== request.current) return;
    setBusy(null);
    if (!result.ok) {
      // Problems with the inputs show next to them; only other failures are told here.
      if (result.issues?.length) props.onIssues(result.issues);
      else setError(result.message);
      return;
    }
    props.onIssues([]);
    done(result.data);
  };

  const calculate = () =>
    ask(
      "count",
      (rule) => calculateRuleAction({ rule, savedSegmentId: props.unchangedSinceSave ? props.savedSegmentId : undefined }),
      (data) => setCount({ count: data.count, calculatedAt: data.calculatedAt, ruleKey: props.ruleKey }),
    );

  const show = () => ask("show", (rule) => showRuleAction({ rule }), (data) => setShown(data.profiles));

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
        {busy === "count" || (live.counting && stale) || (live.counting && !count)
          ? "Calculating…"
          : stale
            ? "The conditions changed since this count. Refresh it."
            : count
              ? `Calculated ${formatDateTime(count.calculatedAt)}`
              : "Not calculated yet."}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="sm" variant={count ? "outline" : "default"} onClick={calculate} disabled={busy !== null}>
          {busy === "count" && !count ? <Loader2 aria-hidden className="animate-spin" /> : <Calculator aria-hidden />}
          Calculate
        </Button>
        {count ? (
          <Button variant="outline" size="sm" onClick={calculate} disabled={busy !== null}>
            <RefreshCw aria-hidden className={busy === "count" ? "animate-spin" : undefined} />
            Refresh count
          </Button>
        ) : null}
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
      {live.notice ? (
        <p role="status" className="mt-2 rounded-md border border-amber-300 bg-amber-50 px-2 py-1.5 text-xs text-amber-900">
          {live.notice}
        </p>
      ) : null}
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
                      <TableCell>{cell(p.email)}</TableCell>
                      <TableCell>{cell(p.phone)}</TableCell>
                      <TableCell>{cell([p.first_name, p.last_name].filter(Boolean).join(" "))}</TableCell>
                      {props.fieldKeys.map((k) => (
                        <TableCell key={k}>{cell(p.fields[k])}</TableCell>
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

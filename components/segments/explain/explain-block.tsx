"use client";

import { useEffect, useRef, useState } from "react";
import { Check, Loader2, SearchCheck, X } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { RuleInput } from "@/lib/dynamic-segments/builder-actions";
import { explainProfileAction } from "@/lib/dynamic-segments/explain-actions";
import { formatCount, formatRange } from "@/lib/format";
import { evidenceText, ordinal, type Explanation, type ExplainedGroup, type SegmentTree } from "@/lib/segments/explain-text";

/** Other blocks (a profile row of Show) ask for an explanation with this window event; `detail` is the profile. */
export const EXPLAIN_PROFILE_EVENT = "segments:explain-profile";

export function requestExplanation(profile: string | number): void {
  window.dispatchEvent(new CustomEvent(EXPLAIN_PROFILE_EVENT, { detail: String(profile) }));
}

/**
 * "Why is this profile in or out?" (SPEC §6): the rule evaluated by the database for one profile, shown
 * as a tree — range, groups, conditions with their evidence, nested segments (collapsed), the limit —
 * under the final verdict. It sits inside the segment form, so Enter explains instead of saving.
 */
export function ExplainBlock(props: { rule: RuleInput | null; ruleKey: string; savedSegmentId?: number; unchangedSinceSave: boolean }) {
  const [profile, setProfile] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ explanation: Explanation; ruleKey: string } | null>(null);
  const request = useRef(0);
  const section = useRef<HTMLElement>(null);
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  const explain = async (value: string) => {
    const { rule, ruleKey, savedSegmentId, unchangedSinceSave } = latest.current;
    if (!rule) return setError("Select a source first.");
    if (!value.trim()) return setError("Enter a profile id or email.");
    const id = ++request.current;
    setBusy(true);
    setError(null);
    const answer = await explainProfileAction({ rule, profile: value.trim(), savedSegmentId: unchangedSinceSave ? savedSegmentId : undefined });
    if (id !== request.current) return;
    setBusy(false);
    if (!answer.ok) {
      setResult(null);
      return setError(answer.code === "not_found" ? `${answer.message} Check the id or email: it must be a profile of this segment's database.` : answer.message);
    }
    setResult({ explanation: answer.data, ruleKey });
  };

  useEffect(() => {
    const onRequest = (event: Event) => {
      const value = String((event as CustomEvent).detail ?? "");
      setProfile(value);
      section.current?.scrollIntoView({ behavior: "smooth", block: "start" });
      void explain(value);
    };
    window.addEventListener(EXPLAIN_PROFILE_EVENT, onRequest);
    return () => window.removeEventListener(EXPLAIN_PROFILE_EVENT, onRequest);
  }, []);

  const stale = result !== null && result.ruleKey !== props.ruleKey;
  return (
    <section ref={section} aria-labelledby="explain-heading" className="scroll-mt-4 rounded-lg border bg-card p-4 shadow-xs">
      <h2 id="explain-heading" className="text-sm font-semibold">
        Why is this profile in or out?
      </h2>
      <p className="mt-1 text-xs text-muted-foreground">
        The database evaluates {props.unchangedSinceSave && props.savedSegmentId ? "the saved segment" : "the current rule"} for one profile, with the same SQL as the selection.
      </p>
      <div className="mt-3 flex flex-wrap items-end gap-2">
        <div className="grid min-w-0 flex-1 basis-48 gap-1.5">
          <Label htmlFor="explain-profile">Profile</Label>
          <Input
            id="explain-profile"
            value={profile}
            placeholder="Profile id or email"
            autoComplete="off"
            maxLength={320}
            onChange={(e) => setProfile(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault(); // inside the segment form: Enter must not save
                void explain(profile);
              }
            }}
          />
        </div>
        <Button type="button" size="sm" className="h-9" onClick={() => explain(profile)} disabled={busy}>
          {busy ? <Loader2 aria-hidden className="animate-spin" /> : <SearchCheck aria-hidden />}
          Explain
        </Button>
      </div>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <div aria-live="polite">
        {result ? (
          <div className={`mt-4 ${stale ? "opacity-60" : ""}`}>
            {stale ? <p className="mb-2 text-xs text-muted-foreground">The rule changed since this explanation. Explain again.</p> : null}
            <p className="text-xs text-muted-foreground">Profile {result.explanation.profile_id}</p>
            <Tree tree={result.explanation} />
          </div>
        ) : null}
      </div>
    </section>
  );
}

function Verdict({ member, children }: { member: boolean; children?: React.ReactNode }) {
  return (
    <span className="inline-flex items-center gap-1">
      {member ? <Check aria-hidden className="size-4 shrink-0 text-emerald-600" /> : <X aria-hidden className="size-4 shrink-0 text-destructive" />}
      <span className="sr-only">{member ? "Holds:" : "Fails:"}</span>
      {children}
    </span>
  );
}

/** An evaluated rule: the verdict sentence, then range, groups and limit. Nested segments recurse. */
function Tree({ tree }: { tree: SegmentTree }) {
  const { range, limit } = tree;
  return (
    <div className="grid gap-3 text-sm">
      <p role="status" className="flex flex-wrap items-start gap-2">
        <Badge variant={tree.member ? "success" : "destructive"}>{tree.member ? "In" : "Out"}</Badge>
        <span className="min-w-0 break-words">{tree.summary}</span>
      </p>
      <ul className="grid gap-2" aria-label="Evaluated rule">
        <li className="rounded-md border px-3 py-2">
          <Verdict member={range.inside}>
            <span className="font-medium">Range {formatRange(range.from, range.to)}</span>
          </Verdict>
          <p className="mt-1 break-words text-xs text-muted-foreground">
            Range key {formatCount(range.key)} · inside when {formatCount(range.lo)} ≤ key &lt; {formatCount(range.hi)} · {range.inside ? "inside" : "outside"}
          </p>
        </li>
        {tree.groups.map((group, g) => (
          <GroupNode key={g} group={group} n={g + 1} joinedBy={g > 0 ? tree.logic : null} />
        ))}
        {limit ? (
          <li className="rounded-md border px-3 py-2">
            <Verdict member={tree.member}>
              <span className="font-medium">Limit {formatCount(limit.limit)}</span>
            </Verdict>
            <p className="mt-1 text-xs text-muted-foreground">
              {limit.rank === null ? "Not ranked: the profile does not match." : `${ordinal(limit.rank)} of the matches in id order${limit.rank <= limit.limit ? ", under the limit" : ", past the limit"}.`}
            </p>
          </li>
        ) : null}
      </ul>
    </div>
  );
}

function GroupNode({ group, n, joinedBy }: { group: ExplainedGroup; n: number; joinedBy: "and" | "or" | null }) {
  return (
    <li className="rounded-md border px-3 py-2">
      <details open>
        <summary className="cursor-pointer">
          {joinedBy ? <span className="mr-1 text-xs uppercase text-muted-foreground">{joinedBy}</span> : null}
          <Verdict member={group.member}>
            <span className="font-medium">
              Group {n}
              {group.not ? " (not)" : ""}
            </span>
            <span className="text-xs text-muted-foreground">
              {group.ignored ? "no conditions: ignored" : `${group.logic === "and" ? "every condition" : "any condition"}${group.not ? ", negated" : ""} · ${group.member ? "passes" : "fails"}`}
            </span>
          </Verdict>
        </summary>
        <ul className="mt-2 grid gap-2 border-l pl-3">
          {group.conditions.map((c, i) => (
            <li key={i} className="min-w-0">
              <Verdict member={c.member}>
                <span className="break-words">{c.label}</span>
              </Verdict>
              <p className="ml-5 break-words text-xs text-muted-foreground">{evidenceText(c.evidence)}</p>
              {c.evidence.kind === "dynamic_segment" ? (
                <details className="ml-5 mt-1 rounded-md bg-muted/40 px-2 py-1">
                  <summary className="cursor-pointer text-xs font-medium">Explanation of “{c.evidence.name}”</summary>
                  <div className="mt-2">
                    <Tree tree={c.evidence.tree} />
                  </div>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}

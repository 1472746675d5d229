"use client";

import { useEffect, useRef, useState } from "react";
import type { Issue } from "@/lib/errors";
import type { RuleInput } from "@/lib/dynamic-segments/builder-actions";

/** How long after the last change the count starts, and how long it may take before live counting stops. */
export const LIVE_DEBOUNCE_MS = 600;
export const LIVE_SLOW_MS = 4_000;

export const SLOW_NOTICE = "This rule takes more than a few seconds to count, so the count no longer refreshes by itself. Use Refresh count.";

type Answer = { count: number; calculatedAt: string; ruleKey: string };

/**
 * Counts the rule by itself, ~600 ms after each change. A change of the rule (or Calculate, which
 * pauses live counting) aborts the request in flight, so an answer for an older rule never replaces a
 * newer count; the server cancels its PostgreSQL statement when the request goes away
 * (app/api/segments/count).
 * A count slower than a few seconds (or the server's own timeout) switches to manual Refresh count.
 */
export function useLiveCount(opts: {
  rule: RuleInput | null;
  ruleKey: string;
  /** False while the inputs are invalid: nothing is sent. */
  ready: boolean;
  /** The rule already has a count (e.g. the saved segment's): no need to count it again. */
  knownKey: string | null;
  segmentId?: number;
  onCount: (answer: Answer) => void;
  onIssues: (issues: Issue[]) => void;
}) {
  const [live, setLive] = useState(true);
  const [counting, setCounting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);
  const latest = useRef(opts);
  useEffect(() => {
    latest.current = opts;
  });

  const { ruleKey, ready, knownKey } = opts;
  useEffect(() => {
    if (!live || !ready || ruleKey === "null" || ruleKey === knownKey) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      const { rule, segmentId } = latest.current;
      if (!rule) return;
      inFlight.current?.abort();
      inFlight.current = controller;
      setCounting(true);
      const slow = setTimeout(() => {
        controller.abort();
        setLive(false);
        setNotice(SLOW_NOTICE);
      }, LIVE_SLOW_MS);
      try {
        const response = await fetch("/api/segments/count", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ rule, segmentId }),
          signal: controller.signal,
        });
        const body = (await response.json().catch(() => null)) as { count?: number; error?: { code: string; issues?: Issue[] } } | null;
        if (controller.signal.aborted || latest.current.ruleKey !== ruleKey) return;
        if (response.ok && typeof body?.count === "number") {
          latest.current.onCount({ count: body.count, calculatedAt: new Date().toISOString(), ruleKey });
        } else if (body?.error?.code === "timeout") {
          setLive(false);
          setNotice(SLOW_NOTICE);
        } else if (body?.error?.issues?.length) {
          latest.current.onIssues(body.error.issues);
        }
      } catch {
        // Aborted by a newer rule, or the network: the next change or Refresh count tries again.
      } finally {
        clearTimeout(slow);
        if (inFlight.current === controller) {
          inFlight.current = null;
          setCounting(false);
        }
      }
    }, LIVE_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [live, ready, ruleKey, knownKey]);

  useEffect(() => () => inFlight.current?.abort(), []);

  return { live, counting, notice };
}

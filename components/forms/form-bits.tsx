"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef } from "react";
import { Label } from "@/components/ui/label";
import type { ActionResult, FormResult } from "@/lib/actions/result";
import { cn } from "@/lib/utils";

/** An input's error in words, right below it; `id` is what the input's aria-describedby names. */
export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="text-sm text-destructive">
      {message}
    </p>
  );
}

/** The form's overall answer: a polite status on success, an alert on failure. */
export function FormMessage({ state }: { state: FormResult<unknown, unknown> }) {
  if (!state?.message) return null;
  return state.ok ? (
    <p role="status" className="text-sm text-success">
      {state.message}
    </p>
  ) : (
    <p role="alert" className="text-sm text-destructive">
      {state.message}
    </p>
  );
}

/** An input with its label above and its error below; give the input `{...describedBy(id, error)}`. */
export function LabeledField({ id, label, error, className, children }: { id: string; label: string; error?: string; className?: string; children: React.ReactNode }) {
  return (
    <div className={cn("grid gap-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      {children}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** What ties an input to its error (`LabeledField`): invalid while there is one, described by it. */
export function describedBy(id: string, error: string | undefined) {
  return { "aria-invalid": Boolean(error), "aria-describedby": `${id}-error` };
}

/**
 * A create or change form on `useActionState` that empties itself once the action succeeds (and, with
 * `refresh`, refreshes the page's server data): the state, the form action, whether it is pending, the
 * form's ref and the errors by field.
 */
export function useResettingForm<T, V>(action: (state: FormResult<T, V>, form: FormData) => Promise<ActionResult<T, V>>, opts: { refresh?: boolean } = {}) {
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const router = useRouter();
  const errors: Record<string, string> = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const refresh = Boolean(opts.refresh);
  useEffect(() => {
    if (!state?.ok) return;
    formRef.current?.reset();
    if (refresh) router.refresh();
  }, [state, router, refresh]);
  return { state, formAction, pending, formRef, errors };
}

import type { FormResult } from "@/lib/actions/result";

/** A field's error under it, tied to the control with `aria-describedby`. */
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

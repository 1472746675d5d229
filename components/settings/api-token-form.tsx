"use client";

import { useActionState, useState } from "react";
import { Check, Copy, KeyRound } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { createApiTokenAction } from "@/lib/api-tokens/actions";
import { describedBy, LabeledField } from "@/components/forms/form-bits";

/** "Create token": the new token is shown here once, with a copy button, and never again. */
export function ApiTokenForm() {
  const [state, formAction, pending] = useActionState(createApiTokenAction, null);
  const [copied, setCopied] = useState(false);
  const nameError = state && !state.ok ? (state.fieldErrors?.name ?? undefined) : undefined;

  const copy = async (token: string) => {
    await navigator.clipboard?.writeText(token).catch(() => {});
    setCopied(true);
  };

  return (
    <div className="space-y-4">
      <form action={formAction} className="flex flex-wrap items-end gap-3" onSubmit={() => setCopied(false)}>
        <LabeledField id="token-name" label="Token name" error={nameError} className="min-w-64">
          <Input id="token-name" name="name" placeholder="e.g. Nightly CRM sync" required maxLength={100} {...describedBy("token-name", nameError)} />
        </LabeledField>
        <Button type="submit" disabled={pending}>
          <KeyRound aria-hidden />
          Create token
        </Button>
      </form>
      {state && !state.ok && !nameError ? (
        <p role="alert" className="text-sm text-destructive">
          {state.message}
        </p>
      ) : null}
      {state?.ok ? (
        <Alert variant="success" role="status">
          <KeyRound aria-hidden />
          <AlertTitle>New token “{state.data.name}”</AlertTitle>
          <AlertDescription>
            <p>{state.message} It acts as you, with your access. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
            <div className="mt-2 flex w-full flex-wrap items-center gap-2">
              <code aria-label="New API token" className="rounded bg-muted px-2 py-1 font-mono text-sm break-all text-foreground">
                {state.data.token}
              </code>
              <Button type="button" size="sm" variant="outline" onClick={() => copy(state.data.token)}>
                {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
          </AlertDescription>
        </Alert>
      ) : null}
    </div>
  );
}

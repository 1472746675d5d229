"use client";

import { useActionState } from "react";
import { LogOut } from "lucide-react";
import { Button } from "@/components/ui/button";
import { signOutEverywhereElseAction } from "@/lib/auth/session-actions";

/** "Sign out everywhere else": keeps this session, ends the others. Works without JavaScript. */
export function SignOutOthersForm({ others }: { others: number }) {
  const [state, formAction, pending] = useActionState(signOutEverywhereElseAction, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <Button type="submit" variant="outline" disabled={pending}>
        <LogOut aria-hidden />
        Sign out everywhere else
      </Button>
      <p role="status" className={state && !state.ok ? "text-sm text-destructive" : "text-sm text-muted-foreground"}>
        {state ? state.message : others === 0 ? "No other session is open." : `${others} other session${others === 1 ? "" : "s"} open.`}
      </p>
    </form>
  );
}

"use client";

import { useActionState } from "react";
import { LogOut } from "lucide-react";
import { Button } from "@/components/ui/button";
import { signOutAction } from "@/lib/auth/actions";

/** "Sign out": a plain form post (works without JavaScript); a success redirects to /login. */
export function SignOutButton() {
  const [state, formAction, pending] = useActionState(signOutAction, null);
  return (
    <form action={formAction}>
      <Button type="submit" variant="ghost" size="sm" disabled={pending}>
        <LogOut aria-hidden />
        Sign out
      </Button>
      {state && !state.ok ? (
        <span role="alert" className="sr-only">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}

"use client";

import { useEffect, useTransition } from "react";
import { useRouter } from "next/navigation";
import { RotateCcw, TriangleAlert } from "lucide-react";
import { DatabaseUnavailable } from "@/components/shell/database-unavailable";
import { Button } from "@/components/ui/button";
import { isDatabaseUnavailableDigest } from "@/db/errors";

/**
 * Whatever fails while rendering a page of the app: a friendly message and a retry, never a stack or
 * an internal message (the server logs those). The shell around it (navigation) keeps working.
 */
export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  const [retrying, startRetry] = useTransition();
  useEffect(() => {
    console.error(error);
  }, [error]);
  // The database not answering gets its own words (db/errors.ts gives it a known digest).
  if (isDatabaseUnavailableDigest(error)) return <DatabaseUnavailable retry={() => startRetry(() => (router.refresh(), reset()))} />;
  const retry = () =>
    startRetry(() => {
      router.refresh();
      reset();
    });
  return (
    <div role="alert" className="mx-auto flex max-w-lg flex-col items-center gap-4 py-16 text-center">
      <TriangleAlert className="size-10 text-amber-600" aria-hidden />
      <h1 className="text-2xl font-semibold tracking-tight">This page could not be shown</h1>
      <p className="text-muted-foreground">
        Something went wrong on our side. Try again; if it keeps failing, tell your admin
        {error.digest ? (
          <>
            {" "}
            and mention the reference <code className="rounded bg-muted px-1 text-xs">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <Button onClick={retry} disabled={retrying}>
        <RotateCcw aria-hidden className={retrying ? "animate-spin" : undefined} />
        Try again
      </Button>
    </div>
  );
}

"use client";

import { DatabaseUnavailable } from "@/components/shell/database-unavailable";
import { Button } from "@/components/ui/button";
import { isDatabaseUnavailableDigest } from "@/lib/database-errors";

/** A page that failed to render: the database not answering gets its own words; anything else a plain apology. */
export default function AppError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  if (isDatabaseUnavailableDigest(error)) return <DatabaseUnavailable retry={retry} />;
  return (
    <div role="alert" className="mx-auto mt-16 flex max-w-md flex-col items-center gap-4 text-center">
      <h1 className="text-xl font-semibold">This page could not be shown</h1>
      <p className="text-sm text-muted-foreground">Something went wrong on our side. Try again; if it keeps failing, tell your admin.</p>
      <Button type="button" onClick={retry}>
        Try again
      </Button>
    </div>
  );
}

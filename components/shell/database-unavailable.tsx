"use client";

import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { DatabaseZap, RotateCw } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DATABASE_UNAVAILABLE_MESSAGE } from "@/db/errors";

/**
 * What a page shows while the database is not answering: what happened, that it is temporary, and a
 * retry that renders the page again on the server (no reload, no restart needed once it answers).
 */
export function DatabaseUnavailable({ retry }: { retry?: () => void }) {
  const router = useRouter();
  const again = retry ?? (() => startTransition(() => router.refresh()));
  return (
    <div role="alert" className="mx-auto mt-16 flex max-w-md flex-col items-center gap-4 rounded-lg border px-6 py-10 text-center">
      <DatabaseZap aria-hidden className="size-8 text-muted-foreground" />
      <h1 className="text-xl font-semibold">The database is not answering</h1>
      <p className="text-sm text-muted-foreground">{DATABASE_UNAVAILABLE_MESSAGE}</p>
      <Button type="button" onClick={again}>
        <RotateCw aria-hidden />
        Try again
      </Button>
    </div>
  );
}

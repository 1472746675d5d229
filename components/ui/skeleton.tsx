import * as React from "react";

import { cn } from "@/lib/utils";

/**
 * A loading placeholder, hidden from assistive tech; mark the region that is loading
 * with `aria-busy="true"` (or give a visually hidden "Loading…" text) instead.
 */
function Skeleton({ className, ...props }: React.ComponentProps<"div">) {
  return (
    <div
      data-slot="skeleton"
      aria-hidden="true"
      className={cn("animate-pulse rounded-md bg-muted-foreground/15", className)}
      {...props}
    />
  );
}

export { Skeleton };

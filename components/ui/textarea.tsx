import * as React from "react";

import { cn } from "@/lib/utils";
import { fieldClasses } from "@/components/ui/input";

/** Grows with its content (CSS field-sizing) from a three-line minimum. */
function Textarea({ className, ...props }: React.ComponentProps<"textarea">) {
  return (
    <textarea
      data-slot="textarea"
      className={cn(fieldClasses, "flex field-sizing-content min-h-16 py-2", className)}
      {...props}
    />
  );
}

export { Textarea };

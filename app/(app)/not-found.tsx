import { PageLink } from "@/components/shell/page-link";
import { SearchX } from "lucide-react";
import { Button } from "@/components/ui/button";

/** A page or object that does not exist, or that the user may not see (SPEC §3: both answer 404). */
export default function NotFound() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center gap-4 py-16 text-center">
      <SearchX className="size-10 text-muted-foreground" aria-hidden />
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-muted-foreground">
        There is nothing here, or it was moved to the bin, or your access groups do not include it.
      </p>
      <div className="flex flex-wrap justify-center gap-2">
        <Button asChild>
          <PageLink href="/segments/dynamic">Go to dynamic segments</PageLink>
        </Button>
        <Button asChild variant="outline">
          <PageLink href="/bin">Look in the bin</PageLink>
        </Button>
      </div>
    </div>
  );
}

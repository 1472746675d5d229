import { Skeleton } from "@/components/ui/skeleton";

/** The page's title and description while it loads; the region says it is busy, for screen readers. */
function Header() {
  return (
    <div className="mb-6 space-y-2">
      <Skeleton className="h-8 w-56 max-w-full" />
      <Skeleton className="h-4 w-96 max-w-full" />
    </div>
  );
}

function Busy({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div aria-busy="true" aria-live="polite" data-page-skeleton="">
      <p className="sr-only">{label}</p>
      {children}
    </div>
  );
}

/** Analytics while it loads: a grid of figure cards. */
export function AnalyticsSkeleton() {
  return (
    <Busy label="Loading the analytics…">
      <Header />
      <div className="grid gap-4 md:grid-cols-2">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-72 w-full" />
        ))}
      </div>
    </Busy>
  );
}

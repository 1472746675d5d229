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

/** The dynamic segment list while it loads: filters and rows. */
export function ListSkeleton() {
  return (
    <Busy label="Loading the segments…">
      <Header />
      <div className="mb-4 flex flex-wrap gap-2">
        <Skeleton className="h-9 w-64 max-w-full" />
        <Skeleton className="h-9 w-32" />
      </div>
      <div className="space-y-2 rounded-lg border p-4">
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-10 w-full" />
        ))}
      </div>
    </Busy>
  );
}

/** The segment builder while it loads: the form on the left, the count and fields on the right. */
export function BuilderSkeleton() {
  return (
    <Busy label="Loading the segment…">
      <Header />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="space-y-6">
          <Skeleton className="h-56 w-full" />
          <Skeleton className="h-72 w-full" />
        </div>
        <div className="space-y-4">
          <Skeleton className="h-36 w-full" />
          <Skeleton className="h-64 w-full" />
        </div>
      </div>
    </Busy>
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

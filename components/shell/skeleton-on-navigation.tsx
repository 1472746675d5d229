import { headers } from "next/headers";
import { Suspense } from "react";

/**
 * A page's loading skeleton for client navigation only. A `loading.tsx` (a Suspense boundary) also
 * streams the first HTML load: the skeleton goes out first and the page follows in a hidden container
 * that only JavaScript swaps in — without JavaScript the page would stay a skeleton. Here a document
 * request renders the whole page before anything is sent (no skeleton), and a client navigation (the
 * router's fetch) gets the skeleton at once and the page streamed after it.
 */
export async function SkeletonOnNavigation({ fallback, children }: { fallback: React.ReactNode; children: React.ReactNode }) {
  // Next hides its own RSC header from headers(); the browser's Fetch Metadata tells the two apart:
  // a page load is "document", the router's fetch() "empty". No header (a script, an old browser):
  // the whole page, which always works.
  const clientNavigation = (await headers()).get("sec-fetch-dest") === "empty";
  return clientNavigation ? <Suspense fallback={fallback}>{children}</Suspense> : <>{children}</>;
}

/** A page that shows `fallback` on client navigation and arrives whole on a page load (see above). */
export function withSkeletonOnNavigation<P extends object>(Page: (props: P) => Promise<React.ReactNode>, fallback: React.ReactNode) {
  return function PageWithSkeleton(props: P) {
    return (
      <SkeletonOnNavigation fallback={fallback}>
        <Page {...props} />
      </SkeletonOnNavigation>
    );
  };
}

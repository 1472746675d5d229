import { headers } from "next/headers";
import { Suspense } from "react";

/**
 * A page's loading skeleton for client navigation only. A `loading.tsx` (a Suspense boundary) also
 * streams the first HTML load: the skeleton goes out first and the page follows in a hidden container
 * that only JavaScript swaps in — without JavaScript the page would stay a skeleton. Here a document
 * request renders the whole page before anything is sent (no skeleton), and a client navigation (an
 * RSC request: the `RSC: 1` header the router sends) gets the skeleton at once and the page streamed.
 */
export async function SkeletonOnNavigation({ fallback, children }: { fallback: React.ReactNode; children: React.ReactNode }) {
  const clientNavigation = (await headers()).get("rsc") === "1";
  return clientNavigation ? <Suspense fallback={fallback}>{children}</Suspense> : <>{children}</>;
}

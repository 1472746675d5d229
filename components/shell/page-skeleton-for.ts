/** The pages that have a skeleton while a client navigation to them is pending (components/shell/page-navigation.tsx). */
export type PageSkeleton = "list" | "builder" | "analytics";

/** Which skeleton a navigation to `pathname` shows, or null for a page that has none. */
export function pageSkeletonFor(pathname: string): PageSkeleton | null {
  if (pathname === "/segments/dynamic") return "list";
  if (/^\/segments\/dynamic\/(new|\d+)$/.test(pathname)) return "builder";
  if (/^\/segments\/dynamic\/\d+\/analytics$/.test(pathname)) return "analytics";
  return null;
}

"use client";

import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useMemo, useState, useTransition } from "react";
import { pageSkeletonFor, type PageSkeleton } from "./page-skeleton-for";
import { AnalyticsSkeleton, BuilderSkeleton, ListSkeleton } from "./skeletons";

type NavigateOptions = { replace?: boolean; scroll?: boolean };
type PageNavigation = {
  /** Navigates in a transition and shows the target's skeleton while it is pending; false when the target has none (the caller navigates as usual). */
  navigate: (href: string, options?: NavigateOptions) => boolean;
  pending: PageSkeleton | null;
};

const PageNavigationContext = createContext<PageNavigation | null>(null);

/**
 * Skeletons for the list, the builder and analytics come from the client, not from a server Suspense
 * boundary (a `loading.tsx`): a server boundary is also in the page load's HTML, where without
 * JavaScript the page would stay a skeleton, and the server cannot tell a navigation from a
 * `router.refresh()` (a finished job refreshes the page), so a boundary on navigations only made a
 * refresh remount the builder and drop an unsaved rule. Here the server renders one tree for all
 * three; a link to one of these pages navigates inside a transition, and while it is pending the
 * content area shows the target's skeleton (the current page stays mounted underneath, hidden).
 */
export function PageNavigationProvider({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const [isPending, startTransition] = useTransition();
  const [target, setTarget] = useState<PageSkeleton | null>(null);

  const navigate = useCallback(
    (href: string, options: NavigateOptions = {}) => {
      const url = new URL(href, window.location.href);
      const skeleton = pageSkeletonFor(url.pathname);
      // Same page with other parameters (filters, paging, sorting): the page stays, no skeleton.
      if (!skeleton || url.origin !== window.location.origin || url.pathname === window.location.pathname) return false;
      setTarget(skeleton);
      const to = url.pathname + url.search + url.hash;
      const scroll = options.scroll === false ? { scroll: false } : undefined;
      startTransition(() => (options.replace ? router.replace(to, scroll) : router.push(to, scroll)));
      return true;
    },
    [router],
  );

  const value = useMemo(() => ({ navigate, pending: isPending ? target : null }), [navigate, isPending, target]);
  return <PageNavigationContext value={value}>{children}</PageNavigationContext>;
}

/** `push(href)` for buttons and menu items: the skeleton as for a link when the target has one. */
export function usePageNavigation() {
  const navigation = useContext(PageNavigationContext);
  const router = useRouter();
  return useMemo(
    () => ({
      navigate: (href: string, options?: NavigateOptions) => navigation?.navigate(href, options) ?? false,
      push: (href: string) => {
        if (!navigation?.navigate(href)) router.push(href);
      },
    }),
    [navigation, router],
  );
}

/** The content area: the page, or the pending target's skeleton over it (the page stays mounted, hidden). */
export function PendingPage({ children }: { children: React.ReactNode }) {
  const pending = useContext(PageNavigationContext)?.pending ?? null;
  return (
    <>
      <div hidden={pending !== null} className="contents">
        {children}
      </div>
      {pending === "list" ? <ListSkeleton /> : pending === "builder" ? <BuilderSkeleton /> : pending === "analytics" ? <AnalyticsSkeleton /> : null}
    </>
  );
}

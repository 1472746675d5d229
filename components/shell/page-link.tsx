"use client";

import Link from "next/link";
import { usePageNavigation } from "./page-navigation";

/**
 * A `next/link` that shows the target's skeleton while the navigation is pending, when the target is
 * the list, the builder or analytics (components/shell/page-navigation.tsx); any other target, a
 * modified click (new tab) and no JavaScript behave as a plain link.
 */
export function PageLink({ onNavigate, ...props }: React.ComponentProps<typeof Link> & { href: string }) {
  const { navigate } = usePageNavigation();
  return (
    <Link
      {...props}
      onNavigate={(event) => {
        onNavigate?.(event);
        if (navigate(props.href, { replace: props.replace, scroll: props.scroll ?? undefined })) event.preventDefault();
      }}
    />
  );
}

"use client";

import { useEffect } from "react";

export const UNSAVED_CHANGES = "You have unsaved changes. Leave this page and lose them?";

/**
 * While `dirty`, leaving the page asks first: reload, close and typed addresses through
 * `beforeunload`; in-app links by intercepting their click before Next.js's router sees it; Back and
 * Forward through a guard history entry (same address) that catches the first step back.
 */
export function useUnsavedChangesPrompt(dirty: boolean, message = UNSAVED_CHANGES) {
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    const click = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element | null)?.closest?.("a[href]");
      if (!(link instanceof HTMLAnchorElement) || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
      const to = new URL(link.href, window.location.href);
      if (to.origin !== window.location.origin) return; // a full page load: beforeunload asks
      if (to.pathname === window.location.pathname && to.search === window.location.search) return;
      if (!window.confirm(message)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    // A second entry for this address: Back lands on it first, and we ask before really going.
    window.history.pushState(window.history.state, "", window.location.href);
    let guarded = true;
    const popState = () => {
      if (!guarded) return;
      if (window.confirm(message)) {
        guarded = false;
        window.history.back();
      } else {
        window.history.pushState(window.history.state, "", window.location.href);
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    document.addEventListener("click", click, true);
    window.addEventListener("popstate", popState);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      document.removeEventListener("click", click, true);
      window.removeEventListener("popstate", popState);
      // The guard entry stays (it is the same address); a later Back passes it without asking.
      guarded = false;
    };
  }, [dirty, message]);
}

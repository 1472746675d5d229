"use client";

import { useState } from "react";
import { PageLink } from "@/components/shell/page-link";
import { Menu } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import { AppNav } from "./app-nav";

/** Below the md breakpoint the sidebar is hidden: a menu button opens the same navigation in a sheet. */
export function MobileNav({ isAdmin }: { isAdmin: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <SheetTrigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open menu">
          <Menu aria-hidden />
        </Button>
      </SheetTrigger>
      <SheetContent side="left" className="w-72 max-w-[85vw] bg-sidebar px-3 py-4">
        <SheetHeader className="px-3 pb-2">
          <SheetTitle>
            <PageLink href="/segments/dynamic" onClick={() => setOpen(false)} className="flex items-center gap-2">
              <span className="flex size-7 items-center justify-center rounded-md bg-primary text-xs text-primary-foreground">DS</span>
              Dynamic Segments
            </PageLink>
          </SheetTitle>
          <SheetDescription className="sr-only">Navigation</SheetDescription>
        </SheetHeader>
        {/* A chosen link closes the sheet (clicks bubble up from the links). */}
        <div onClick={(e) => (e.target as Element).closest("a") && setOpen(false)}>
          <AppNav isAdmin={isAdmin} />
        </div>
      </SheetContent>
    </Sheet>
  );
}

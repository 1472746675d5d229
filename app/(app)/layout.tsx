import { PageLink } from "@/components/shell/page-link";
import { AppNav } from "@/components/shell/app-nav";
import { DatabaseUnavailable } from "@/components/shell/database-unavailable";
import { MobileNav } from "@/components/shell/mobile-nav";
import { PageNavigationProvider, PendingPage } from "@/components/shell/page-navigation";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { requireUser } from "@/lib/auth/session";
import { DatabaseUnavailableError } from "@/db/errors";

const roleLabel = { admin: "Admin", lead: "Team lead", marketer: "Marketer" } as const;

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  // The user is the first thing read from the database: if it is not answering, say so (app/(app)/error.tsx
  // sits below this layout and cannot catch the layout's own errors).
  const user = await requireUser().catch((error: unknown) => {
    if (error instanceof DatabaseUnavailableError) return null;
    throw error;
  });
  if (!user) return <DatabaseUnavailable />;
  return (
    <PageNavigationProvider>
      <div className="flex min-h-screen">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-primary px-3 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          Skip to content
        </a>
        {/* The aside stretches to the page's full height (its background with it); its content stays in view. */}
        <aside className="hidden w-60 shrink-0 border-r bg-sidebar md:block">
          <div className="sticky top-0 flex max-h-screen flex-col overflow-y-auto px-3 py-4">
            <PageLink href="/segments/dynamic" className="mb-6 flex items-center gap-2 px-3 font-semibold">
              <span className="flex size-7 items-center justify-center rounded-md bg-primary text-xs text-primary-foreground">DS</span>
              Dynamic Segments
            </PageLink>
            <AppNav isAdmin={user.role === "admin"} />
          </div>
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex h-14 items-center justify-end gap-2 border-b px-3 sm:gap-3 sm:px-6">
            <MobileNav isAdmin={user.role === "admin"} />
            <PageLink href="/segments/dynamic" className="mr-auto font-semibold md:hidden">
              Dynamic Segments
            </PageLink>
            <div className="min-w-0 text-right text-sm leading-tight">
              <div className="truncate font-medium">{user.name}</div>
              <div className="hidden truncate text-xs text-muted-foreground sm:block">
                {user.email} · {roleLabel[user.role]}
              </div>
            </div>
            <SignOutButton />
          </header>
          <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 outline-none sm:px-6">
            <PendingPage>{children}</PendingPage>
          </main>
        </div>
      </div>
    </PageNavigationProvider>
  );
}

import Link from "next/link";
import { LogOut } from "lucide-react";
import { AppNav } from "@/components/shell/app-nav";
import { DatabaseUnavailable } from "@/components/shell/database-unavailable";
import { Button } from "@/components/ui/button";
import { signOutAction } from "@/lib/auth/actions";
import { requireUser } from "@/lib/auth/session";
import { DatabaseUnavailableError } from "@/lib/database-errors";

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
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col border-r bg-sidebar px-3 py-4 md:flex">
        <Link href="/segments/dynamic" className="mb-6 flex items-center gap-2 px-3 font-semibold">
          <span className="flex size-7 items-center justify-center rounded-md bg-primary text-xs text-primary-foreground">DS</span>
          Dynamic Segments
        </Link>
        <AppNav isAdmin={user.role === "admin"} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-end gap-3 border-b px-6">
          <div className="text-right text-sm leading-tight">
            <div className="font-medium">{user.name}</div>
            <div className="text-xs text-muted-foreground">
              {user.email} · {roleLabel[user.role]}
            </div>
          </div>
          <form action={signOutAction}>
            <Button type="submit" variant="ghost" size="sm">
              <LogOut aria-hidden />
              Sign out
            </Button>
          </form>
        </header>
        <main className="min-w-0 flex-1 px-6 py-6">{children}</main>
      </div>
    </div>
  );
}

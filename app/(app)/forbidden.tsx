import { PageLink } from "@/components/shell/page-link";
import { ShieldAlert } from "lucide-react";
import { Button } from "@/components/ui/button";

/** What a page answers (HTTP 403) when the user's role does not allow it, e.g. /settings/users for a marketer. */
export default function Forbidden() {
  return (
    <div className="mx-auto flex max-w-lg flex-col items-center gap-4 py-16 text-center">
      <ShieldAlert className="size-10 text-muted-foreground" aria-hidden />
      <h1 className="text-2xl font-semibold tracking-tight">Not available for your role</h1>
      <p className="text-muted-foreground">
        This page is for admins. If you need it for your work, ask an admin to change your role.
      </p>
      <Button asChild variant="outline">
        <PageLink href="/segments/dynamic">Go to dynamic segments</PageLink>
      </Button>
    </div>
  );
}

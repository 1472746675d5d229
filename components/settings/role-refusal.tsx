import { ShieldAlert } from "lucide-react";

/**
 * What a page answers when the user's role does not allow it (the permission table's 403). Objects the
 * user may not see are a 404 instead; a whole settings page is not an object, so saying "not for your
 * role" leaks nothing.
 */
export function RoleRefusal({ header, children }: { header: React.ReactNode; children: React.ReactNode }) {
  return (
    <>
      {header}
      <div role="alert" className="flex items-center gap-3 rounded-lg border border-dashed px-6 py-10 text-sm">
        <ShieldAlert className="size-5 text-muted-foreground" aria-hidden />
        <div>
          <p className="font-medium">Not available for your role</p>
          <p className="text-muted-foreground">{children}</p>
        </div>
      </div>
    </>
  );
}

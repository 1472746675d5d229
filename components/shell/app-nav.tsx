"use client";

import { PageLink } from "@/components/shell/page-link";
import { usePathname } from "next/navigation";
import {
  Activity,
  Database,
  Filter,
  KeyRound,
  ListChecks,
  Mail,
  MonitorSmartphone,
  Trash2,
  UserCog,
  Users,
  Workflow,
  type LucideIcon,
} from "lucide-react";
import { cn } from "@/lib/utils";

type Item = { href: string; label: string; icon: LucideIcon; adminOnly?: boolean };
type Section = { title: string; sub?: string; items: Item[] };

const sections: Section[] = [
  {
    title: "Data",
    sub: "Segments",
    items: [
      { href: "/segments/dynamic", label: "Dynamic segments", icon: Filter },
      { href: "/segments/static", label: "Static segments", icon: ListChecks },
    ],
  },
  { title: "", items: [{ href: "/databases", label: "Profile databases", icon: Database }] },
  {
    title: "Campaigns",
    items: [
      { href: "/mailings", label: "Mailings", icon: Mail },
      { href: "/scenarios", label: "Scenarios", icon: Workflow },
    ],
  },
  {
    title: "",
    items: [
      { href: "/jobs", label: "Jobs", icon: Activity },
      { href: "/bin", label: "Bin", icon: Trash2 },
    ],
  },
  {
    title: "Settings",
    items: [
      { href: "/settings/access-groups", label: "Access groups", icon: Users },
      { href: "/settings/users", label: "Users", icon: UserCog, adminOnly: true },
      { href: "/settings/api-tokens", label: "API tokens", icon: KeyRound },
      { href: "/settings/sessions", label: "Sessions", icon: MonitorSmartphone },
    ],
  },
];

export function AppNav({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-4 text-sm">
      {sections.map((section, i) => (
        <div key={section.title || i}>
          {section.title ? (
            <p className="px-3 pb-1 text-xs font-semibold tracking-wide text-sidebar-foreground/80 uppercase">{section.title}</p>
          ) : null}
          {section.sub ? <p className="px-3 pb-1 text-xs font-medium text-sidebar-foreground/80">{section.sub}</p> : null}
          <ul className="flex flex-col gap-0.5">
            {section.items
              .filter((item) => !item.adminOnly || isAdmin)
              .map((item) => {
                const active = pathname === item.href || pathname.startsWith(item.href + "/");
                return (
                  <li key={item.href}>
                    <PageLink
                      href={item.href}
                      aria-current={active ? "page" : undefined}
                      className={cn(
                        "flex items-center gap-2 rounded-md px-3 py-1.5 text-sidebar-foreground transition-colors hover:bg-sidebar-accent hover:text-sidebar-accent-foreground",
                        section.sub && "pl-5",
                        active && "bg-sidebar-accent font-medium text-sidebar-accent-foreground",
                      )}
                    >
                      <item.icon className="size-4 opacity-70" aria-hidden />
                      {item.label}
                    </PageLink>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

import { Fragment } from "react";
import { PageLink } from "./page-link";

/** The title row of a page: heading, a line of explanation and the page's main actions. */
export function PageHeader({ title, description, children }: { title: string; description?: string; children?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight break-words">{title}</h1>
        {description ? <p className="mt-1 max-w-2xl text-sm text-muted-foreground">{description}</p> : null}
      </div>
      {children ? <div className="flex flex-wrap items-center gap-2">{children}</div> : null}
    </div>
  );
}

/** What an empty list shows: what is missing and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center rounded-lg border border-dashed px-6 py-14 text-center">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-2 max-w-md text-sm text-muted-foreground">{children}</div> : null}
    </div>
  );
}

/** Where a page sits: links to the pages above it, then the page itself ("Scenarios / Welcome"). */
export function Breadcrumb({ trail, current }: { trail: { href: string; label: React.ReactNode }[]; current: React.ReactNode }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted-foreground">
      {trail.map((step) => (
        <Fragment key={step.href}>
          <PageLink href={step.href} className="hover:underline">
            {step.label}
          </PageLink>{" "}
          /{" "}
        </Fragment>
      ))}
      {current}
    </nav>
  );
}

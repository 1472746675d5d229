import Link from "next/link";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { ExplainProfileLink } from "@/components/segments/explain/explain-profile-link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { Profile } from "@/lib/profiles/profile";
import type { ProfilePage } from "@/lib/profiles/queries";
import type { FieldDefinition } from "@/lib/profiles/schema";

/** How many custom fields the table shows; the rest would make it too wide to read. */
const SHOWN_FIELDS = 4;

function Empty() {
  return <span className="text-muted-foreground">—</span>;
}

function FieldValue({ value }: { value: unknown }) {
  if (value === undefined || value === null || value === "") return <Empty />;
  if (typeof value === "boolean") return <>{value ? "Yes" : "No"}</>;
  return <>{String(value)}</>;
}

function Subscriptions({ subscriptions }: { subscriptions: Profile["subscriptions"] }) {
  const channels = (["email", "sms", "push"] as const).filter((channel) => subscriptions[channel] !== null);
  if (channels.length === 0) return <Empty />;
  return (
    <span className="flex gap-1">
      {channels.map((channel) => (
        <Badge key={channel} variant={subscriptions[channel] === "subscribed" ? "success" : "outline"} className="font-normal">
          {channel} {subscriptions[channel] === "subscribed" ? "subscribed" : "unsubscribed"}
        </Badge>
      ))}
    </span>
  );
}

function pageHref(basePath: string, q: string, cursor: { after?: number; before?: number }) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (cursor.after !== undefined) params.set("after", String(cursor.after));
  if (cursor.before !== undefined) params.set("before", String(cursor.before));
  return `${basePath}?${params}`;
}

/** A page of profiles with a search by email and Previous / Next links (plain links: no JavaScript needed). */
export function ProfileTable({
  basePath,
  databaseId,
  page,
  fields,
  q,
}: {
  basePath: string;
  databaseId: number;
  page: ProfilePage;
  fields: FieldDefinition[];
  q: string;
}) {
  const shownFields = fields.slice(0, SHOWN_FIELDS);
  return (
    <div className="space-y-4">
      <form method="get" action={basePath} role="search" className="flex max-w-md items-end gap-2">
        <div className="flex-1 space-y-2">
          <Label htmlFor="profile-search">Search by email</Label>
          <Input id="profile-search" name="q" type="search" defaultValue={q} placeholder="An address, or how it begins" />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {q ? (
          <Button asChild variant="ghost">
            <Link href={basePath}>Clear</Link>
          </Button>
        ) : null}
      </form>

      {page.profiles.length === 0 ? (
        <p className="rounded-md border border-dashed px-4 py-8 text-center text-sm text-muted-foreground">
          {q ? `No profile has an email that is or begins with "${q}".` : "No profiles on this page."}
        </p>
      ) : (
        <Table>
          <TableCaption className="sr-only">Profiles</TableCaption>
          <TableHeader>
            <TableRow>
              <TableHead className="text-right">ID</TableHead>
              <TableHead>Email</TableHead>
              <TableHead>Phone</TableHead>
              <TableHead>Name</TableHead>
              <TableHead>Subscriptions</TableHead>
              {shownFields.map((field) => (
                <TableHead key={field.key}>{field.label}</TableHead>
              ))}
              <TableHead>
                <span className="sr-only">Explain</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {page.profiles.map((profile) => {
              const name = [profile.first_name, profile.last_name].filter(Boolean).join(" ");
              return (
                <TableRow key={profile.id}>
                  <TableCell className="text-right tabular-nums text-muted-foreground">{profile.id}</TableCell>
                  <TableCell>{profile.email ?? <Empty />}</TableCell>
                  <TableCell>{profile.phone ?? <Empty />}</TableCell>
                  <TableCell>{name || <Empty />}</TableCell>
                  <TableCell>
                    <Subscriptions subscriptions={profile.subscriptions} />
                  </TableCell>
                  {shownFields.map((field) => (
                    <TableCell key={field.key} className="max-w-48 truncate">
                      <FieldValue value={profile.fields[field.key]} />
                    </TableCell>
                  ))}
                  <TableCell>
                    <ExplainProfileLink profileId={profile.id} databaseId={databaseId} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}

      <nav aria-label="Profile pages" className="flex items-center justify-end gap-2">
        {page.prevBefore !== null ? (
          <Button asChild variant="outline" size="sm">
            <Link href={pageHref(basePath, q, { before: page.prevBefore })} rel="prev">
              <ChevronLeft aria-hidden />
              Previous
            </Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled>
            <ChevronLeft aria-hidden />
            Previous
          </Button>
        )}
        {page.nextAfter !== null ? (
          <Button asChild variant="outline" size="sm">
            <Link href={pageHref(basePath, q, { after: page.nextAfter })} rel="next">
              Next
              <ChevronRight aria-hidden />
            </Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled>
            Next
            <ChevronRight aria-hidden />
          </Button>
        )}
      </nav>
    </div>
  );
}

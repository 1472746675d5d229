import Link from "next/link";
import { Search } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

const selectClass =
  "h-9 rounded-md border border-input bg-background px-3 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50";

/** A plain GET form: filtering works without JavaScript and the URL can be shared. */
export function SegmentListFilters(props: {
  q?: string;
  tag?: string;
  databaseId?: number;
  tags: string[];
  databases: { id: number; name: string }[];
  sort: string;
  dir: string;
}) {
  return (
    <form method="get" role="search" aria-label="Filter segments" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="grid gap-1.5">
        <Label htmlFor="segment-search">Search by name</Label>
        <div className="relative">
          <Search className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" aria-hidden />
          <Input id="segment-search" name="q" type="search" defaultValue={props.q} placeholder="Segment name" className="w-64 pl-8" />
        </div>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="segment-tag">Tag</Label>
        <select id="segment-tag" name="tag" defaultValue={props.tag ?? ""} className={selectClass}>
          <option value="">All tags</option>
          {props.tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="segment-db">Profile database</Label>
        <select id="segment-db" name="db" defaultValue={props.databaseId ? String(props.databaseId) : ""} className={selectClass}>
          <option value="">All databases</option>
          {props.databases.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
      <input type="hidden" name="sort" value={props.sort} />
      <input type="hidden" name="dir" value={props.dir} />
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      {props.q || props.tag || props.databaseId ? (
        <Button variant="ghost" asChild>
          <Link href="/segments/dynamic">Clear</Link>
        </Button>
      ) : null}
    </form>
  );
}

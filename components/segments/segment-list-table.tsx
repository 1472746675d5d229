import { PageLink } from "@/components/shell/page-link";
import { ArrowDown, ArrowUp } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { SegmentListRow } from "@/lib/dynamic-segments/list";
import { formatCount, formatDateTime, formatRange } from "@/lib/format";
import { SegmentRowActions } from "./segment-row-actions";

type Params = Record<string, string | undefined>;

function hrefWith(params: Params, change: Params): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, ...change })) if (v) next.set(k, v);
  return `/segments/dynamic?${next.toString()}`;
}

function SortHeader({ label, sort, params }: { label: string; sort: string; params: Params }) {
  const active = (params.sort ?? "updated") === sort;
  const dir = active && params.dir !== "asc" ? "asc" : "desc";
  return (
    <TableHead aria-sort={active ? (params.dir === "asc" ? "ascending" : "descending") : undefined}>
      <PageLink href={hrefWith(params, { sort, dir, page: undefined })} className="inline-flex items-center gap-1 hover:text-foreground">
        {label}
        {active ? params.dir === "asc" ? <ArrowUp className="size-3" aria-hidden /> : <ArrowDown className="size-3" aria-hidden /> : null}
      </PageLink>
    </TableHead>
  );
}

export function SegmentListTable(props: {
  rows: SegmentListRow[];
  dependents: Record<number, string[]>;
  total: number;
  page: number;
  pageSize: number;
  params: Params;
}) {
  const { rows, total, page, pageSize, params } = props;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            <SortHeader label="Name" sort="name" params={params} />
            <TableHead>Source</TableHead>
            <TableHead>Range</TableHead>
            <TableHead>Limit</TableHead>
            <TableHead>Tags</TableHead>
            <SortHeader label="Profiles" sort="count" params={params} />
            <SortHeader label="Calculated" sort="calculated" params={params} />
            <SortHeader label="Updated" sort="updated" params={params} />
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.id}>
              <TableCell className="font-medium">
                <PageLink href={`/segments/dynamic/${row.id}`} className="hover:underline">
                  {row.name}
                </PageLink>
              </TableCell>
              <TableCell className="text-muted-foreground">{row.databaseName}</TableCell>
              <TableCell className="tabular-nums">{formatRange(row.rangeFrom, row.rangeTo)}</TableCell>
              <TableCell className="tabular-nums">{formatCount(row.limit)}</TableCell>
              <TableCell>
                <div className="flex flex-wrap gap-1">
                  {row.tags.map((t) => (
                    <Badge key={t} variant="secondary" asChild>
                      <PageLink href={hrefWith(params, { tag: t, page: undefined })}>{t}</PageLink>
                    </Badge>
                  ))}
                </div>
              </TableCell>
              <TableCell className="tabular-nums">{formatCount(row.lastCount)}</TableCell>
              <TableCell className="text-muted-foreground">{formatDateTime(row.lastCalculatedAt)}</TableCell>
              <TableCell className="text-muted-foreground">{formatDateTime(row.updatedAt)}</TableCell>
              <TableCell className="text-right">
                <SegmentRowActions id={row.id} name={row.name} dependents={props.dependents[row.id] ?? []} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <nav aria-label="Pagination" className="flex items-center justify-between border-t px-4 py-3 text-sm text-muted-foreground">
        <span>
          {formatCount(total)} segment{total === 1 ? "" : "s"} · page {page} of {pages}
        </span>
        <div className="flex gap-2">
          {page > 1 ? (
            <Button variant="outline" size="sm" asChild>
              <PageLink href={hrefWith(params, { page: String(page - 1) })}>Previous</PageLink>
            </Button>
          ) : null}
          {page < pages ? (
            <Button variant="outline" size="sm" asChild>
              <PageLink href={hrefWith(params, { page: String(page + 1) })}>Next</PageLink>
            </Button>
          ) : null}
        </div>
      </nav>
    </div>
  );
}

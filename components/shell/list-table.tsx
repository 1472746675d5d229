import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";
import { PageHeader } from "./page-header";

/** A column of a list: its heading (words, or an `sr-only` label) and what each row shows in it. */
export type ListColumn<T> = {
  header: React.ReactNode;
  headerClassName?: string;
  cell: (row: T) => React.ReactNode;
  /** Classes of every cell ("text-right tabular-nums" for numbers, with a "text-right" heading). */
  className?: string;
};

/** Which profile database an item belongs to. */
export const sourceColumn: ListColumn<{ databaseName: string }> = { header: "Source", className: "text-muted-foreground", cell: (row) => row.databaseName };

/** When an item was made. */
export const createdColumn: ListColumn<{ createdAt: Date }> = { header: "Created", className: "text-muted-foreground", cell: (row) => formatDateTime(row.createdAt) };

/**
 * A list page's table: one heading row, one row per item, in a bordered frame. `highlight` marks the
 * row of the item just created (`?highlight=<id>` after a create form's redirect).
 */
export function ListTable<T extends { id: number }>({ columns, rows, highlight }: { columns: ListColumn<T>[]; rows: readonly T[]; highlight?: number }) {
  return (
    <div className="rounded-lg border">
      <Table>
        <TableHeader>
          <TableRow>
            {columns.map((column, i) => (
              <TableHead key={i} className={column.headerClassName}>
                {column.header}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.id} className={cn(row.id === highlight && "bg-amber-50")} aria-current={row.id === highlight ? "true" : undefined}>
              {columns.map((column, i) => (
                <TableCell key={i} className={column.className}>
                  {column.cell(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/**
 * A list page with a create form: its heading, the list as a table (or, while it is empty, what to do
 * first), and beside it the form that creates an item.
 */
export function ListPage<T extends { id: number }>(props: {
  title: string;
  description: string;
  rows: readonly T[];
  columns: ListColumn<T>[];
  highlight?: number;
  empty: React.ReactNode;
  form: React.ReactNode;
}) {
  return (
    <>
      <PageHeader title={props.title} description={props.description} />
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        {props.rows.length ? <ListTable rows={props.rows} columns={props.columns} highlight={props.highlight} /> : props.empty}
        {props.form}
      </div>
    </>
  );
}

/** How many items a list holds, above it ("Members: 1,234"); `name` labels the number for screen readers. */
export function ListCount({ label, name, value }: { label: string; name: string; value: string }) {
  return (
    <p className="mb-4 text-sm">
      <span className="text-muted-foreground">{label}: </span>
      <span aria-label={name} className="font-semibold tabular-nums">
        {value}
      </span>
    </p>
  );
}

/**
 * Paging through a list in id order (keyset: `?after=<last id shown>`): back to the first page once
 * past it, and on while more follow.
 */
export function KeysetPager({ href, after, nextAfter }: { href: string; after: number | undefined; nextAfter: number | null }) {
  return (
    <nav aria-label="Pagination" className="mt-4 flex gap-2">
      {after ? (
        <Button asChild variant="outline" size="sm">
          <Link href={href}>First page</Link>
        </Button>
      ) : null}
      {nextAfter !== null ? (
        <Button asChild variant="outline" size="sm">
          <Link href={`${href}?after=${nextAfter}`}>Next</Link>
        </Button>
      ) : null}
    </nav>
  );
}

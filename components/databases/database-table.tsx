import Link from "next/link";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { DatabaseSummary } from "@/lib/databases/queries";
import { AccessGroupList, FieldBadges } from "./field-badges";

const count = new Intl.NumberFormat("en-US");

/** The profile databases the user may see, one row each. */
export function DatabaseTable({ databases }: { databases: DatabaseSummary[] }) {
  return (
    <Table>
      <TableCaption className="sr-only">Profile databases</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead className="text-right">Profiles</TableHead>
          <TableHead>Fields</TableHead>
          <TableHead>Access groups</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {databases.map((database) => (
          <TableRow key={database.id}>
            <TableCell className="font-medium">
              <Link href={`/databases/${database.id}`} className="hover:underline">
                {database.name}
              </Link>
            </TableCell>
            <TableCell className="text-right tabular-nums">{count.format(database.profileCount)}</TableCell>
            <TableCell className="whitespace-normal">
              <FieldBadges fields={database.fields} limit={8} />
            </TableCell>
            <TableCell className="whitespace-normal">
              <AccessGroupList groups={database.accessGroups} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

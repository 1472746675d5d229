import Link from "next/link";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCount, formatDateTime } from "@/lib/format";
import { versionHref } from "./versions/version-link";

type LogEntry = { id: number; at: Date; kind: string; count: number | null; details: Record<string, unknown> | null; userName: string | null };

const kindLabels: Record<string, string> = {
  created: "Created",
  updated: "Changed",
  calculated: "Calculated",
  action: "Action",
  binned: "Moved to bin",
  restored: "Restored",
};

function describe(entry: LogEntry): string {
  const d = entry.details ?? {};
  if (entry.kind === "updated" && Array.isArray(d.changed)) return `Changed ${d.changed.join(", ")}`;
  if (entry.kind === "created" && d.clonedFrom && typeof d.clonedFrom === "object") return `Cloned from “${(d.clonedFrom as { name?: string }).name}”`;
  if (entry.kind === "action" && typeof d.summary === "string") return d.summary;
  return kindLabels[entry.kind] ?? entry.kind;
}

const fieldLabels: Record<string, string> = { name: "Name", description: "Description", tags: "Tags", accessGroups: "Access groups" };

/** A logged value in words: lists joined, empty as "none", long text shortened. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return value.length ? value.map(String).join(", ") : "none";
  const text = typeof value === "string" ? value.trim() : String(value ?? "");
  if (!text) return "none";
  return `“${text.length > 80 ? `${text.slice(0, 79)}…` : text}”`;
}

/** The before → after of the fields an entry names, and the version a definition change wrote. */
function EntryDetails({ entry, segmentId }: { entry: LogEntry; segmentId?: number }) {
  const d = entry.details ?? {};
  const fields = d.fields && typeof d.fields === "object" ? Object.entries(d.fields as Record<string, { before?: unknown; after?: unknown }>) : [];
  const version = typeof d.version === "number" ? d.version : null;
  const restoredFrom = typeof d.restoredFrom === "number" ? d.restoredFrom : null;
  if (!fields.length && version === null) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-xs text-muted-foreground">
      {fields.map(([key, change]) => (
        <li key={key}>
          {fieldLabels[key] ?? key}: {shown(change?.before)} → {shown(change?.after)}
        </li>
      ))}
      {version !== null && segmentId ? (
        <li>
          {restoredFrom ? `Restored from version ${restoredFrom} as ` : "Saved as "}
          <Link className="font-medium text-foreground underline-offset-2 hover:underline" href={versionHref(segmentId, version)}>
            version {version}
          </Link>
        </li>
      ) : null}
    </ul>
  );
}

/** "Update log": every save, calculation and action on the segment: who, when, what, count. */
export function UpdateLog({ entries, segmentId }: { entries: LogEntry[]; segmentId?: number }) {
  return (
    <section aria-labelledby="update-log-heading" className="rounded-lg border bg-card p-4 shadow-xs">
      <h2 id="update-log-heading" className="mb-3 font-semibold">
        Update log
      </h2>
      {entries.length ? (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>When</TableHead>
              <TableHead>Who</TableHead>
              <TableHead>What</TableHead>
              <TableHead className="text-right">Profiles</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {entries.map((e) => (
              <TableRow key={e.id}>
                <TableCell className="text-muted-foreground">{formatDateTime(e.at)}</TableCell>
                <TableCell>{e.userName ?? "—"}</TableCell>
                <TableCell>
                  {describe(e)}
                  <EntryDetails entry={e} segmentId={segmentId} />
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(e.count)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <p className="text-sm text-muted-foreground">Nothing has happened to this segment yet.</p>
      )}
    </section>
  );
}

/** "Dependent objects": the mailings and scenarios that use the segment. */
export function DependentObjects({ mailings, scenarios }: { mailings: { id: number; name: string }[]; scenarios: { id: number; name: string }[] }) {
  return (
    <section aria-labelledby="dependents-heading" className="rounded-lg border bg-card p-4 shadow-xs">
      <h2 id="dependents-heading" className="mb-3 font-semibold">
        Dependent objects
      </h2>
      <ul className="space-y-1 text-sm">
        {mailings.map((m) => (
          <li key={`m${m.id}`}>
            Mailing{" "}
            <Link className="font-medium hover:underline" href={`/mailings?highlight=${m.id}`}>
              {m.name}
            </Link>
          </li>
        ))}
        {scenarios.map((s) => (
          <li key={`s${s.id}`}>
            Scenario{" "}
            <Link className="font-medium hover:underline" href={`/scenarios?highlight=${s.id}`}>
              {s.name}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

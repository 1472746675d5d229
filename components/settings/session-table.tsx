import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { SessionSummary } from "@/lib/auth/user-sessions";
import { formatDateTime } from "@/lib/format";

/** A user agent in a few words ("Chrome on Linux"), with the full text on hover. */
function describeAgent(agent: string | null): string {
  if (!agent) return "Unknown device";
  const browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox" : /Chrom(e|ium)\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : null;
  const system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS" : /Windows/.test(agent) ? "Windows" : /Mac OS X/.test(agent) ? "macOS" : /Linux/.test(agent) ? "Linux" : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? agent.slice(0, 60);
}

export function SessionTable({ sessions }: { sessions: SessionSummary[] }) {
  return (
    <Table>
      <TableCaption className="sr-only">Your open sessions</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Device</TableHead>
          <TableHead>Address</TableHead>
          <TableHead>Signed in</TableHead>
          <TableHead>Last seen</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sessions.map((s, i) => (
          <TableRow key={i}>
            <TableCell className="font-medium">
              <span title={s.userAgent ?? undefined}>{describeAgent(s.userAgent)}</span>
              {s.current ? (
                <Badge variant="success" className="ml-2">
                  This session
                </Badge>
              ) : null}
            </TableCell>
            <TableCell>{s.ipAddress ?? "Unknown"}</TableCell>
            <TableCell>{formatDateTime(s.createdAt)}</TableCell>
            <TableCell>{formatDateTime(s.lastSeenAt)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

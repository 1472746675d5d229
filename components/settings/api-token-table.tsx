"use client";

import { useState } from "react";
import { ConfirmDialog, useRowAction } from "@/components/forms/confirm-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ApiTokenSummary } from "@/lib/api-tokens/queries";
import { revokeApiTokenAction } from "@/lib/api-tokens/actions";
import { formatDateTime } from "@/lib/format";

function RevokeButton({ token }: { token: ApiTokenSummary }) {
  const [open, setOpen] = useState(false);
  const { pending, error, run } = useRowAction();
  return (
    <>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        trigger={
          <Button size="sm" variant="ghost" className="text-destructive" aria-label={`Revoke ${token.name}`}>
            Revoke
          </Button>
        }
        title={<>Revoke “{token.name}”?</>}
        description="Requests with this token are refused from now on. This cannot be undone; create a new token if you need one."
        confirm={
          <Button variant="destructive" onClick={() => run(() => revokeApiTokenAction({ tokenId: token.id }), () => setOpen(false))} disabled={pending}>
            Revoke token
          </Button>
        }
      />
      {error ? (
        <p role="alert" className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </>
  );
}

export function ApiTokenTable({ tokens }: { tokens: ApiTokenSummary[] }) {
  return (
    <Table>
      <TableCaption className="sr-only">Your API tokens</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead>Status</TableHead>
          <TableHead className="text-right">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {tokens.map((t) => (
          <TableRow key={t.id}>
            <TableCell className="font-medium">{t.name}</TableCell>
            <TableCell>{formatDateTime(t.createdAt)}</TableCell>
            <TableCell>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : "Never"}</TableCell>
            <TableCell>{t.revokedAt ? <Badge variant="outline">Revoked {formatDateTime(t.revokedAt)}</Badge> : <Badge variant="success">Active</Badge>}</TableCell>
            <TableCell className="text-right">{t.revokedAt ? null : <RevokeButton token={t} />}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

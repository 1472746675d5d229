"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ApiTokenSummary } from "@/lib/api-tokens/queries";
import { revokeApiTokenAction } from "@/lib/api-tokens/actions";
import { formatDateTime } from "@/lib/format";

function RevokeButton({ token }: { token: ApiTokenSummary }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const revoke = () =>
    startTransition(async () => {
      const result = await revokeApiTokenAction({ tokenId: token.id });
      if (result.ok) {
        setOpen(false);
        router.refresh();
      } else setError(result.message);
    });
  return (
    <>
      <AlertDialog open={open} onOpenChange={setOpen}>
        <AlertDialogTrigger asChild>
          <Button size="sm" variant="ghost" className="text-destructive" aria-label={`Revoke ${token.name}`}>
            Revoke
          </Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Revoke “{token.name}”?</AlertDialogTitle>
            <AlertDialogDescription>Requests with this token are refused from now on. This cannot be undone; create a new token if you need one.</AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button variant="destructive" onClick={revoke} disabled={pending}>
              Revoke token
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
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

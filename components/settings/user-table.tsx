"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ActionResult } from "@/lib/actions/result";
import { formatDateTime } from "@/lib/format";
import { changeUserRoleAction, setUserActiveAction, setUserPasswordAction, signOutUserEverywhereAction } from "@/lib/users/actions";
import { MIN_PASSWORD_LENGTH, ROLE_LABELS, USER_ROLES, type Role } from "@/lib/users/schema";
import type { UserSummary } from "@/lib/users/queries";


function PasswordDialog({ user }: { user: UserSummary }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const save = () =>
    startTransition(async () => {
      const result = await setUserPasswordAction({ userId: user.id, password });
      if (result.ok) {
        setPassword("");
        setOpen(false);
      } else setMessage({ ok: false, text: result.fieldErrors?.password ?? result.message });
    });
  return (
    <Dialog open={open} onOpenChange={(o) => (setOpen(o), setMessage(null))}>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost" aria-label={`Set a new password for ${user.name}`}>
          Set password
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New password for {user.name}</DialogTitle>
          <DialogDescription>Hand it over in person or by another channel; they can sign in with it at once. Every session they have open ends.</DialogDescription>
        </DialogHeader>
        <div className="grid gap-1.5">
          <Label htmlFor={`password-${user.id}`}>New password</Label>
          <Input id={`password-${user.id}`} type="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} value={password} onChange={(e) => setPassword(e.target.value)} />
          {message ? (
            <p role="alert" className="text-sm text-destructive">
              {message.text}
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button onClick={save} disabled={pending || password.length === 0}>
            Save password
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function UserActions({ user, isSelf }: { user: UserSummary; isSelf: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<ActionResult<unknown>>, done?: (data: unknown) => string) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const result = await work();
      if (result.ok) {
        if (done) setNotice(done(result.data));
        router.refresh();
      } else setError(result.message);
    });
  const signedOut = (n: unknown) =>
    n === 0 ? `${user.name} had no open session${isSelf ? " elsewhere" : ""}.` : `Signed ${user.name} out of ${n} session${n === 1 ? "" : "s"}${isSelf ? " (this one stays)" : ""}.`;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <NativeSelect
          aria-label={`Role of ${user.name}`}
          className="h-8 w-36"
          value={user.role}
          disabled={pending || isSelf}
          onChange={(e) => run(() => changeUserRoleAction({ userId: user.id, role: e.target.value as Role }))}
        >
          {USER_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </NativeSelect>
        <PasswordDialog user={user} />
        <Button size="sm" variant="ghost" disabled={pending} onClick={() => run(() => signOutUserEverywhereAction({ userId: user.id }), signedOut)}>
          End all sessions
          <span className="sr-only"> of {user.name}</span>
        </Button>
        {isSelf ? null : (
          <Button size="sm" variant={user.active ? "ghost" : "outline"} className={user.active ? "text-destructive" : undefined} disabled={pending} onClick={() => run(() => setUserActiveAction({ userId: user.id, active: !user.active }))}>
            {user.active ? `Deactivate` : `Reactivate`}
            <span className="sr-only"> {user.name}</span>
          </Button>
        )}
      </div>
      {error ? (
        <p role="alert" className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="text-xs text-muted-foreground">
          {notice}
        </p>
      ) : null}
    </div>
  );
}

export function UserTable({ users, currentUserId }: { users: UserSummary[]; currentUserId: number }) {
  return (
    <Table>
      <TableCaption className="sr-only">Users</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Email</TableHead>
          <TableHead>Access groups</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Created</TableHead>
          <TableHead className="text-right">Role and actions</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {users.map((u) => (
          <TableRow key={u.id}>
            <TableCell className="font-medium">
              {u.name}
              {u.id === currentUserId ? <span className="ml-1 text-xs text-muted-foreground">(you)</span> : null}
            </TableCell>
            <TableCell>{u.email}</TableCell>
            <TableCell>
              <div className="flex flex-wrap gap-1">
                {u.groups.length
                  ? u.groups.map((g) => (
                      <Badge key={g.id} variant="outline">
                        {g.name}
                        {g.isLead ? " · lead" : ""}
                      </Badge>
                    ))
                  : "—"}
              </div>
            </TableCell>
            <TableCell>{u.active ? <Badge variant="success">Active</Badge> : <Badge variant="outline">Deactivated</Badge>}</TableCell>
            <TableCell>{formatDateTime(u.createdAt)}</TableCell>
            <TableCell className="text-right">
              <UserActions user={u} isSelf={u.id === currentUserId} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

"use client";

import { UserPlus } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { addAccessGroupMemberAction, removeAccessGroupMemberAction } from "@/lib/access-groups/actions";
import { useRowAction } from "@/components/forms/confirm-dialog";
import { describedBy, FormMessage, LabeledField, useResettingForm } from "@/components/forms/form-bits";

export type MemberRow = { userId: number; name: string; email: string; isLead: boolean };

function RemoveButton({ groupId, groupName, member, canRemoveLeads }: { groupId: number; groupName: string; member: MemberRow; canRemoveLeads: boolean }) {
  const { pending, error, run } = useRowAction();
  if (member.isLead && !canRemoveLeads) return null;
  const remove = () => run(() => removeAccessGroupMemberAction({ groupId, memberId: member.userId }));
  return (
    <>
      <Button size="sm" variant="ghost" className="text-destructive" disabled={pending} onClick={remove} aria-label={`Remove ${member.name} from ${groupName}`}>
        Remove
      </Button>
      {error ? (
        <p role="alert" className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** The members of a group, for those who manage them: add by email, remove members (leads: admins only). */
export function AccessGroupMembers({ groupId, groupName, members, canRemoveLeads }: { groupId: number; groupName: string; members: MemberRow[]; canRemoveLeads: boolean }) {
  const { state, formAction, pending, formRef, errors } = useResettingForm(addAccessGroupMemberAction, { refresh: true });
  const emailError = errors.email;
  const inputId = `member-email-${groupId}`;
  return (
    <div className="space-y-4">
      <Table>
        <TableCaption className="sr-only">Members of {groupName}</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Email</TableHead>
            <TableHead>In this group</TableHead>
            <TableHead className="text-right">
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {members.length ? (
            members.map((m) => (
              <TableRow key={m.userId}>
                <TableCell className="font-medium">{m.name}</TableCell>
                <TableCell>{m.email}</TableCell>
                <TableCell>{m.isLead ? <Badge>Lead</Badge> : <Badge variant="outline">Member</Badge>}</TableCell>
                <TableCell className="text-right">
                  <RemoveButton groupId={groupId} groupName={groupName} member={m} canRemoveLeads={canRemoveLeads} />
                </TableCell>
              </TableRow>
            ))
          ) : (
            <TableRow>
              <TableCell colSpan={4} className="text-muted-foreground">
                No members yet.
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      <form ref={formRef} action={formAction} className="flex flex-wrap items-end gap-3">
        <input type="hidden" name="groupId" value={groupId} />
        <LabeledField id={inputId} label="Member email" error={emailError} className="min-w-72">
          <Input id={inputId} name="email" type="email" required placeholder="name@example.com" {...describedBy(inputId, emailError)} />
        </LabeledField>
        <Button type="submit" variant="outline" disabled={pending}>
          <UserPlus aria-hidden />
          Add member
        </Button>
        {emailError ? null : <FormMessage state={state} />}
      </form>
    </div>
  );
}

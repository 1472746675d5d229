import type { UserRole } from "@/db/schema";

/**
 * What an entry of the permission table (`policy.ts`) is: the roles that may run an action and what
 * the data layer checks beyond the role. Kept apart from the table so that a module declaring its own
 * entry (an action on a selection, `lib/segment-actions/define.ts`) can use these words without
 * importing the table that merges it in.
 */

/** What the data layer checks beyond the role, for each object the action touches. */
export type ObjectCheck =
  | "database visible" // the profile database: no access groups, or one of the user's (admins: all)
  | "source segment visible" // the dynamic segment acted on, and its database
  | "referenced segments visible" // every segment a Script's `segment` conditions name
  | "target database visible"
  | "target static segment visible"
  | "target scenario visible"
  | "access group: member" // an access group the user belongs to (admins: all); others 404
  | "access group: lead" // …and leads (admins: all); a member who does not lead gets 403
  | "own API token" // tokens of other users are 404
  | "access groups assignable"; // groups given to a new object must be the user's own (admins: any)

export type PolicyEntry = {
  /** Roles that may run the action at all; `"public"` needs no session (sign-in itself). */
  roles: readonly UserRole[] | "public";
  checks: readonly ObjectCheck[];
  summary: string;
};

export const everyone: readonly UserRole[] = ["admin", "lead", "marketer"];
export const leads: readonly UserRole[] = ["admin", "lead"];
export const admins: readonly UserRole[] = ["admin"];

/** A saved segment read or acted on: it and its database must be visible. */
export const segmentRead = ["source segment visible", "database visible"] as const;
/** A rule evaluated: its database and every segment it refers to must be visible. */
export const ruleChecks = ["database visible", "referenced segments visible"] as const;

import type { UserRole } from "@/db/schema";
import type { ActingUser } from "@/lib/access/acting-user";
import { AppError } from "@/lib/errors";
import { selectionActionPolicy } from "@/lib/segment-actions/registry";
import { admins, everyone, leads, ruleChecks, segmentRead, type PolicyEntry } from "./policy-entry";

export type { ObjectCheck, PolicyEntry } from "./policy-entry";

/**
 * The one permission table (SPEC §3). Every server action, route handler and API endpoint names its
 * entry; `defineAction({ key, … })` and `apiRoute(key, …)` check the role part centrally, before any input is
 * read, so a refusal by role (403) never depends on — and never reveals — an object. The object part
 * (`checks`) is enforced by the data layer on the same request: an object the user may not see answers
 * 404, never 403 (`lib/access/guards.ts`, `lib/access/visibility.ts`).
 *
 * Roles and memberships come from the database on every request (`loadActingUser`), never from a
 * token claim, so a changed role, membership or deactivation counts at once.
 *
 * Adding a server action or an endpoint? Add its key here; `policy.coverage.test.ts` fails otherwise.
 * An action on a selection declares its entry in its own file (`policy` of `defineSelectionAction`,
 * lib/segment-actions/define.ts); the registry's entries are merged into this table below.
 */

const table = {
  // Session
  "session.signIn": { roles: "public", checks: [], summary: "Sign in (throttled per account and address)." },
  "session.signOut": { roles: "public", checks: [], summary: "Sign out (ends the session record: the old cookie no longer works)." },
  "sessions.list": { roles: everyone, checks: [], summary: "See one's own open sessions." },
  "sessions.revokeOthers": { roles: everyone, checks: [], summary: "Sign out one's own other sessions." },
  "account.changePassword": { roles: everyone, checks: [], summary: "Change one's own password (needs the current one; ends one's other sessions)." },

  // Profile databases and profiles
  "databases.list": { roles: everyone, checks: [], summary: "List visible profile databases." },
  "databases.read": { roles: everyone, checks: ["database visible"], summary: "Read a database with its fields and count." },
  "databases.create": { roles: everyone, checks: ["access groups assignable"], summary: "Create a profile database." },
  "profiles.list": { roles: everyone, checks: ["database visible"], summary: "Browse a database's profiles." },
  "profiles.import": { roles: everyone, checks: ["database visible"], summary: "Insert profiles (CSV or API), all or nothing." },
  "events.import": { roles: everyone, checks: ["database visible"], summary: "Insert events of the database's profiles, all or nothing." },
  "databases.indexField": { roles: leads, checks: ["database visible"], summary: "Mark a custom field as indexed (an expression index, built concurrently) or not." },

  // Mailings
  "mailings.create": { roles: everyone, checks: ["database visible", "source segment visible"], summary: "Create a mailing on a database and segment." },

  // Dynamic segments
  "segments.list": { roles: everyone, checks: [], summary: "List visible dynamic segments." },
  "segments.read": { roles: everyone, checks: segmentRead, summary: "Read a segment, its log and dependents." },
  "segments.create": { roles: everyone, checks: [...ruleChecks, "access groups assignable"], summary: "Save a new segment." },
  "segments.update": { roles: everyone, checks: [...segmentRead, "referenced segments visible", "access groups assignable"], summary: "Change a segment." },
  "segments.calculate": { roles: everyone, checks: ruleChecks, summary: "Calculate a rule or a saved segment." },
  "segments.show": { roles: everyone, checks: ruleChecks, summary: "Show / preview the first 100 profiles." },
  "segments.checkConditions": { roles: everyone, checks: ruleChecks, summary: "Validate a Script against the source." },
  "segments.importConditions": { roles: everyone, checks: segmentRead, summary: "Read another segment's conditions." },
  "segments.impact": { roles: everyone, checks: [...segmentRead, "referenced segments visible"], summary: "Preview who would enter, leave and stay with a draft definition." },
  "segments.restoreVersion": { roles: everyone, checks: [...segmentRead, "referenced segments visible", "access groups assignable"], summary: "Save an earlier version's definition as a new version." },
  "segments.clone": { roles: everyone, checks: segmentRead, summary: "Clone a segment." },
  "segments.bin": { roles: everyone, checks: segmentRead, summary: "Move a segment to the bin." },
  "segments.restore": { roles: everyone, checks: segmentRead, summary: "Restore a segment from the bin." },
  "segments.deletePermanently": { roles: leads, checks: segmentRead, summary: "Delete a binned segment for good." },
  "segments.explain": { roles: everyone, checks: [...ruleChecks, "source segment visible"], summary: "Explain why one profile is in or out of a rule or saved segment." },
  "segments.funnel": { roles: everyone, checks: [...ruleChecks, "source segment visible"], summary: "The condition funnel of a rule or saved segment." },
  "segments.actionTargets": { roles: everyone, checks: ["database visible"], summary: "What the action dialogs offer: fields, target databases, static segments, scenarios." },

  // Background jobs (the actions above run as jobs; a user sees their own, admins everyone's)
  "jobs.list": { roles: everyone, checks: [], summary: "List recent jobs with their progress and outcome." },
  "jobs.read": { roles: everyone, checks: [], summary: "Follow one job's progress." },
  "jobs.download": { roles: everyone, checks: ["database visible"], summary: "Download a finished export." },

  // Static segments
  "staticSegments.list": { roles: everyone, checks: [], summary: "List visible static segments." },
  "staticSegments.read": { roles: everyone, checks: ["target static segment visible", "database visible"], summary: "Read a static segment and its members." },
  "staticSegments.create": { roles: everyone, checks: ["database visible", "access groups assignable"], summary: "Create a static segment." },
  "staticSegments.removeMembers": { roles: everyone, checks: ["target static segment visible", "database visible"], summary: "Remove profiles from a static segment." },

  // Scenarios and mailings
  "scenarios.list": { roles: everyone, checks: [], summary: "List scenarios of visible databases." },
  "scenarios.read": { roles: everyone, checks: ["target scenario visible"], summary: "Read a scenario and its participants." },
  "scenarios.create": { roles: everyone, checks: ["database visible", "source segment visible"], summary: "Create a scenario on a database and segment." },
  "mailings.list": { roles: everyone, checks: [], summary: "List mailings of visible databases." },

  // Users (admins)
  "users.list": { roles: admins, checks: [], summary: "List users." },
  "users.create": { roles: admins, checks: [], summary: "Create a user with a role and a first password." },
  "users.update": { roles: admins, checks: [], summary: "Change a user's role or password (ends their sessions), deactivate or reactivate." },
  "users.signOut": { roles: admins, checks: [], summary: "Sign a user out everywhere (ends all their sessions)." },

  // Access groups
  "accessGroups.list": { roles: everyone, checks: ["access group: member"], summary: "See one's own groups (admins: all)." },
  "accessGroups.manage": { roles: admins, checks: [], summary: "Create, rename and delete groups; choose their leads." },
  "accessGroups.manageMembers": { roles: leads, checks: ["access group: member", "access group: lead"], summary: "Add and remove members of a group one leads." },

  // API tokens
  "apiTokens.list": { roles: everyone, checks: ["own API token"], summary: "List one's own tokens." },
  "apiTokens.create": { roles: everyone, checks: [], summary: "Create a token (shown once, stored hashed)." },
  "apiTokens.revoke": { roles: everyone, checks: ["own API token"], summary: "Revoke one's own token." },

  // The HTTP API's description
  "api.openapi": { roles: "public", checks: [], summary: "The OpenAPI document of API v1." },
} as const satisfies Record<string, PolicyEntry>;

/** Every entry: the table above and the actions on a selection (copy, bulk edit, add to scenario, export). */
export const policy = { ...table, ...selectionActionPolicy };

export type PolicyKey = keyof typeof policy;

// An action on a selection names an entry of its own, never one of the table's (tsc fails otherwise).
const _selectionKeysAreNew: [Extract<keyof typeof table, keyof typeof selectionActionPolicy>] extends [never] ? true : never = true;

/** The entries that need no session (sign-in, sign-out, the OpenAPI document). */
export type PublicPolicyKey = { [K in PolicyKey]: (typeof policy)[K]["roles"] extends "public" ? K : never }[PolicyKey];

/**
 * Route handlers that are not ours to wrap in `apiRoute` (Auth.js's own endpoints: sign-in callback,
 * session, CSRF), with the entry they stand for.
 */
export const externalRoutes: Record<string, PolicyKey> = {
  "app/api/auth/[...nextauth]/route.ts": "session.signIn",
};

export function isPolicyKey(key: string): key is PolicyKey {
  return Object.hasOwn(policy, key);
}

/** Whether the user's role allows the action (the object checks come after, in the data layer). */
export function roleAllows(user: Pick<ActingUser, "role"> | null, key: PolicyKey): boolean {
  const roles: PolicyEntry["roles"] = policy[key].roles;
  if (roles === "public") return true;
  return user !== null && roles.includes(user.role);
}

/**
 * The role part of the table as an assertion: signed out (or deactivated) → `unauthorized`, a role
 * the entry does not list → `forbidden`. Returns the user for the action's body.
 */
export function authorize(user: ActingUser | null, key: PolicyKey): ActingUser {
  const roles: PolicyEntry["roles"] = policy[key].roles;
  if (!user) throw new AppError("unauthorized", "Your session has ended. Sign in again.");
  if (roles !== "public" && !roles.includes(user.role)) throw new AppError("forbidden", forbiddenMessage(roles));
  return user;
}

function forbiddenMessage(roles: readonly UserRole[]): string {
  if (roles.length === 1 && roles[0] === "admin") return "Only admins can do this.";
  if (roles.every((r) => r === "admin" || r === "lead")) return "Only admins and team leads can do this.";
  return "Your role does not allow this.";
}

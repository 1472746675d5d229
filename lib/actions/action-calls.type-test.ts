/**
 * A type test, checked by `npm run typecheck` and never run: the actions' calls are typed from their
 * zod input, so a wrong parameter name or type in a dialog fails `tsc`, not the user. Each
 * `@ts-expect-error` fails the check if the call below it ever type-checks.
 */
import { renameAccessGroupAction } from "@/lib/access-groups/actions";
import { cloneSegmentAction } from "@/lib/dynamic-segments/actions";
import { calculateRuleAction, importConditionsAction } from "@/lib/dynamic-segments/builder-actions";
import { explainProfileAction } from "@/lib/dynamic-segments/explain-actions";
import { restoreVersionAction } from "@/lib/dynamic-segments/version-actions";
import { changeUserRoleAction, setUserActiveAction } from "@/lib/users/actions";

const rule = { databaseId: 1, range: { from: 0, to: 100 }, conditions: null, limit: null };

export async function rightCalls() {
  await cloneSegmentAction({ id: 1 });
  await calculateRuleAction({ rule, savedSegmentId: 2 });
  await changeUserRoleAction({ userId: 1, role: "lead" });
  await restoreVersionAction({ segmentId: 1, n: 2 });
}

export async function wrongCalls() {
  // @ts-expect-error the parameter is `id`, not `segmentId`
  await cloneSegmentAction({ segmentId: 1 });
  // @ts-expect-error an id is a number, not text
  await cloneSegmentAction({ id: "1" });
  // @ts-expect-error the old positional call
  await cloneSegmentAction(1);
  // @ts-expect-error `savedId` is not a parameter (it is `savedSegmentId`)
  await calculateRuleAction({ rule, savedId: 2 });
  // @ts-expect-error a rule needs its range
  await calculateRuleAction({ rule: { databaseId: 1, conditions: null, limit: null } });
  // @ts-expect-error "boss" is not a role
  await changeUserRoleAction({ userId: 1, role: "boss" });
  // @ts-expect-error `active` is a boolean
  await setUserActiveAction({ userId: 1, active: "false" });
  // @ts-expect-error the group is `groupId`
  await renameAccessGroupAction({ id: 1, name: "Team" });
  // @ts-expect-error the segment is `segmentId`
  await importConditionsAction({ id: 1 });
  // @ts-expect-error `profile` is missing
  await explainProfileAction({ rule });
  // @ts-expect-error the version is `n`
  await restoreVersionAction({ segmentId: 1, version: 2 });
}

/**
 * A type test, checked by `npm run typecheck` and never run: the selection actions' calls are typed
 * from their registry entry's schema plus the idempotency key, so a dialog that sends a wrong
 * parameter fails `tsc`. Each `@ts-expect-error` fails the check if the call below it ever type-checks.
 */
import { submitSelectionAction } from "./actions";

const source = { segmentId: 1 };
const idempotencyKey = "0123456789abcdef";

export async function rightCalls() {
  await submitSelectionAction("copy_to_static_segment", { source, target: { staticSegmentId: 2 }, idempotencyKey });
  await submitSelectionAction("bulk_edit", { source, changes: [{ kind: "subscription", channel: "sms", status: "none" }], idempotencyKey });
  await submitSelectionAction("export_profiles", { source, format: "ndjson", idempotencyKey });
}

export async function wrongCalls() {
  // @ts-expect-error the old positional call: parameters, then the key
  await submitSelectionAction("copy_to_static_segment", { source, target: { staticSegmentId: 2 } }, idempotencyKey);
  // @ts-expect-error the target is `staticSegmentId`, not `segmentId`
  await submitSelectionAction("copy_to_static_segment", { source, target: { segmentId: 2 }, idempotencyKey });
  // @ts-expect-error every submission carries its idempotency key
  await submitSelectionAction("export_profiles", { source, format: "csv" });
  // @ts-expect-error "xlsx" is not an export format
  await submitSelectionAction("export_profiles", { source, format: "xlsx", idempotencyKey });
  // @ts-expect-error "fax" is not a channel
  await submitSelectionAction("bulk_edit", { source, changes: [{ kind: "subscription", channel: "fax", status: "none" }], idempotencyKey });
  // @ts-expect-error an export's parameters do not make a copy
  await submitSelectionAction("copy_to_static_segment", { source, format: "csv", idempotencyKey });
  // @ts-expect-error there is no such action
  await submitSelectionAction("copy_to_nowhere", { source, idempotencyKey });
}

import "server-only";
/**
 * Every action on a selection: one line per definition file, which exports its registry entry
 * (`defineSelectionAction`). The registry, the permission table's rows, the job definitions and the
 * server action follow from it (docs/architecture.md, "Add a selection action").
 *
 * A written list rather than a scan of the folder: the registry's types come from these imports (the
 * kinds, each dialog's parameters, the policy keys are literal unions `tsc` checks), which a scan at run
 * time (`require.context`, `import.meta.glob`: each bundler's own, and none under `tsx`) cannot give.
 * `registry.test.ts` fails when a file declares an entry that is not listed here.
 */
export { addToScenarioEntry } from "./add-to-scenario";
export { bulkEditEntry } from "./bulk-edit";
export { copyToDatabaseEntry } from "./copy-to-database";
export { copyToStaticSegmentEntry } from "./copy-to-static-segment";
export { exportHistoryEntry } from "./export-history";
export { exportProfilesEntry } from "./export-profiles";

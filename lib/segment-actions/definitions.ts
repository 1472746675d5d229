import "server-only";
/**
 * Every action on a selection: one line per definition file, which exports its registry entry
 * (`defineSelectionAction`). The registry, the job definitions and the server action follow from it
 * (docs/architecture.md, "Add a selection action").
 */
export { addToScenarioEntry } from "./add-to-scenario";
export { bulkEditEntry } from "./bulk-edit";
export { copyToDatabaseEntry } from "./copy-to-database";
export { copyToStaticSegmentEntry } from "./copy-to-static-segment";
export { exportHistoryEntry } from "./export-history";
export { exportProfilesEntry } from "./export-profiles";

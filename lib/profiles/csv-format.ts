import { SUBSCRIPTION_COLUMNS } from "@/lib/databases/schema";

/**
 * What a profile CSV may contain, for the import form's help text and size check (client-safe).
 * The upload travels through a server action, whose body limit in next.config.ts must allow this size.
 */
export const MAX_CSV_BYTES = 50 * 1024 * 1024;
export const MAX_CSV_LABEL = "50 MB";

/** Columns every database accepts besides its own field keys. */
export const CSV_SYSTEM_COLUMNS = ["email", "phone", "first_name", "last_name", "created_at", ...SUBSCRIPTION_COLUMNS] as const;

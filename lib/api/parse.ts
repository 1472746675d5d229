import type { z } from "zod";
import { invalid } from "@/lib/errors";
import { issuesFromZod } from "@/lib/segments/script";

/** Parses with a zod schema; problems answer 400 with every issue and its path. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, message = "Some values are not valid."): z.output<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw invalid(issuesFromZod(result.error), message);
  return result.data;
}

/** The query string as a plain object (the last value of a repeated key wins). */
export function queryObject(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

/**
 * Data-layer names → API names, for issue paths of segment and rule inputs (the engine answers at the
 * rule's paths, `conditions.groups[0]…`, which a body uses as they are; only field names change case).
 */
export const SEGMENT_PATHS = { databaseId: "database_id", accessGroupIds: "access_groups" } as const;
export const DATABASE_PATHS = { accessGroupIds: "access_groups" } as const;
export const MAILING_PATHS = { databaseId: "database_id", segmentId: "segment_id" } as const;

import type { z } from "zod";
import { AppError, invalid, isAppError } from "@/lib/errors";
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

/** Data-layer names → API names, for issue paths of segment and rule inputs. */
export const SEGMENT_PATHS = { databaseId: "database_id", accessGroupIds: "access_groups" } as const;
export const DATABASE_PATHS = { accessGroupIds: "access_groups" } as const;
export const MAILING_PATHS = { databaseId: "database_id", segmentId: "segment_id" } as const;

/** Rule issues from the selection engine are Script-relative; in a request body they sit under `conditions`. */
export function ruleIssuePath(path: string): string {
  if (path === "databaseId") return "database_id";
  if (/^(range|limit)\b/.test(path) || path.startsWith("conditions")) return path;
  return path ? `conditions.${path}` : "conditions";
}

/** Runs a selection (preview, calculate) and reports its issues at their paths in the request body. */
export async function withRuleIssuePaths<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error) && error.issues.length) {
      throw new AppError(error.code, error.message, error.issues.map((i) => ({ ...i, path: ruleIssuePath(i.path) })));
    }
    throw error;
  }
}

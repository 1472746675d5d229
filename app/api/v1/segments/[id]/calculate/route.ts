import { apiRoute, json, pathId } from "@/lib/api/handler";
import { calculateSavedSegment } from "@/lib/segments/selection";

/** Calculates the saved segment now; the count and time go to its update log. */
export const POST = apiRoute<{ id: string }>("segments.calculate", async ({ db, user, params }) => {
  const { count, calculatedAt } = await calculateSavedSegment(db, user, pathId(params.id, "The segment"));
  return json({ count, calculated_at: calculatedAt.toISOString() });
});

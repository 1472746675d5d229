import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { requireVisibleDynamicSegment } from "@/lib/access/guards";
import { requireUser } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";

/**
 * Checks that the segment exists and is visible before anything streams: the pages below show
 * Suspense boundaries (analytics' skeleton on client navigation, its figures), and a 404 decided inside one would go out as a 200. Here, above the boundary, an
 * absent or invisible segment answers 404 (SPEC §3).
 */
export default async function SegmentLayout({ params, children }: { params: Promise<{ id: string }>; children: React.ReactNode }) {
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  const user = await requireUser();
  await requireVisibleDynamicSegment(await getDb(), user, id).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  return children;
}

import Link from "next/link";
import { SearchCheck } from "lucide-react";

/**
 * Where "Why is this profile in or out?" answers for one profile: the segment page's explain block
 * when the dynamic segment is known (a scenario fed by one), else the database's explain page, which
 * lists the dynamic segments of the profile's database to explain it against.
 */
export function explainProfileHref(target: { profileId: number; segmentId?: number | null; databaseId: number }): string {
  return target.segmentId
    ? `/segments/dynamic/${target.segmentId}?explain=${target.profileId}#explain-heading`
    : `/databases/${target.databaseId}/explain?profile=${target.profileId}`;
}

/** A profile row's link to its explanation; plain link, so it works without JavaScript. */
export function ExplainProfileLink(target: { profileId: number; segmentId?: number | null; databaseId: number }) {
  return (
    <Link
      href={explainProfileHref(target)}
      aria-label={`Why is profile ${target.profileId} in or out?`}
      className="inline-flex items-center gap-1 whitespace-nowrap text-sm text-primary underline-offset-4 hover:underline"
    >
      <SearchCheck aria-hidden className="size-4" />
      Why in or out?
    </Link>
  );
}

import { PageLink } from "@/components/shell/page-link";
import { getDb } from "@/db/client";
import { rangeMap } from "@/lib/analytics/range-map";
import type { ActingUser } from "@/lib/access/acting-user";
import { formatCount, formatRange } from "@/lib/format";
import { FigureCard, FigureData, FigureError } from "./figure-card";
import { loadFigure } from "./figure-result";
import { RangeMapChart } from "./range-map-chart";

export const RANGE_MAP_TITLE = "Range map";

/** Every saved segment of the database over 0–100 %: where ranges overlap and which parts are free. */
export async function RangeMapFigure({ user, segmentId }: { user: ActingUser; segmentId: number }) {
  const db = await getDb();
  const result = await loadFigure(() => rangeMap(db, user, segmentId));
  return (
    <FigureCard
      slug="range-map"
      title={RANGE_MAP_TITLE}
      description="The saved segments of this profile database you can see, each as its range. Profiles are split into ranges by a fixed key, so segments whose ranges do not overlap never share a profile."
      className="lg:col-span-2"
    >
      {!result.ok ? (
        <FigureError message={result.message} />
      ) : (
        <>
          <RangeMapChart segments={result.data.segments} />
          <dl className="grid gap-3 text-sm sm:grid-cols-2">
            <div>
              <dt className="font-medium">Free ranges</dt>
              <dd className="text-muted-foreground">
                {result.data.free.length ? result.data.free.map((r) => formatRange(r.from, r.to)).join(", ") : "None: every part of 0–100 % is used by a segment."}
              </dd>
            </div>
            <div>
              <dt className="font-medium">Overlapping this segment</dt>
              <dd className="text-muted-foreground">
                {result.data.overlapping.length ? (
                  <ul className="flex flex-wrap gap-x-1">
                    {result.data.overlapping.slice(0, 12).map((s, i, shown) => (
                      <li key={s.id}>
                        <PageLink href={`/segments/dynamic/${s.id}/analytics`} className="underline-offset-2 hover:underline">
                          {s.name}
                        </PageLink>
                        {i < shown.length - 1 ? "," : result.data.overlapping.length > shown.length ? ` and ${result.data.overlapping.length - shown.length} more` : ""}
                      </li>
                    ))}
                  </ul>
                ) : (
                  "No other segment you can see shares a part of its range."
                )}
              </dd>
            </div>
          </dl>
          {result.data.hidden ? <p className="text-sm text-muted-foreground">{formatCount(result.data.hidden)} more segments are not drawn.</p> : null}
          <FigureData
            caption={RANGE_MAP_TITLE}
            columns={["Segment", "Range", "Last count"]}
            rows={result.data.segments.map((s) => [s.current ? `${s.name} (this segment)` : s.name, formatRange(s.from, s.to), formatCount(s.count)])}
          />
        </>
      )}
    </FigureCard>
  );
}

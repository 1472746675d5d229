"use client";

import { SegmentForm } from "@/components/segments/builder/segment-form";
import { ExplainBlock } from "@/components/segments/explain/explain-block";
import { FunnelBlock } from "@/components/segments/explain/funnel-block";
import { QuickActions } from "./quick-actions";

/**
 * The segment builder with its quick actions: a client wrapper, because the actions need the form's
 * current (unsaved) rule, which only the form knows.
 */
export function SegmentFormWithActions(props: Omit<React.ComponentProps<typeof SegmentForm>, "quickActions">) {
  const { id, name } = props.initial;
  return (
    <SegmentForm
      {...props}
      ruleTools={(current) => (
        <>
          <ExplainBlock {...current} savedSegmentId={id} />
          <FunnelBlock {...current} savedSegmentId={id} />
        </>
      )}
      quickActions={({ rule, unchangedSinceSave }) => (
        <QuickActions
          source={unchangedSinceSave && id ? { source: { segmentId: id }, label: `the segment “${name}”` } : { source: { rule }, label: "this selection" }}
        />
      )}
    />
  );
}

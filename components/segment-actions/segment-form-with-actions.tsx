"use client";

import { SegmentForm } from "@/components/segments/builder/segment-form";
import { ExplainBlock } from "@/components/segments/explain/explain-block";
import { FunnelBlock } from "@/components/segments/explain/funnel-block";
import { ImpactPreview } from "@/components/segments/versions/impact-preview";
import { DependentsSaveGuard, type Dependents } from "@/components/segments/versions/save-guard";
import { QuickActions } from "./quick-actions";

/**
 * The segment builder with its quick actions: a client wrapper, because the actions need the form's
 * current (unsaved) rule, which only the form knows. On a saved segment it adds `Preview changes` for
 * unsaved edits, and a confirmation with that impact when a mailing or scenario uses the segment.
 */
export function SegmentFormWithActions({ dependents, ...props }: Omit<React.ComponentProps<typeof SegmentForm>, "quickActions" | "unsavedChangesTools"> & { dependents?: Dependents }) {
  const { id, name } = props.initial;
  const form = (
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
      unsavedChangesTools={id ? ({ rule, ruleKey }) => <ImpactPreview segmentId={id} rule={rule} ruleKey={ruleKey} /> : undefined}
    />
  );
  if (!id || !dependents) return form;
  const { rangeFrom, rangeTo, conditions, limit } = props.initial;
  return (
    <DependentsSaveGuard segmentId={id} segmentName={name} saved={{ range: { from: rangeFrom, to: rangeTo }, conditions, limit }} dependents={dependents}>
      {form}
    </DependentsSaveGuard>
  );
}

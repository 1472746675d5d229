import type { Metadata } from "next";
import { SegmentFormWithActions } from "@/components/segment-actions/segment-form-with-actions";
import { Breadcrumb, PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { e2eSlowPage } from "@/lib/e2e/slow-page";
import { loadBuilderOptions } from "@/lib/dynamic-segments/builder-options";

export const metadata: Metadata = { title: "New dynamic segment" };

type Props = { searchParams: Promise<{ database?: string }> };

export default async function NewSegment({ searchParams }: Props) {
  const user = await requireUser();
  await e2eSlowPage();
  const options = await loadBuilderOptions(await getDb(), user);
  const preselected = Number((await searchParams).database);
  const databaseId = options.databases.some((d) => d.id === preselected) ? preselected : null;
  return (
    <>
      <Breadcrumb trail={[{ href: "/segments/dynamic", label: "Dynamic segments" }]} current="New" />
      <PageHeader title="New dynamic segment" description="Pick a source, set the range and conditions, calculate, then save." />
      <SegmentFormWithActions
        options={options}
        initialCount={null}
        initial={{ name: "", databaseId, rangeFrom: 0, rangeTo: 100, conditions: null, limit: null, description: "", tags: [], accessGroupIds: [] }}
      />
    </>
  );
}

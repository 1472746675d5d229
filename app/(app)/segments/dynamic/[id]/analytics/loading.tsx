import { AnalyticsSkeleton } from "@/components/shell/skeletons";

export default function Loading() {
  return <AnalyticsSkeleton />;
}

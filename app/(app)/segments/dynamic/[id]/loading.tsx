import { BuilderSkeleton } from "@/components/shell/skeletons";

export default function Loading() {
  return <BuilderSkeleton />;
}

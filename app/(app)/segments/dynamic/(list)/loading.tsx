import { ListSkeleton } from "@/components/shell/skeletons";

export default function Loading() {
  return <ListSkeleton />;
}

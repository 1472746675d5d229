import { describe, expect, test } from "vitest";
import { pageSkeletonFor } from "./page-skeleton-for";

describe("pageSkeletonFor", () => {
  test("the list, a new segment, a saved segment and its analytics each have their skeleton", () => {
    expect(pageSkeletonFor("/segments/dynamic")).toBe("list");
    expect(pageSkeletonFor("/segments/dynamic/new")).toBe("builder");
    expect(pageSkeletonFor("/segments/dynamic/42")).toBe("builder");
    expect(pageSkeletonFor("/segments/dynamic/42/analytics")).toBe("analytics");
  });

  test("other pages, and look-alikes of these, have none", () => {
    for (const path of ["/", "/segments/static", "/segments/static/3", "/segments/dynamic/abc", "/segments/dynamic/42/analytics/x", "/databases/1/explain", "/segments/dynamicx"]) {
      expect(pageSkeletonFor(path), path).toBeNull();
    }
  });
});

import { describe, expect, it } from "vitest";
import { CI_SEED, fcSeed } from "./seed";

describe("the fast-check seed", () => {
  it("is FC_SEED when it is set, even under CI", () => {
    expect(fcSeed("t", { FC_SEED: "42" })).toBe(42);
    expect(fcSeed("t", { FC_SEED: " -7 ", CI: "true" })).toBe(-7);
  });

  it("is pinned under CI when FC_SEED is not set", () => {
    expect(fcSeed("t", { CI: "true" })).toBe(CI_SEED);
    expect(fcSeed("t", { CI: "true", FC_SEED: "" })).toBe(CI_SEED);
  });

  it("is a fresh 31-bit integer on a developer's machine", () => {
    const seeds = new Set(Array.from({ length: 5 }, () => fcSeed("t", {})));
    expect(seeds.size).toBeGreaterThan(1);
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31).toBe(true);
  });

  it("refuses an FC_SEED that is not an integer instead of silently picking another seed", () => {
    for (const bad of ["abc", "1.5", "1e3", "99999999999"]) expect(() => fcSeed("t", { FC_SEED: bad }), bad).toThrow(/FC_SEED must be an integer/);
  });
});

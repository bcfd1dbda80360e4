// The fixed fast-check seed of `npm test` (test/fast-check-seed.ts): two runs of one property draw the same values,
// so a property test that passes in CI passes on every re-run of the same commit.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

function drawn(): number[] {
  const values: number[] = [];
  fc.assert(
    fc.property(fc.integer(), (value) => {
      values.push(value);
    }),
    { numRuns: 8 },
  );
  return values;
}

describe("property tests are reproducible", () => {
  it("two runs of one property draw the same eight integers (without the global seed each run draws its own)", () => {
    expect(fc.readConfigureGlobal().seed).toBe(Number(process.env.FC_SEED ?? 20261201));
    expect(drawn()).toEqual(drawn());
  });
});

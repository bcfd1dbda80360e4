// Each region's constraints are its irredundant H-form, checked against the exact simplex as an oracle:
// every listed constraint is irredundant (max of a·x over the other listed constraints exceeds b), the
// witness is strictly inside, and `bounded` agrees with the exact simplex along every axis. (That the
// listed set describes the region is tested by the fast-check maps test and by `check`.)
import { describe, expect, it } from "vitest";
import { rat, type Rational } from "../../src/exact/rational.js";
import { exactMax } from "../../src/geometry/exact-simplex.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import { randomMlp } from "./helpers.js";
import { seededRandom } from "../../src/exact/random.js";

describe("irredundant H-forms (exact simplex oracle)", () => {
  for (const [seed, widths, box] of [
    [71, [2, 6, 6, 1], true],
    [72, [3, 5, 4, 1], false],
    [73, [2, 8, 1], false],
  ] as const) {
    it(`${widths.join("-")} ${box ? "on a box" : "over R^d"} (seed ${seed})`, async () => {
      const net = randomMlp(seededRandom(seed), [...widths]);
      const d = widths[0];
      const domain = box ? { kind: "box" as const, lo: new Array<Rational>(d).fill(rat(-2)), hi: new Array<Rational>(d).fill(rat(3)) } : undefined;
      const { regions } = await collectRegions(net, domain);
      for (const r of regions) {
        const A = r.constraints.map((c) => [...c.a]);
        const b = r.constraints.map((c) => c.b);
        r.constraints.forEach((c, i) => {
          // Strictly inside.
          expect(c.a.reduce((s, v, k) => s.add(v.mul(r.witness[k]!)), rat(0)).compare(c.b)).toBe(-1);
          // Irredundant: dropping it enlarges the set.
          const res = exactMax(A.filter((_, j) => j !== i), b.filter((_, j) => j !== i), [...c.a]);
          expect(res.status === "unbounded" || res.value.compare(c.b) > 0, `region ${r.id} constraint ${i}`).toBe(true);
        });
        // Boundedness agrees with the exact simplex in every axis direction.
        const unbounded = Array.from({ length: d }, (_, k) => [1, -1].some((s) => exactMax(A, b, Array.from({ length: d }, (_, j) => rat(j === k ? s : 0))).status === "unbounded")).some(Boolean);
        expect(r.bounded, `region ${r.id}`).toBe(!unbounded);
      }
    });
  }
});

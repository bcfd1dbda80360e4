// The certificate checker's filtered bound engine (float64 with proven error bounds): its bounds contain the
// exact forward pass at random points of the box (adversarial float weights: 53-bit mantissas, magnitudes from
// 2^-60 to 2^60, on a child box inheriting its parent's bounds, with recorded lower lines), its objective lower
// bounds are below the exact objective there; a leaf whose margin is below the float error is decided by the
// exact engine (and a leaf with no margin is rejected); and the filtered and exact engines accept and reject the
// same certificates.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat, Rational } from "../../src/exact/rational.js";
import { dyadicFromFloat64 } from "../../src/exact/float.js";
import { sequential } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import { backSubstitute, filterBox, filterNet, filteredBounds, packBounds } from "../../src/analysis/certificate-bounds.js";
import { checkVerifyCertificate } from "../../src/analysis/certificate-check.js";
import { certificateDocument } from "../../src/analysis/certificate-writer.js";
import type { VerificationProblem } from "../../src/analysis/problem.js";
import type { CertificateNode } from "../../src/analysis/certificate.js";

const exactOf = (v: number): Rational => dyadicFromFloat64(v)!.toRational();

/** A float64 weight with a full 53-bit mantissa and an exponent from −60 to 60 (or 0). */
const floatWeight = fc.oneof(
  fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: -60, max: 60 })).map(([m, e]) => m * 2 ** e),
  fc.integer({ min: -8, max: 8 }),
  fc.constant(0),
);

describe("filtered bounds contain exact forward passes", () => {
  it("fast-check: node bounds (with a parent's bounds inherited, recorded lower lines) and objective bounds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        fc.array(floatWeight, { minLength: 150, maxLength: 150 }),
        fc.array(fc.tuple(fc.integer({ min: -8, max: 8 }), fc.integer({ min: 1, max: 8 })), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 1 << 20 }), { minLength: 5, maxLength: 5 }),
        (d, hidden, pool, boxSpec, coords, slopes) => {
          let p = 0;
          const next = (): Rational => exactOf(pool[p++ % pool.length]!);
          const widths = [d, ...hidden, 2];
          const net = sequential(
            d,
            widths.slice(1).map((out, i) => ({
              weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, next)),
              bias: Array.from({ length: out }, next),
            })),
            { kind: "relu" },
          );
          const fnet = filterNet(net)!;
          expect(fnet).toBeDefined();
          const lo = boxSpec.slice(0, d).map(([a]) => rat(a, 3));
          const hi = boxSpec.slice(0, d).map(([a, w]) => rat(a, 3).add(rat(w, 5)));
          const parentBox = filterBox(lo, hi);
          const parent = filteredBounds(fnet, parentBox, 2);
          if (!parent) return; // not finite: the exact engine decides (no claim to test)
          // The child: the lower half of the box in input 0, inheriting the parent's bounds.
          const mid = lo[0]!.add(hi[0]!).div(2);
          const childHi = [mid, ...hi.slice(1)];
          const childBox = filterBox(lo, childHi);
          const child = filteredBounds(fnet, childBox, 1, packBounds(fnet, parent));
          if (!child) return;
          // Recorded lower lines (any a in [0, 1]) for the first ReLU node.
          const reluId = net.nodes.findIndex((n) => n.kind === "activation");
          const lower = new Map([[reluId, Float64Array.from({ length: net.nodes[reluId]!.size }, (_, j) => slopes[j % 5]! / (1 << 20))]]);
          const c = [1.5, -(2 ** -30) - 1];
          const lb = backSubstitute(fnet, child, childBox, net.output, Float64Array.from(c), 1, lower)[0]!;
          for (let s = 0; s < 4; s++) {
            const x = lo.map((l, i) => l.add(childHi[i]!.sub(l).mul(rat(Math.round(coords[(s * 3 + i) % 12]! * 64), 64))));
            const ev = evaluate(net, x);
            ev.values.forEach((vals, id) => {
              vals.forEach((v, j) => {
                for (const fb of [parent, child]) {
                  expect(exactOf(fb.lo[id]![j]!).compare(v)).toBeLessThanOrEqual(0);
                  expect(exactOf(fb.hi[id]![j]!).compare(v)).toBeGreaterThanOrEqual(0);
                }
              });
            });
            const y = ev.values[net.output]!;
            const objective = exactOf(c[0]!).mul(y[0]!).add(exactOf(c[1]!).mul(y[1]!));
            if (lb !== -Infinity) expect(exactOf(lb).compare(objective)).toBeLessThanOrEqual(0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a network whose weights are not all floats (1/3) or that is not all ReLU has no filtered form", () => {
    const third = sequential(1, [{ weights: [[rat(1, 3)]], bias: [rat(0)] }], { kind: "relu" });
    const leaky = sequential(1, [{ weights: [[rat(1)]], bias: [rat(0)] }, { weights: [[rat(1)]], bias: [rat(0)] }], { kind: "leaky_relu", alpha: rat(1, 8) });
    expect(filterNet(third)).toBeUndefined();
    expect(filterNet(leaky)).toBeUndefined();
  });
});

describe("the checker's two engines", () => {
  // y = relu(x) − relu(−x) + 0 = x on [1, 2] (both ReLUs stable): the exact minimum of y is 1, at x = 1.
  const net = sequential(1, [{ weights: [[rat(1)], [rat(-1)]], bias: [rat(0), rat(0)] }, { weights: [[rat(1), rat(-1)]], bias: [rat(0)] }], { kind: "relu" });
  const problemWith = (b: Rational): VerificationProblem => ({ inputSize: 1, outputSize: 1, boxes: [{ lo: [rat(1)], hi: [rat(2)] }], disjuncts: [[{ a: [rat(1)], b }]] });
  const leafCert = (p: VerificationProblem, tree: CertificateNode) => ({ kind: "json" as const, doc: JSON.parse(JSON.stringify(certificateDocument(net, p, { lowerSlopeRatio: 2 }, [{ box: 0, disjunct: 0, tree }]))) as Record<string, unknown> });

  it("a leaf whose margin (2^-60) is below the float error is proved by the exact engine", () => {
    // Unsafe: y ≤ 1 − 2^-60. Unreachable (y ≥ 1), by a margin below the float bound's rounding slack (~2^-50) and above the exact engine's (2^-70).
    const p = problemWith(rat(1).sub(new Rational(1n, 1n << 60n)));
    const r = checkVerifyCertificate(net, p, leafCert(p, { mu: ["1"] }));
    expect(r).toMatchObject({ leaves: 1, exactLeaves: 1 });
    // With a margin of 1/4 the float bound proves it alone.
    const easy = problemWith(rat(3, 4));
    expect(checkVerifyCertificate(net, easy, leafCert(easy, { mu: ["1"] }))).toMatchObject({ leaves: 1, exactLeaves: 0 });
  });

  it("a leaf with no margin (y ≤ 1 is reached at x = 1) is rejected by both engines", () => {
    const p = problemWith(rat(1));
    for (const engine of ["filtered", "exact"] as const) {
      expect(() => checkVerifyCertificate(net, p, leafCert(p, { mu: ["1"] }), "c.json", engine)).toThrow(/does not exceed Σ μ_k b_k = 1 on the leaf box/);
    }
  });

  it("split trees: both engines accept the same tree and report the same leaves", () => {
    const p = problemWith(rat(1, 2));
    const tree: CertificateNode = { split: { dim: 0, at: "3/2" }, children: [{ mu: ["1"] }, { split: { dim: 0, at: "7/4" }, children: [{ mu: ["1"] }, { mu: ["2"] }] }] };
    const filtered = checkVerifyCertificate(net, p, leafCert(p, tree), "c.json", "filtered");
    const exact = checkVerifyCertificate(net, p, leafCert(p, tree), "c.json", "exact");
    expect(filtered).toMatchObject({ leaves: 3, nodes: 5, exactLeaves: 0 });
    expect(exact).toMatchObject({ leaves: 3, nodes: 5 });
  });
});

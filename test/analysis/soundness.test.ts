// Soundness of every bound engine, differentially: for random small networks (dyadic and non-dyadic weights,
// ReLU, leaky ReLU, hardtanh, abs) and random boxes, the float bounds (safe rounding, with and without
// back-substitution, and on a child box inheriting its parent's bounds) and the exact symbolic bounds contain
// the exact forward pass at random points of the box, and the objective lower bounds are below the exact
// objective there.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat, Rational } from "../../src/exact/rational.js";
import { dyadicFromFloat64 } from "../../src/exact/float.js";
import { sequential } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import type { ActivationSpec } from "../../src/network/ir.js";
import { floatNet } from "../../src/analysis/float-net.js";
import { propagate } from "../../src/analysis/float-bounds.js";
import { objectiveLowerBound } from "../../src/analysis/float-back-substitution.js";
import { exactPropagate, exactObjectiveLowerBound } from "../../src/analysis/exact-bounds.js";
import { floorFloat, ceilFloat } from "../../src/analysis/float-round.js";

const activations: ActivationSpec[] = [
  { kind: "relu" },
  { kind: "leaky_relu", alpha: rat(1, 10) },
  { kind: "hardtanh", min: rat(-1), max: rat(1) },
  { kind: "abs" },
];

const weight = fc.oneof(
  fc.integer({ min: -40, max: 40 }).map((n) => rat(n, 8)),
  fc.tuple(fc.integer({ min: -30, max: 30 }), fc.integer({ min: 1, max: 9 })).map(([p, q]) => rat(p, q)),
);

describe("bound engines contain exact forward passes", () => {
  it("fast-check: float (safe rounding, ± back-substitution) and exact symbolic bounds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: activations.length - 1 }),
        fc.array(weight, { minLength: 200, maxLength: 200 }),
        fc.array(fc.tuple(fc.integer({ min: -8, max: 8 }), fc.integer({ min: 1, max: 8 })), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (d, hidden, act, pool, boxSpec, coords) => {
          let p = 0;
          const next = (): Rational => pool[p++ % pool.length]!;
          const widths = [d, ...hidden, 2];
          const net = sequential(
            d,
            widths.slice(1).map((out, i) => ({
              weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, next)),
              bias: Array.from({ length: out }, next),
            })),
            activations[act]!,
          );
          const lo = boxSpec.slice(0, d).map(([a]) => rat(a, 4));
          const hi = boxSpec.slice(0, d).map(([a, w]) => rat(a, 4).add(rat(w, 3)));
          const fbox = { lo: Float64Array.from(lo.map(floorFloat)), hi: Float64Array.from(hi.map(ceilFloat)) };
          const fn = floatNet(net);
          const plain = propagate(fn, fbox);
          // A child box (the lower half in every input) inheriting the parent's bounds.
          const parent = propagate(fn, fbox, { refine: true });
          const mid = Float64Array.from(fbox.lo, (l, i) => (l + fbox.hi[i]!) / 2);
          const child = propagate(fn, { lo: fbox.lo, hi: mid }, { refine: true, inherit: parent });
          const refined = parent;
          const dbox = { lo: Array.from(fbox.lo, (v) => dyadicFromFloat64(v)!), hi: Array.from(fbox.hi, (v) => dyadicFromFloat64(v)!) };
          const exact = exactPropagate(net, dbox, { refine: true });
          const c = [rat(1), rat(-3, 2)];
          const lbFloat = objectiveLowerBound(fn, refined, fbox, [1, -1.5]).bound;
          const lbExact = exactObjectiveLowerBound(net, exact, dbox, c);
          for (let s = 0; s < 4; s++) {
            const x = lo.map((l, i) => l.add(hi[i]!.sub(l).mul(rat(Math.round(coords[(s * 3 + i) % 12]! * 64), 64))));
            const ev = evaluate(net, x);
            ev.values.forEach((vals, id) => {
              vals.forEach((v, j) => {
                for (const fb of [plain, refined]) {
                  expect(dyadicFromFloat64(fb.lo[id]![j]!)!.toRational().compare(v)).toBeLessThanOrEqual(0);
                  expect(dyadicFromFloat64(fb.hi[id]![j]!)!.toRational().compare(v)).toBeGreaterThanOrEqual(0);
                }
                expect(exact.lo[id]![j]!.toRational().compare(v)).toBeLessThanOrEqual(0);
                expect(exact.hi[id]![j]!.toRational().compare(v)).toBeGreaterThanOrEqual(0);
              });
            });
            // The same point pulled into the child box, against the child's inherited bounds.
            const xc = x.map((v, i) => {
              const m = dyadicFromFloat64(mid[i]!)!.toRational();
              return v.compare(m) > 0 ? m : v;
            });
            evaluate(net, xc).values.forEach((vals, id) =>
              vals.forEach((v, j) => {
                expect(dyadicFromFloat64(child.lo[id]![j]!)!.toRational().compare(v)).toBeLessThanOrEqual(0);
                expect(dyadicFromFloat64(child.hi[id]![j]!)!.toRational().compare(v)).toBeGreaterThanOrEqual(0);
              }),
            );
            const obj = c[0]!.mul(ev.output[0]!).add(c[1]!.mul(ev.output[1]!));
            expect(dyadicFromFloat64(lbFloat)!.toRational().compare(obj)).toBeLessThanOrEqual(0);
            expect(lbExact.compare(obj)).toBeLessThanOrEqual(0);
          }
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });
});

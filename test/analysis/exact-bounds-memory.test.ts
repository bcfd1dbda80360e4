// exactPropagate keeps a node's symbolic expressions only while a later node reads them (blockPlan): a last
// ReLU layer gets no expressions at all, and an affine node whose expressions nobody reads is bounded row by row.
// The bounds must not depend on that: the same network with one more affine layer after its last ReLU (which
// makes every earlier node keep its expressions) is the reference. With small integer weights no expression
// outgrows PRECISION bits, so the two must agree exactly; soundness.test.ts checks containment in general.
// The passes also stop at an installed deadline.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat } from "../../src/exact/rational.js";
import { Dyadic } from "../../src/exact/dyadic.js";
import { NetworkBuilder } from "../../src/network/build.js";
import { exactPropagate } from "../../src/analysis/exact-bounds.js";
import { DeadlineError, withDeadline } from "../../src/geometry/deadline.js";
import type { Network } from "../../src/network/ir.js";

const small = fc.integer({ min: -3, max: 3 }).map((n) => rat(n));

/** input(d) → affine → relu → affine → relu [→ affine(1), the reader that makes everything keep its expressions]. */
function build(d: number, widths: readonly [number, number], w: readonly ReturnType<typeof rat>[], withReader: boolean): Network {
  let p = 0;
  const next = () => w[p++ % w.length]!;
  const b = new NetworkBuilder(d);
  let prev = d;
  for (const n of widths) {
    b.affine(Array.from({ length: n }, () => Array.from({ length: prev }, next)), Array.from({ length: n }, next));
    b.activation({ kind: "relu" });
    prev = n;
  }
  if (withReader) b.affine([Array.from({ length: prev }, next)], [next()]);
  return b.build();
}

describe("exactPropagate keeps expressions only while they are read", () => {
  it("fast-check: the bounds of every node equal those of the same network with a reader after its last ReLU", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
        fc.array(small, { minLength: 60, maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: -4, max: 4 }), fc.integer({ min: 1, max: 4 })), { minLength: 4, maxLength: 4 }),
        (d, widths, w, boxSpec) => {
          const box = { lo: boxSpec.slice(0, d).map(([a]) => Dyadic.fromInt(a)), hi: boxSpec.slice(0, d).map(([a, s]) => Dyadic.fromInt(a + s)) };
          const plain = exactPropagate(build(d, widths, w, false), box, { refine: true });
          const read = exactPropagate(build(d, widths, w, true), box, { refine: true });
          expect(plain.lo.length).toBe(5);
          for (let id = 0; id < 5; id++) {
            expect(plain.lo[id]!.map(String)).toEqual(read.lo[id]!.map(String));
            expect(plain.hi[id]!.map(String)).toEqual(read.hi[id]!.map(String));
          }
        },
      ),
    );
  });

  it("stops with a DeadlineError when the deadline has passed", () => {
    const net = build(3, [4, 4], [rat(1), rat(-2), rat(3)], false);
    const box = { lo: [Dyadic.fromInt(-1), Dyadic.fromInt(-1), Dyadic.fromInt(-1)], hi: [Dyadic.ONE, Dyadic.ONE, Dyadic.ONE] };
    expect(() => withDeadline(() => true, () => exactPropagate(net, box, { refine: true }))).toThrow(DeadlineError);
    expect(exactPropagate(net, box, { refine: true }).lo.length).toBe(5);
  });
});

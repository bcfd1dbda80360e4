// A ReLU split's child keeps the refined bounds of the affine nodes up to the one feeding the split ReLU
// (`refinedThrough`, float-bounds.ts): they are what refining them again would give. Checked differentially against
// the child refined everywhere (the rule without the shortcut), bit for bit, on random deep networks and splits.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { floatNet } from "../../src/analysis/float-net.js";
import { propagate, propagateInherited, type FloatBounds } from "../../src/analysis/float-bounds.js";
import { LOWER_SLOPE_RATIO } from "../../src/analysis/branch-and-bound.js";

const weight = fc.integer({ min: -40, max: 40 }).map((n) => rat(n, 16));

describe("the child of a ReLU split inherits its earlier layers' refinement", () => {
  it("fast-check: the same bounds with and without refinedThrough, splits at every layer", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 2, maxLength: 4 }),
        fc.array(weight, { minLength: 300, maxLength: 300 }),
        fc.nat(),
        fc.boolean(),
        (hidden, pool, choice, active) => {
          let p = 0;
          const next = (): Rational => pool[p++ % pool.length]!;
          const widths = [3, ...hidden, 2];
          const net = sequential(
            3,
            widths.slice(1).map((out, i) => ({ weights: Array.from({ length: out }, () => Array.from({ length: widths[i]! }, next)), bias: Array.from({ length: out }, next) })),
            { kind: "relu" },
          );
          const fn = floatNet(net);
          const box = { lo: Float64Array.of(-1, -1, -1), hi: Float64Array.of(1, 1, 1) };
          const options = { refine: true, lowerSlopeRatio: LOWER_SLOPE_RATIO };
          const parent = propagate(fn, box, options);
          // The unstable ReLUs of the parent: pick one to split.
          const unstable: { node: number; neuron: number; feeds: number }[] = [];
          fn.nodes.forEach((node, id) => {
            if (node.kind !== "activation") return;
            for (let j = 0; j < node.size; j++) if (parent.lo[node.input]![j]! < 0 && parent.hi[node.input]![j]! > 0) unstable.push({ node: id, neuron: j, feeds: node.input });
          });
          if (unstable.length === 0) return;
          const pick = unstable[choice % unstable.length]!;
          const phases = [{ node: pick.node, neuron: pick.neuron, active }];
          const inherit = { lo: parent.lo, hi: parent.hi };
          const full = propagateInherited(fn, box, { ...options, inherit, phases });
          const short = propagateInherited(fn, box, { ...options, inherit, phases, refinedThrough: pick.feeds });
          const same = (a: FloatBounds, b: FloatBounds) => {
            expect(b.empty).toBe(a.empty);
            expect(b.lo.map((v) => Array.from(v))).toEqual(a.lo.map((v) => Array.from(v)));
            expect(b.hi.map((v) => Array.from(v))).toEqual(a.hi.map((v) => Array.from(v)));
            expect(b.unstable).toBe(a.unstable);
          };
          same(full, short);
          // And a grandchild: a second split after the first, inheriting the child's bounds.
          if (full.empty) return;
          const more = unstable.filter((u) => u !== pick && full.lo[u.feeds]![u.neuron]! < 0 && full.hi[u.feeds]![u.neuron]! > 0);
          if (more.length === 0) return;
          const second = more[choice % more.length]!;
          const phases2 = [...phases, { node: second.node, neuron: second.neuron, active: !active }];
          const inherit2 = { lo: full.lo, hi: full.hi };
          same(propagateInherited(fn, box, { ...options, inherit: inherit2, phases: phases2 }), propagateInherited(fn, box, { ...options, inherit: inherit2, phases: phases2, refinedThrough: second.feeds }));
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

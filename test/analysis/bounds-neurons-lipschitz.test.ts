// bounds, neurons and lipschitz against values computed here by hand or by an independent 1-D sweep.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadNetwork } from "../../src/formats/load.js";
import "../../src/formats/index.js";
import { rat, Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import { outputBounds } from "../../src/analysis/bounds.js";
import { classifyNeurons, dataActivity } from "../../src/analysis/neurons.js";
import { lipschitzConstant } from "../../src/analysis/lipschitz.js";

const TEST = fileURLToPath(new URL("../../fixtures/vnncomp/test", import.meta.url));
const box = (lo: number, hi: number) => ({ kind: "box" as const, lo: [rat(lo)], hi: [rat(hi)] });

describe("bounds", () => {
  it("test_small on [-1, 1] is exactly 61/2 to 157/2, each attained", async () => {
    const net = loadNetwork(`${TEST}/test_small.onnx`);
    const r = await outputBounds(net, box(-1, 1));
    expect(r.complete).toBe(true);
    const o = r.outputs[0]!;
    expect(o.min.kind === "attained" && o.min.value.toFraction()).toBe("61/2");
    expect(o.max.kind === "attained" && o.max.value.toFraction()).toBe("157/2");
    if (o.min.kind === "attained") expect(evaluate(net, o.min.point).output[0]!.toFraction()).toBe("61/2");
    if (o.max.kind === "attained") expect(evaluate(net, o.max.point).output[0]!.toFraction()).toBe("157/2");
  });

  it("a kink inside the domain: |x| − 1/2 on [-1, 2] has min −1/2 at 0 and max 3/2 at 2", async () => {
    // relu(x) + relu(−x) − 1/2.
    const net = sequential(1, [
      { weights: [[rat(1)], [rat(-1)]], bias: [rat(0), rat(0)] },
      { weights: [[rat(1), rat(1)]], bias: [rat(-1, 2)] },
    ]);
    const r = await outputBounds(net, box(-1, 2));
    const o = r.outputs[0]!;
    expect(o.min.kind === "attained" && [o.min.value.toFraction(), o.min.point[0]!.toFraction()]).toEqual(["-1/2", "0"]);
    expect(o.max.kind === "attained" && [o.max.value.toFraction(), o.max.point[0]!.toFraction()]).toEqual(["3/2", "2"]);
  });
});

describe("neurons", () => {
  // Hidden neuron 0: w = 0, b = −1 (never active). Neuron 1: x + 2 ≥ 1 on [-1, 1] (always active).
  // Neuron 2: x (unstable: negative at −1, positive at 1).
  const net = sequential(1, [
    { weights: [[rat(0)], [rat(1)], [rat(1)]], bias: [rat(-1), rat(2), rat(0)] },
    { weights: [[rat(1), rat(1), rat(1)]], bias: [rat(0)] },
  ]);

  it("w = 0, b < 0 is dead and x + 2 on [-1, 1] is always active, both proved by exact bounds", async () => {
    const r = await classifyNeurons(net, box(-1, 1));
    const [dead, active, unstable] = r.neurons;
    expect(dead!.status).toBe("dead");
    expect(dead!.proof).toBe("bounds");
    expect(dead!.preActivation!.hi.compare(0)).toBeLessThanOrEqual(0);
    expect(active!.status).toBe("always-active");
    expect(active!.proof).toBe("bounds");
    expect(active!.preActivation!.lo.compare(0)).toBeGreaterThanOrEqual(0);
    // Witnesses, checked by hand: the pre-activations at the witness points.
    for (const w of dead!.witnesses) expect(w.piece).toBe(0);
    for (const w of active!.witnesses) expect(w.point[0]!.add(2).compare(0)).toBeGreaterThan(0);
    expect(unstable!.status).toBe("unstable");
    const sides = unstable!.witnesses.map((w) => [w.piece, Math.sign(w.point[0]!.valueOf())]);
    expect(sides.sort()).toEqual([[0, -1], [1, 1]]);
    expect(r.counts).toMatchObject({ dead: 1, "always-active": 1, unstable: 1, undecided: 0 });
  });

  it("--timeout covers the bounds and the sampling too: out of time, the unproved neurons are undecided and the answer says complete: false", async () => {
    const r = await classifyNeurons(net, box(-1, 1), { timeoutMs: 0 });
    expect(r.complete).toBe(false);
    // Nothing ran: no bounds, no witness (the box's centre x = 0 is on neuron 2's breakpoint, and not even it is taken).
    expect(r.counts.undecided).toBe(3);
    const full = await classifyNeurons(net, box(-1, 1), { timeoutMs: 60_000 });
    expect(full.complete).toBe(true);
    expect(full.counts.undecided).toBe(0);
  });

  it("on data: activity counts, never-active neurons and the share of active neurons per row", () => {
    const a = dataActivity(net, [[rat(-1, 2)], [rat(1, 2)], [rat(1)]]);
    expect(a.activeCounts).toEqual([[0, 3, 2]]);
    expect(a.deadOnData).toEqual([{ layer: 0, neuron: 0 }]);
    expect(a.activeShare.map((s) => s.toFraction())).toEqual(["1/3", "2/3", "2/3"]);
  });
});

/** Independent 1-D sweep: breakpoints −b_k/w_k, the slope Σ v_k w_k over active k at each piece's midpoint. */
function maxAbsSlope(w: Rational[], b: Rational[], v: Rational[], lo: Rational, hi: Rational): Rational {
  const cuts = w.flatMap((wk, k) => (wk.n === 0n ? [] : [b[k]!.neg().div(wk)])).filter((x) => x.compare(lo) > 0 && x.compare(hi) < 0);
  const pts = [lo, ...cuts.sort((p, q) => p.compare(q)), hi];
  let best = rat(0);
  for (let i = 0; i + 1 < pts.length; i++) {
    if (pts[i]!.equals(pts[i + 1]!)) continue;
    const mid = pts[i]!.add(pts[i + 1]!).div(2);
    let slope = rat(0);
    w.forEach((wk, k) => {
      if (wk.mul(mid).add(b[k]!).compare(0) > 0) slope = slope.add(v[k]!.mul(wk));
    });
    if (slope.abs().compare(best) > 0) best = slope.abs();
  }
  return best;
}

describe("lipschitz", () => {
  it("fast-check: one hidden layer in 1-D, the l-inf (and l1) constant is the largest |slope| of the pieces", async () => {
    const small = fc.integer({ min: -6, max: 6 }).map((n) => rat(n, 2));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(small, small, small), { minLength: 1, maxLength: 5 }), async (rows) => {
        const w = rows.map((r) => r[0]);
        const b = rows.map((r) => r[1]);
        const v = rows.map((r) => r[2]);
        const net = sequential(1, [
          { weights: w.map((x) => [x]), bias: b },
          { weights: [v], bias: [rat(0)] },
        ]);
        const expected = maxAbsSlope(w, b, v, rat(-2), rat(3));
        const inf = await lipschitzConstant(net, box(-2, 3), "inf");
        const one = await lipschitzConstant(net, box(-2, 3), "1");
        expect(inf.constant.toFraction()).toBe(expected.toFraction());
        expect(one.constant.toFraction()).toBe(expected.toFraction());
        expect(inf.complete).toBe(true);
      }),
      { numRuns: 40, seed: 6 },
    );
  });
});

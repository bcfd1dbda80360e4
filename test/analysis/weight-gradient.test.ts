// Exact weight gradients against an independent oracle written here: forward-mode (dual-number) derivatives
// per weight on random rational layered nets, where a tied neuron takes the piece its tangent points to (the
// right derivative seeds +1 on the weight, the left one -1). Ties are forced by choosing biases that put a
// pre-activation exactly on a breakpoint; on a hand net the one-sided derivatives are also checked against
// difference quotients of the network itself (exact for the piecewise-quadratic loss on one side of a kink).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat, ZERO, type Rational } from "../../src/exact/rational.js";
import { NetworkBuilder } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import type { ActivationSpec } from "../../src/network/ir.js";
import { dataWeightGradient, weightGradient, type GradientLoss } from "../../src/analysis/weight-gradient.js";
import { LimitError } from "../../src/errors.js";

interface Layer { W: Rational[][]; b: Rational[] }
/** The test's own view of an activation: breakpoints and slopes (intercepts follow from continuity). */
interface Act { spec: ActivationSpec; breakpoints: Rational[]; slopes: Rational[]; at0: Rational }

const ACTS: Act[] = [
  { spec: { kind: "relu" }, breakpoints: [ZERO], slopes: [ZERO, rat(1)], at0: ZERO },
  { spec: { kind: "leaky_relu", alpha: rat(1, 10) }, breakpoints: [ZERO], slopes: [rat(1, 10), rat(1)], at0: ZERO },
  { spec: { kind: "abs" }, breakpoints: [ZERO], slopes: [rat(-1), rat(1)], at0: ZERO },
  { spec: { kind: "clip", min: rat(-1), max: rat(2) }, breakpoints: [rat(-1), rat(2)], slopes: [ZERO, rat(1), ZERO], at0: ZERO },
];

/** σ(v) for a continuous PWL function given by breakpoints and slopes with σ(0) = at0 (0 lies in a piece's closure). */
function act(a: Act, v: Rational): Rational {
  // integrate the slopes from 0 to v
  const pts = [...a.breakpoints];
  let value = a.at0;
  const lo = v.compare(0) < 0 ? v : ZERO;
  const hi = v.compare(0) < 0 ? ZERO : v;
  const cuts = [lo, ...pts.filter((p) => p.compare(lo) > 0 && p.compare(hi) < 0), hi];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const mid = cuts[i]!.add(cuts[i + 1]!).div(2);
    const piece = pts.filter((p) => p.compare(mid) < 0).length;
    const len = cuts[i + 1]!.sub(cuts[i]!);
    value = v.compare(0) < 0 ? value.sub(a.slopes[piece]!.mul(len)) : value.add(a.slopes[piece]!.mul(len));
  }
  return value;
}

/** Forward mode: (value, tangent) through the layers with weight (l, r, c) (c = -1: the bias) seeded by `seed`. */
function dual(layers: Layer[], acts: Act[], x: Rational[], at: [number, number, number], seed: Rational): { y: Rational[]; ty: Rational[] } {
  let v = x;
  let t = x.map(() => ZERO);
  layers.forEach((L, l) => {
    const z = L.W.map((row, r) => row.reduce((s, w, c) => s.add(w.mul(v[c]!)), L.b[r]!));
    const tz = L.W.map((row, r) => {
      let s = row.reduce((acc, w, c) => acc.add(w.mul(t[c]!)), ZERO);
      if (l === at[0] && r === at[1]) s = s.add(at[2] < 0 ? seed : seed.mul(v[at[2]]!));
      return s;
    });
    if (l === layers.length - 1) {
      v = z;
      t = tz;
      return;
    }
    const a = acts[l]!;
    v = z.map((zi) => act(a, zi));
    t = tz.map((ti, i) => {
      const zi = z[i]!;
      let piece = a.breakpoints.filter((p) => p.compare(zi) < 0).length;
      if (a.breakpoints.some((p) => p.equals(zi)) && ti.compare(0) > 0) piece++;
      return ti.mul(a.slopes[piece]!);
    });
  });
  return { y: v, ty: t };
}

function lossTangent(loss: GradientLoss, y: Rational[], ty: Rational[]): Rational {
  if (loss.kind === "output-weights") return ty.reduce((s, v, k) => s.add(v.mul(loss.weights[k]!)), ZERO);
  return ty.reduce((s, v, k) => s.add(v.mul(y[k]!.sub(loss.target[k]!)).mul(rat(2, y.length))), ZERO);
}

function build(n: number, layers: Layer[], acts: Act[]) {
  const b = new NetworkBuilder(n);
  layers.forEach((L, l) => {
    b.affine(L.W, L.b);
    if (l < layers.length - 1) b.activation(acts[l]!.spec);
  });
  return b.build();
}

/** Compare every weight's and bias's one-sided derivatives with the dual-number oracle. */
function expectOracle(layers: Layer[], acts: Act[], x: Rational[], loss: GradientLoss): void {
  const g = weightGradient(build(x.length, layers, acts), x, loss);
  layers.forEach((L, l) => {
    L.W.forEach((row, r) => {
      for (let c = -1; c < row.length; c++) {
        const right = dual(layers, acts, x, [l, r, c], rat(1));
        const left = dual(layers, acts, x, [l, r, c], rat(-1));
        const expected = { right: lossTangent(loss, right.y, right.ty), left: lossTangent(loss, left.y, left.ty).neg() };
        const got = c < 0 ? g.dense[l]!.bias[r]! : g.dense[l]!.weights[r]![c]!;
        expect([got.right.toFraction(), got.left.toFraction()], `layer ${l} row ${r} col ${c}`).toEqual([expected.right.toFraction(), expected.left.toFraction()]);
      }
    });
  });
}

const small = fc.integer({ min: -3, max: 3 }).chain((n) => fc.integer({ min: 1, max: 3 }).map((d) => rat(n, d)));
const matrix = (rows: number, cols: number) => fc.array(fc.array(small, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
const layer = (rows: number, cols: number) => fc.record({ W: matrix(rows, cols), b: fc.array(small, { minLength: rows, maxLength: rows }) });

describe("weightGradient against forward-mode dual numbers", () => {
  it("random rational nets, random activations, mse and output-weight losses", () => {
    fc.assert(
      fc.property(
        layer(3, 2), layer(2, 3), layer(2, 2), fc.array(small, { minLength: 2, maxLength: 2 }),
        fc.constantFrom(...ACTS), fc.constantFrom(...ACTS), fc.array(small, { minLength: 2, maxLength: 2 }), fc.boolean(),
        (l1, l2, l3, x, a1, a2, t, useMse) => {
          const loss: GradientLoss = useMse ? { kind: "mse", target: t } : { kind: "output-weights", weights: t };
          expectOracle([l1, l2, l3], [a1, a2], x, loss);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("random nets with ties forced in both hidden layers: one-sided derivatives match the oracle", () => {
    fc.assert(
      fc.property(
        layer(3, 2), layer(2, 3), layer(1, 2), fc.array(small, { minLength: 2, maxLength: 2 }), fc.constantFrom(...ACTS), fc.constantFrom(...ACTS),
        fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 }), small, fc.boolean(),
        (l1, l2, l3, x, a1, a2, tie1, tie2, t, useMse) => {
          // put neuron tie1 of layer 1 and neuron tie2 of layer 2 exactly on a breakpoint
          const bp1 = a1.breakpoints[0]!;
          l1.b[tie1] = bp1.sub(l1.W[tie1]!.reduce((s, w, c) => s.add(w.mul(x[c]!)), ZERO));
          const h = l1.W.map((row, r) => act(a1, row.reduce((s, w, c) => s.add(w.mul(x[c]!)), l1.b[r]!)));
          const bp2 = a2.breakpoints[a2.breakpoints.length - 1]!;
          l2.b[tie2] = bp2.sub(l2.W[tie2]!.reduce((s, w, c) => s.add(w.mul(h[c]!)), ZERO));
          const net = build(2, [l1, l2, l3], [a1, a2]);
          expect(evaluate(net, x).ties.length).toBeGreaterThanOrEqual(2);
          const loss: GradientLoss = useMse ? { kind: "mse", target: [t] } : { kind: "output-weights", weights: [t] };
          expectOracle([l1, l2, l3], [a1, a2], x, loss);
        },
      ),
      { numRuns: 60 },
    );
  });
});

const SEED: Layer[] = [
  { W: [[rat(1), rat(-2)], [rat(-1), rat(1)], [rat(2), rat(1)]], b: [ZERO, rat(1), rat(-2)] },
  { W: [[rat(1), rat(1, 3), rat(1, 10)]], b: [ZERO] },
];

describe("the seed network by hand", () => {
  it("at (3, 1/2) with mse to 2: dL/dy = 2(y - t) = 9/10, inactive neuron 1 gets no update, active rows are dL/dz · x", () => {
    // z = (2, -3/2, 9/2), y = 2 + 0 + 9/20 = 49/20, dL/dy = 9/10; dL/dz = (9/10·1, 0, 9/10·1/10)
    const g = weightGradient(build(2, SEED, [ACTS[0]!]), [rat(3), rat(1, 2)], { kind: "mse", target: [rat(2)] });
    expect(g.loss.toFraction()).toBe("81/400");
    const row = (r: number) => g.dense[0]!.weights[r]!.map((d) => d.right.toFraction());
    expect(row(0)).toEqual(["27/10", "9/20"]);
    expect(row(1)).toEqual(["0", "0"]);
    expect(row(2)).toEqual(["27/100", "9/200"]);
    expect(g.dense[1]!.weights[0]!.map((d) => d.right.toFraction())).toEqual(["9/5", "0", "81/20"]);
    expect(g.neurons.map((n) => n.noUpdate)).toEqual([false, true, false]);
    expect(g.differentiable).toBe(true);
  });

  it("at the tie (2, 1) the one-sided derivatives equal exact difference quotients of the network", () => {
    // neurons 0 and 1 are tied (z = 0). For loss (y - 1)^2 the loss along one weight is quadratic on each side
    // of the kink, so (4φ(ε) - φ(2ε) - 3φ(0)) / (2ε) is exactly the one-sided derivative for small ε.
    const x = [rat(2), rat(1)];
    const loss: GradientLoss = { kind: "mse", target: [rat(1)] };
    const g = weightGradient(build(2, SEED, [ACTS[0]!]), x, loss);
    expect(g.differentiable).toBe(false);
    const eps = rat(1, 1000);
    const phi = (l: number, r: number, c: number, d: Rational): Rational => {
      const layers = SEED.map((L) => ({ W: L.W.map((row) => [...row]), b: [...L.b] }));
      if (c < 0) layers[l]!.b[r] = layers[l]!.b[r]!.add(d);
      else layers[l]!.W[r]![c] = layers[l]!.W[r]![c]!.add(d);
      const y = evaluate(build(2, layers, [ACTS[0]!]), x).output[0]!;
      return y.sub(1).pow(2);
    };
    for (const [l, r, c] of [[0, 0, 0], [0, 0, 1], [0, 0, -1], [0, 1, 0], [0, 1, -1], [0, 2, 1], [1, 0, 0], [1, 0, 2]] as const) {
      const quotient = (s: Rational) => (phi(l, r, c, s).mul(4).sub(phi(l, r, c, s.mul(2))).sub(phi(l, r, c, ZERO).mul(3)).div(s.mul(2)));
      const right = quotient(eps);
      const left = quotient(eps.neg());
      const got = c < 0 ? g.dense[l]!.bias[r]! : g.dense[l]!.weights[r]![c]!;
      expect([got.right.toFraction(), got.left.toFraction()], `${l},${r},${c}`).toEqual([right.toFraction(), left.toFraction()]);
    }
    // the tied neuron 0's weight w00 (x0 = 2 > 0): right derivative uses the active side, left the inactive
    expect(g.dense[0]!.weights[0]![0]!.left.toFraction()).toBe("0");
  });

  it("--data sums the per-row one-sided derivatives and names the neurons no row updated", () => {
    const net = build(2, SEED, [ACTS[0]!]);
    // neuron 1 (z = -x1 + x2 + 1) is inactive on both rows
    const rows = [{ input: [rat(3), rat(1, 2)], target: [rat(2)] }, { input: [rat(2), rat(1)], target: [rat(0)] }];
    const d = dataWeightGradient(net, rows);
    const singles = rows.map((row) => weightGradient(net, row.input, { kind: "mse", target: row.target }));
    d.dense.forEach((layer, k) => layer.weights.forEach((row, r) => row.forEach((got, c) => {
      const sum = singles.reduce((s, g) => ({ right: s.right.add(g.dense[k]!.weights[r]![c]!.right), left: s.left.add(g.dense[k]!.weights[r]![c]!.left) }), { right: ZERO, left: ZERO });
      expect([got.right.toFraction(), got.left.toFraction()]).toEqual([sum.right.toFraction(), sum.left.toFraction()]);
    })));
    // on the row (2, 1) neuron 1 is tied (z = 0): its right derivative moves it, so it is not "no update"
    expect(d.noUpdate).toEqual([]);
    expect(d.neverActive).toEqual([{ layer: 0, neuron: 1 }]);
    expect(d.rowsWithTies).toBe(1);
    const strict = dataWeightGradient(net, [rows[0]!, { input: [rat(4), rat(0)], target: [rat(1)] }]);
    expect(strict.noUpdate).toEqual([{ layer: 0, neuron: 1 }]);
    expect(strict.differentiable).toBe(true);
  });

  it("one-sided derivatives past the work limit are refused with a LimitError naming the count", () => {
    const net = build(2, SEED, [ACTS[0]!]);
    expect(() => weightGradient(net, [rat(2), rat(1)], { kind: "output-weights", weights: [rat(1)] }, { maxTieWork: 10 })).toThrow(LimitError);
    expect(() => weightGradient(net, [rat(2), rat(1)], { kind: "output-weights", weights: [rat(1)] }, { maxTieWork: 10 })).toThrow(/2 tied neuron\(s\) need one-sided derivatives costing ~\d+ multiply-adds, above the limit 10/);
    // without ties the limit does not apply
    expect(weightGradient(net, [rat(3), rat(1, 2)], { kind: "output-weights", weights: [rat(1)] }, { maxTieWork: 10 }).differentiable).toBe(true);
  });

  it("leaky ReLU keeps a gradient where ReLU has none", () => {
    const g = weightGradient(build(2, SEED, [ACTS[1]!]), [rat(3), rat(1, 2)], { kind: "output-weights", weights: [rat(1)] });
    // neuron 1 inactive: slope 1/10, dL/da = 1/3, dL/dz = 1/30, ∇w = (1/10, 1/60)
    expect(g.dense[0]!.weights[1]!.map((d) => d.right.toFraction())).toEqual(["1/10", "1/60"]);
    expect(g.neurons[1]!.noUpdate).toBe(false);
  });
});

describe("DAG networks (a skip connection through concat)", () => {
  it("every derivative equals the exact Richardson quotient (4φ(ε) − φ(2ε) − 3φ(0))/(2ε) of the network itself", () => {
    fc.assert(
      fc.property(layer(3, 2), layer(1, 5), fc.array(small, { minLength: 2, maxLength: 2 }), small, (l1, l2, x, t) => {
        const make = (W1: Rational[][], b1: Rational[], W2: Rational[][], b2: Rational[]) => {
          const b = new NetworkBuilder(2);
          const h = b.affine(W1, b1);
          const a = b.activation({ kind: "leaky_relu", alpha: rat(1, 4) }, h);
          b.affine(W2, b2, [a, 0]);
          return b.build();
        };
        const net = make(l1.W, l1.b, l2.W, l2.b);
        const ev = evaluate(net, x);
        fc.pre(ev.ties.length === 0);
        const g = weightGradient(net, x, { kind: "mse", target: [t] });
        const eps = rat(1, 10 ** 9);
        const params: [number, number, number][] = [];
        l1.W.forEach((row, r) => row.forEach((_, c) => params.push([0, r, c])));
        l1.b.forEach((_, r) => params.push([0, r, -1]));
        l2.W[0]!.forEach((_, c) => params.push([1, 0, c]));
        params.push([1, 0, -1]);
        for (const [l, r, c] of params) {
          const phi = (d: Rational): Rational => {
            const L = [l1, l2].map((L) => ({ W: L.W.map((row) => [...row]), b: [...L.b] }));
            if (c < 0) L[l]!.b[r] = L[l]!.b[r]!.add(d);
            else L[l]!.W[r]![c] = L[l]!.W[r]![c]!.add(d);
            return evaluate(make(L[0]!.W, L[0]!.b, L[1]!.W, L[1]!.b), x).output[0]!.sub(t).pow(2);
          };
          const q = phi(eps).mul(4).sub(phi(eps.mul(2))).sub(phi(ZERO).mul(3)).div(eps.mul(2));
          const got = c < 0 ? g.dense[l]!.bias[r]! : g.dense[l]!.weights[r]![c]!;
          expect(got.right.toFraction(), `${l},${r},${c}`).toBe(q.toFraction());
          expect(got.left.equals(got.right)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });
});


// Sparsity: on 1-hidden-layer nets the exact active-area fraction against an independent Sutherland–Hodgman
// clipping of the box by each neuron's half-plane (exact rationals, written here); the sampled fraction inside
// its binomial band around the exact one; the formula Φ(b/‖w‖) against samples for standard normal inputs (where
// it is exact in distribution for a first-layer neuron); data fractions by hand.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { rat, rationalToNumber, ZERO, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { activationSparsity } from "../../src/analysis/sparsity.js";

type Pt = [Rational, Rational];

/** Keep the part of a convex polygon (in order) where a·p + b ≥ 0 (Sutherland–Hodgman, one edge). */
function clip(poly: Pt[], a: [Rational, Rational], b: Rational): Pt[] {
  const f = (p: Pt): Rational => a[0].mul(p[0]).add(a[1].mul(p[1])).add(b);
  const out: Pt[] = [];
  poly.forEach((p, i) => {
    const q = poly[(i + 1) % poly.length]!;
    const fp = f(p);
    const fq = f(q);
    if (fp.compare(0) >= 0) out.push(p);
    if ((fp.compare(0) > 0 && fq.compare(0) < 0) || (fp.compare(0) < 0 && fq.compare(0) > 0)) {
      const t = fp.div(fp.sub(fq));
      out.push([p[0].add(q[0].sub(p[0]).mul(t)), p[1].add(q[1].sub(p[1]).mul(t))]);
    }
  });
  return out;
}

function area(poly: Pt[]): Rational {
  let s = ZERO;
  poly.forEach((p, i) => {
    const q = poly[(i + 1) % poly.length]!;
    s = s.add(p[0].mul(q[1]).sub(q[0].mul(p[1])));
  });
  return s.abs().div(2);
}

const small = fc.integer({ min: -4, max: 4 }).chain((n) => fc.integer({ min: 1, max: 3 }).map((d) => rat(n, d)));

describe("activationSparsity exact areas (1 hidden layer, box domain)", () => {
  it("equal the clipped box areas over the box area, for random rational neurons", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(small, small, small), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }),
        async (rows, hx, hy) => {
          const W = rows.map(([a, b]) => [a, b]);
          const bias = rows.map(([, , c]) => c);
          const net = sequential(2, [{ weights: W, bias }, { weights: [rows.map(() => rat(1))], bias: [ZERO] }]);
          const lo = [rat(-hx), rat(-hy)];
          const hi = [rat(hx), rat(hy)];
          const r = await activationSparsity(net, { domain: { kind: "box", lo, hi } });
          const box: Pt[] = [[lo[0]!, lo[1]!], [hi[0]!, lo[1]!], [hi[0]!, hi[1]!], [lo[0]!, hi[1]!]];
          const total = area(box);
          rows.forEach(([a, b, c], i) => {
            // active is z > 0; the line z = 0 has zero area, so the closed half-plane gives the same area
            const flat = a.compare(0) === 0 && b.compare(0) === 0; // z ≡ c: active everywhere or nowhere
            const expected = flat ? rat(c.compare(0) > 0 ? 1 : 0) : area(clip(box, [a, b], c)).div(total);
            expect(r.neurons[i]!.exact!.toFraction(), `neuron ${i}`).toBe(expected.toFraction());
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("sampled fractions lie within 4 binomial standard errors of the exact ones", async () => {
    const net = sequential(2, [
      { weights: [[rat(1), rat(-2)], [rat(-1), rat(1)], [rat(2), rat(1)], [rat(1, 3), rat(1)]], bias: [ZERO, rat(1), rat(-2), rat(1, 2)] },
      { weights: [[rat(1), rat(1), rat(1), rat(1)]], bias: [ZERO] },
    ]);
    const N = 4000;
    const r = await activationSparsity(net, { domain: { kind: "box", lo: [rat(-3), rat(-2)], hi: [rat(3), rat(1)] }, samples: N, seed: 3 });
    for (const n of r.neurons) {
      const p = rationalToNumber(n.exact!);
      const share = n.sampled!.active / N;
      expect(Math.abs(share - p), `neuron ${n.neuron}`).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / N) + 1e-12);
      expect(n.sampled!.interval[0]).toBeLessThanOrEqual(share);
      expect(n.sampled!.interval[1]).toBeGreaterThanOrEqual(share);
    }
  });
});

describe("plane slices", () => {
  it("on a --plane slice of a 3-input net, samples drawn in the slice agree with the exact area fractions", async () => {
    const net = sequential(3, [
      { weights: [[rat(1), rat(-1), rat(2)], [ZERO, rat(1), rat(1)], [rat(-1), rat(1, 2), ZERO]], bias: [rat(1, 2), rat(-1, 3), ZERO] },
      { weights: [[rat(1), rat(1), rat(1)]], bias: [ZERO] },
    ]);
    // the plane x = (0,0,0) + s·(1,0,0) + t·(0,1,1), restricted to the box [-1,1]³ (so s, t ∈ [-1, 1])
    const domain = { kind: "slice" as const, shape: "plane" as const, points: [], origin: [ZERO, ZERO, ZERO], directions: [[rat(1), ZERO, ZERO], [ZERO, rat(1), rat(1)]], within: { kind: "box" as const, lo: [rat(-1), rat(-1), rat(-1)], hi: [rat(1), rat(1), rat(1)] } };
    const N = 4000;
    const r = await activationSparsity(net, { domain, samples: N, seed: 5 });
    // in (s, t): z0 = s + t + 1/2, z1 = 2t − 1/3, z2 = −s + t/2; clip the square by each line
    const square: Pt[] = [[rat(-1), rat(-1)], [rat(1), rat(-1)], [rat(1), rat(1)], [rat(-1), rat(1)]];
    const lines: [Rational, Rational, Rational][] = [[rat(1), rat(1), rat(1, 2)], [ZERO, rat(2), rat(-1, 3)], [rat(-1), rat(1, 2), ZERO]];
    lines.forEach(([a, b, c], i) => {
      const exact = area(clip(square, [a, b], c)).div(4);
      expect(r.neurons[i]!.exact!.toFraction()).toBe(exact.toFraction());
      const p = rationalToNumber(exact);
      expect(Math.abs(r.neurons[i]!.sampled!.active / N - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / N));
    });
  });
});

describe("formula and data", () => {
  it("Φ(b/‖w‖) matches standard normal samples for first-layer neurons (z ~ N(b, ‖w‖²) there)", async () => {
    const net = sequential(3, [
      { weights: [[rat(1), rat(2), rat(-1)], [rat(1, 2), ZERO, rat(1, 2)], [rat(-1), rat(-1), rat(-1)]], bias: [rat(-1), rat(1, 2), rat(3)] },
      { weights: [[rat(1), rat(1), rat(1)]], bias: [ZERO] },
    ]);
    const N = 20000;
    const r = await activationSparsity(net, { samples: N, seed: 8 });
    expect(r.sampler).toBe("standard-normal");
    // Φ(-1/√6) = 0.3415, Φ(0.5/√0.5) = Φ(0.7071) = 0.7602, Φ(3/√3) = Φ(1.7321) = 0.9584 (normal tables)
    const expected = [0.3415, 0.7602, 0.9584];
    r.neurons.forEach((n, i) => {
      expect(Math.abs(n.formula! - expected[i]!)).toBeLessThan(1e-4);
      const p = expected[i]!;
      expect(Math.abs(n.sampled!.active / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    });
  });

  it("data rows give exact shares; a tie (z = 0) is not active", async () => {
    const net = sequential(2, [
      { weights: [[rat(1), rat(-2)], [rat(-1), rat(1)], [rat(2), rat(1)]], bias: [ZERO, rat(1), rat(-2)] },
      { weights: [[rat(1), rat(1, 3), rat(1, 10)]], bias: [ZERO] },
    ]);
    // z at (3,1/2): (2, -3/2, 9/2); at (2,1): (0, 0, 3); at (-1,0): (-1, 2, -4)
    const r = await activationSparsity(net, { data: [[rat(3), rat(1, 2)], [rat(2), rat(1)], [rat(-1), ZERO]] });
    expect(r.neurons.map((n) => n.data!.toFraction())).toEqual(["1/3", "1/3", "2/3"]);
    expect(r.layers[0]!.data!.toFraction()).toBe("4/9");
  });
});

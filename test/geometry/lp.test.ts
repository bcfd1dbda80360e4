// The certified LP against the exact simplex (the oracle), on random LPs and on thin LPs infeasible or
// feasible by 1e-9 (where float solvers say "feasible" either way). Seeds are printed in every message.
import { describe, expect, it, vi } from "vitest";
import { DyadicField, RationalField, type Field } from "../../src/exact/field.js";
import { Dyadic } from "../../src/exact/dyadic.js";
import { ONE, ZERO, rat, type Rational } from "../../src/exact/rational.js";
import { exactMax } from "../../src/geometry/exact-simplex.js";
import { interiorPoint } from "../../src/geometry/interior.js";
import { certificateBound, certificateMatches } from "../../src/geometry/certificate.js";
import { lpRows, newLpStats, strictlyInside, upperBound } from "../../src/geometry/lp.js";
import type { FloatProposal } from "../../src/geometry/float-lp.js";
import { randomRational } from "../regions/helpers.js";
import { seededRandom } from "../../src/exact/random.js";

function randomLp(seed: number, d: number, m: number): { A: Rational[][]; b: Rational[]; w: Rational[] } {
  const next = seededRandom(seed);
  const x0 = Array.from({ length: d }, () => randomRational(next, 10, 7));
  const A = Array.from({ length: m }, () => Array.from({ length: d }, () => randomRational(next, 50, 9)));
  const b = A.map((a) => a.reduce((s, v, k) => s.add(v.mul(x0[k]!)), ZERO).add(rat(1 + Math.floor(next() * 20), 1 + Math.floor(next() * 5))));
  const w = Array.from({ length: d }, () => randomRational(next, 50, 9));
  return { A, b, w };
}

function check<T>(F: Field<T>, A: Rational[][], b: Rational[], w: Rational[], label: string): void {
  const P = lpRows(F, w.length, A.map((r) => r.map((v) => F.fromRational(v))), b.map((v) => F.fromRational(v)));
  const wT = w.map((v) => F.fromRational(v));
  const stats = newLpStats();
  const got = upperBound(F, P, wT, stats);
  const oracle = exactMax(A, b, w);
  if (oracle.status === "unbounded") {
    expect(got.kind, label).toBe("unbounded");
    return;
  }
  expect(got.kind, label).toBe("bounded");
  if (got.kind !== "bounded") return;
  expect(certificateMatches(F, P, got.cert, wT), label).toBe(true);
  const bound = F.toRational(certificateBound(F, P, got.cert)).div(F.toRational(F.fromBigInt(got.cert.den)));
  expect(bound.toFraction(), label).toBe(oracle.value.toFraction());
}

describe("upperBound agrees with the exact simplex on random LPs", () => {
  for (const [d, m] of [[2, 10], [3, 30], [5, 40], [10, 100]] as const) {
    const seeds = d >= 10 ? 2 : 10;
    it(`${d} variables × ${m} rows, ${seeds} seeds`, () => {
      for (let seed = 1; seed <= seeds; seed++) {
        const { A, b, w } = randomLp(seed * 100 + d, d, m);
        check(RationalField, A, b, w, `seed ${seed * 100 + d}`);
      }
    });
  }
  it("dyadic rows (float weights) through the dyadic field", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const next = seededRandom(seed);
      const dy = (): Rational => Dyadic.of(BigInt(Math.floor(next() * 2 ** 20) - 2 ** 19), -16).toRational();
      const d = 4;
      const A = Array.from({ length: 25 }, () => Array.from({ length: d }, dy));
      const b = A.map(() => Dyadic.of(BigInt(1 + Math.floor(next() * 2 ** 16)), -12).toRational());
      check(DyadicField, A, b, Array.from({ length: d }, dy), `seed ${seed}`);
    }
  });
});

/** The box [0,1]^d in random rational coordinates y = T x (so nothing is axis-aligned), plus Σx ≥ d - ε. */
function thinCorner(seed: number, d: number, eps: Rational): { A: Rational[][]; b: Rational[] } {
  const next = seededRandom(seed);
  // x = y + S y with S strictly lower triangular: invertible, rational.
  const S = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (j < i ? randomRational(next, 5, 3) : i === j ? ONE : ZERO)));
  const rowOf = (c: Rational[]): Rational[] => Array.from({ length: d }, (_, k) => c.reduce((s, ci, i) => s.add(ci.mul(S[i]![k]!)), ZERO));
  const A: Rational[][] = [];
  const b: Rational[] = [];
  for (let i = 0; i < d; i++) {
    const e = Array.from({ length: d }, (_, k) => (k === i ? ONE : ZERO));
    A.push(rowOf(e), rowOf(e.map((v) => v.neg())));
    b.push(ONE, ZERO);
  }
  A.push(rowOf(new Array<Rational>(d).fill(rat(-1))));
  b.push(rat(-d).add(eps));
  return { A, b };
}

describe("thin LPs decided exactly (ε = 1e-9 and 2^-40)", () => {
  const epsilons: [string, Rational][] = [
    ["1e-9", rat(1, 1_000_000_000)],
    ["2^-40", rat(1, 2 ** 40)],
  ];
  for (const [name, eps] of epsilons) {
    it(`feasible by ${name}: an exact witness strictly inside`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const d = 2 + (seed % 4);
        const { A, b } = thinCorner(seed, d, eps);
        const P = lpRows(RationalField, d, A, b);
        const x = interiorPoint(RationalField, P, newLpStats());
        expect(x, `seed ${seed}`).toBeDefined();
        expect(strictlyInside(RationalField, P, x!), `seed ${seed}`).toBe(true);
      }
    });
    it(`infeasible by ${name}: no interior, decided exactly`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const d = 2 + (seed % 4);
        const { A, b } = thinCorner(seed, d, eps.neg());
        const stats = newLpStats();
        expect(interiorPoint(RationalField, lpRows(RationalField, d, A, b), stats), `seed ${seed}`).toBeUndefined();
        // The same question through a bound: max Σ x over the box is d, never above d + ε.
        const box = thinCorner(seed, d, rat(d + 1));
        check(RationalField, box.A, box.b, A[A.length - 1]!.map((v) => v.neg()), `seed ${seed}`);
      }
    });
    it(`interior of the thin side equals the exact simplex's verdict (${name}, ±ε)`, () => {
      for (let seed = 11; seed <= 20; seed++) {
        const d = 3;
        for (const e of [eps, eps.neg()]) {
          const { A, b } = thinCorner(seed, d, e);
          const x = interiorPoint(RationalField, lpRows(RationalField, d, A, b), newLpStats());
          // Oracle: max t with A x + ‖a‖₁ t ≤ b, t ≤ 1 by the exact simplex.
          const rows = A.map((a, i) => [...a, a.reduce((s, v) => s.add(v.abs()), ZERO)]);
          rows.push([...new Array<Rational>(d).fill(ZERO), ONE]);
          const res = exactMax(rows, [...b, ONE], [...new Array<Rational>(d).fill(ZERO), ONE]);
          const hasInterior = res.status === "optimal" && res.value.compare(ZERO) > 0;
          expect(x !== undefined, `seed ${seed}, ε ${e.toFraction()}`).toBe(hasInterior);
        }
      }
    });
  }
});

describe("the float proposer across dimensions", () => {
  it("after a 2-dimensional LP, a 5-dimensional one is still proposed (its scratch arrays grow with d)", async () => {
    // A fresh copy of the module: its scratch arrays not yet sized by the tests above.
    vi.resetModules();
    const { proposeMax } = await import("../../src/geometry/float-lp.js");
    // max Σ k·x_k over the box [-1, 1]^d: the optimum is x = (1, …, 1), value d(d+1)/2 (by hand).
    const boxLp = (d: number): FloatProposal => {
      const A = new Float64Array(2 * d * d);
      const b = new Float64Array(2 * d).fill(1);
      for (let k = 0; k < d; k++) {
        A[2 * k * d + k] = 1;
        A[(2 * k + 1) * d + k] = -1;
      }
      return proposeMax(A, b, 2 * d, d, Float64Array.from({ length: d }, (_, k) => k + 1));
    };
    for (const d of [2, 5, 3, 9]) {
      const p = boxLp(d);
      expect(p.status, `d = ${d}`).toBe("optimal");
      if (p.status !== "optimal") continue;
      expect(p.value).toBeCloseTo((d * (d + 1)) / 2, 9);
      expect([...p.x]).toEqual(new Array<number>(d).fill(1));
    }
  });
});

// Exact linear solves: the fraction-free square path (Bareiss) and the general path agree with a
// rational back-substitution oracle on random integer systems (seeds printed), and detect inconsistency.
import { describe, expect, it } from "vitest";
import { Rational } from "../../src/exact/rational.js";
import { solveIntegerSystem } from "../../src/geometry/exact-solve.js";
import { seededRandom } from "../../src/exact/random.js";


function check(M: bigint[][], r: bigint[], label: string): void {
  const sol = solveIntegerSystem(M, r);
  expect(sol, label).toBeDefined();
  const x = sol!.num.map((n) => new Rational(n, sol!.den));
  M.forEach((row, i) => {
    const lhs = row.reduce((s, v, k) => s.add(x[k]!.mul(new Rational(v, 1n))), new Rational(0n, 1n));
    expect(lhs.equals(new Rational(r[i]!, 1n)), label).toBe(true);
  });
  expect(sol!.den > 0n, label).toBe(true);
}

describe("solveIntegerSystem", () => {
  it("random square systems of sizes 1..8 (Bareiss), including zero leading pivots", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = seededRandom(seed);
      const n = 1 + (seed % 8);
      const big = (): bigint => BigInt(Math.floor(next() * 2 ** 40) - 2 ** 39) * (next() < 0.2 ? 0n : 1n);
      const M = Array.from({ length: n }, () => Array.from({ length: n }, big));
      const x = Array.from({ length: n }, big);
      const r = M.map((row) => row.reduce((s, v, k) => s + v * x[k]!, 0n));
      const singular = solveIntegerSystem(M, r) === undefined;
      if (!singular) check(M, r, `seed ${seed}`);
    }
  });
  it("rectangular consistent systems and an inconsistent one", () => {
    check([[1n, 2n, 3n]], [6n], "1x3");
    check([[1n, 2n], [2n, 4n], [1n, 1n]], [5n, 10n, 3n], "3x2 rank 2");
    expect(solveIntegerSystem([[1n, 1n], [2n, 2n]], [1n, 3n])).toBeUndefined();
  });
});

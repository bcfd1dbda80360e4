// The exact fallback: the same revised simplex as float-lp.ts (on the dual  min b·y s.t. Σ y_i a_i = w,
// y ≥ 0), in exact rationals with Bland's rule, so it always terminates with the exact answer. Slow
// (fraction.js reduces after every operation); it runs only when a float proposal cannot be certified.
import { ONE, ZERO, Rational, sign } from "../exact/rational.js";
import { checkDeadline } from "./deadline.js";

export type ExactLpResult =
  | { readonly status: "optimal"; readonly basis: readonly number[]; readonly x: readonly Rational[]; readonly value: Rational }
  | { readonly status: "unbounded"; readonly ray: readonly Rational[] };

/** max w·x over {x : a_i·x ≤ b_i}, which must be nonempty. Exact; Bland's rule. */
export function exactMax(A: readonly (readonly Rational[])[], b: readonly Rational[], w: readonly Rational[]): ExactLpResult {
  const d = w.length;
  const rows: number[] = [];
  A.forEach((a, i) => {
    if (a.some((v) => sign(v) !== 0)) rows.push(i);
  });
  const n = rows.length;
  const sigma = w.map((wk) => (sign(wk) >= 0 ? 1 : -1));
  const col = (i: number, k: number): Rational => {
    if (i >= n) return i - n === k ? ONE : ZERO;
    const v = A[rows[i]!]![k]!;
    return sigma[k] === 1 ? v : v.neg();
  };
  const xB: Rational[] = w.map((wk) => wk.abs());
  const Binv: Rational[][] = Array.from({ length: d }, (_, j) => Array.from({ length: d }, (_, k) => (j === k ? ONE : ZERO)));
  const basis: number[] = Array.from({ length: d }, (_, k) => n + k);
  const isBasic = new Uint8Array(n + d);
  for (let k = 0; k < d; k++) isBasic[n + k] = 1;
  let pi: Rational[] = new Array<Rational>(d).fill(ZERO);

  const cost = (phase: 1 | 2, i: number): Rational => (phase === 1 ? (i >= n ? ONE : ZERO) : i >= n ? ZERO : b[rows[i]!]!);
  const computeU = (q: number): Rational[] =>
    Binv.map((row) => row.reduce((s, v, k) => (sign(v) === 0 ? s : s.add(v.mul(col(q, k)))), ZERO));
  const pivot = (r: number, q: number, u: Rational[]): void => {
    const ur = u[r]!;
    Binv[r] = Binv[r]!.map((v) => v.div(ur));
    for (let j = 0; j < d; j++) {
      if (j === r || sign(u[j]!) === 0) continue;
      Binv[j] = Binv[j]!.map((v, k) => v.sub(u[j]!.mul(Binv[r]![k]!)));
    }
    isBasic[basis[r]!] = 0;
    basis[r] = q;
    isBasic[q] = 1;
  };
  const runPhase = (phase: 1 | 2): void => {
    for (;;) {
      checkDeadline();
      pi = Array.from({ length: d }, (_, k) => basis.reduce((s, bj, j) => s.add(cost(phase, bj).mul(Binv[j]![k]!)), ZERO));
      let q = -1;
      for (let i = 0; i < n && q < 0; i++) {
        if (isBasic[i]) continue;
        let rc = cost(phase, i);
        for (let k = 0; k < d; k++) rc = rc.sub(pi[k]!.mul(col(i, k)));
        if (sign(rc) < 0) q = i;
      }
      if (q < 0) return;
      const u = computeU(q);
      let r = -1;
      let theta: Rational | undefined;
      for (let j = 0; j < d; j++) {
        if (sign(u[j]!) <= 0) continue;
        const t = xB[j]!.div(u[j]!);
        const c = theta === undefined ? -1 : t.compare(theta);
        if (c < 0 || (c === 0 && basis[j]! < basis[r]!)) {
          theta = t;
          r = j;
        }
      }
      // The dual is bounded below whenever the primal is feasible, so a ratio always exists.
      if (r < 0 || theta === undefined) throw new Error("geometry/exact-simplex: the constraints are infeasible");
      for (let j = 0; j < d; j++) xB[j] = xB[j]!.sub(theta.mul(u[j]!));
      xB[r] = theta;
      pivot(r, q, u);
    }
  };

  runPhase(1);
  const infeasible = basis.some((bj, j) => bj >= n && sign(xB[j]!) > 0);
  if (infeasible) return { status: "unbounded", ray: pi.map((p, k) => (sigma[k] === 1 ? p : p.neg())) };
  for (let j = 0; j < d; j++) {
    if (basis[j]! < n) continue;
    for (let i = 0; i < n; i++) {
      if (isBasic[i]) continue;
      checkDeadline();
      const u = computeU(i);
      if (sign(u[j]!) !== 0) {
        pivot(j, i, u);
        break;
      }
    }
  }
  runPhase(2);
  const x = pi.map((p, k) => (sigma[k] === 1 ? p : p.neg()));
  const value = x.reduce((s, xk, k) => s.add(xk.mul(w[k]!)), ZERO);
  const basisRows = basis.filter((bj) => bj < n).map((bj) => rows[bj]!);
  return { status: "optimal", basis: basisRows, x, value };
}


// Choosing the multipliers μ of a leaf: a node is safe when Σ μ_k (a_k·y − b_k) > 0 on it for some μ ≥ 0,
// a sharper test than one constraint at a time (the LP dual view of "not all a_k·y ≤ b_k"). Each
// constraint's back-substitution gives a linear lower bound g_k(x) = coef_k·x + c_k on the box, and
// μ ↦ min_box Σ μ_k (g_k(x) − b_k) is concave; we search it over pairs of constraints (ternary search on the
// weight), then over all of them with a tiny LP. Only a proposal: the verifier then bounds the combined objective soundly, and the checker
// re-proves it exactly.
import { proposeMax } from "../geometry/float-lp.js";

/** min over the box of Σ_k μ_k (coef_k·x + c_k). */
function minOverBox(mu: readonly number[], coef: Float64Array, c: Float64Array, lo: Float64Array, hi: Float64Array): number {
  const d = lo.length;
  let v = 0;
  for (let k = 0; k < mu.length; k++) v += mu[k]! * c[k]!;
  for (let i = 0; i < d; i++) {
    let a = 0;
    for (let k = 0; k < mu.length; k++) a += mu[k]! * coef[k * d + i]!;
    v += a >= 0 ? a * lo[i]! : a * hi[i]!;
  }
  return v;
}

/** c_k: the constant of g_k − b_k, recovered from its minimum over the box (the margin). */
function constants(margins: Float64Array, coef: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  const d = lo.length;
  return Float64Array.from(margins, (margin, k) => {
    let v = 0;
    for (let i = 0; i < d; i++) {
      const a = coef[k * d + i]!;
      v += a >= 0 ? a * lo[i]! : a * hi[i]!;
    }
    return margin - v;
  });
}

/**
 * The best μ on the simplex supported on at most two constraints, and its estimated margin (float). `margins`
 * are the constraints' lower bounds minus b_k; `coef` is m × d (row-major).
 */
export function pairMultipliers(margins: Float64Array, coef: Float64Array, lo: Float64Array, hi: Float64Array): { mu: number[]; estimate: number } {
  const m = margins.length;
  const c = constants(margins, coef, lo, hi);
  let best: { mu: number[]; estimate: number } = { mu: Array.from({ length: m }, (_, k) => (k === 0 ? 1 : 0)), estimate: -Infinity };
  for (let k = 0; k < m; k++) {
    if (margins[k]! > best.estimate) best = { mu: Array.from({ length: m }, (_, j) => (j === k ? 1 : 0)), estimate: margins[k]! };
  }
  for (let p = 0; p < m; p++) {
    for (let q = p + 1; q < m; q++) {
      const at = (t: number): number[] => Array.from({ length: m }, (_, j) => (j === p ? 1 - t : j === q ? t : 0));
      let a = 0;
      let b = 1;
      for (let it = 0; it < 40; it++) {
        const t1 = a + (b - a) / 3;
        const t2 = b - (b - a) / 3;
        if (minOverBox(at(t1), coef, c, lo, hi) < minOverBox(at(t2), coef, c, lo, hi)) a = t1;
        else b = t2;
      }
      // Round the weight to 2^-20 so the certificate's rationals stay short.
      const t = Math.round(((a + b) / 2) * 2 ** 20) / 2 ** 20;
      const v = minOverBox(at(t), coef, c, lo, hi);
      if (v > best.estimate) best = { mu: at(t), estimate: v };
    }
  }
  return best;
}

/**
 * The best μ on the simplex over all constraints, by a tiny LP (the float proposer of geometry/float-lp.ts):
 * maximise Σ_k μ_k c_k + Σ_i w_i subject to w_i ≤ lo_i·A_i(μ), w_i ≤ hi_i·A_i(μ), Σ μ_k ≤ 1, μ ≥ 0, where
 * A_i(μ) = Σ_k μ_k coef_ki (so w_i = min over the box of A_i(μ)·x_i at the optimum). A proposal only.
 */
export function lpMultipliers(margins: Float64Array, coef: Float64Array, lo: Float64Array, hi: Float64Array): { mu: number[]; estimate: number } | undefined {
  const m = margins.length;
  const d = lo.length;
  const c = constants(margins, coef, lo, hi);
  const nv = m + d;
  const rows = 2 * d + 1 + m;
  const A = new Float64Array(rows * nv);
  const b = new Float64Array(rows);
  let r = 0;
  for (let i = 0; i < d; i++) {
    for (const end of [lo[i]!, hi[i]!]) {
      // w_i − end·Σ_k μ_k coef_ki ≤ 0
      for (let k = 0; k < m; k++) A[r * nv + k] = -end * coef[k * d + i]!;
      A[r * nv + m + i] = 1;
      r++;
    }
  }
  for (let k = 0; k < m; k++) A[r * nv + k] = 1;
  b[r++] = 1;
  for (let k = 0; k < m; k++) A[r++ * nv + k] = -1;
  const w = new Float64Array(nv);
  for (let k = 0; k < m; k++) w[k] = c[k]!;
  for (let i = 0; i < d; i++) w[m + i] = 1;
  const p = proposeMax(A, b, rows, nv, w);
  if (p.status !== "optimal") return undefined;
  // Round the weights to 2^-20 (short rationals in the certificate), nonnegative.
  const mu = Array.from(p.x.subarray(0, m), (v) => Math.max(0, Math.round(v * 2 ** 20) / 2 ** 20));
  if (mu.every((v) => v === 0)) return undefined;
  return { mu, estimate: minOverBox(mu, coef, c, lo, hi) };
}

/** Lagrange multipliers β are capped here (a split constraint the model cannot satisfy would send β to ∞). */
const BETA_MAX = 2 ** 20;

/**
 * Lagrange multipliers β ≥ 0 for the split constraints of a ReLU-split node (β-CROWN's dual): maximise the concave
 * g(β) = min over the box of (coef0 + Σ_i β_i coef_i)·x + c0 + Σ_i β_i c_i, where coef0·x + c0 is the objective's
 * linear lower bound and coef_i·x + c_i one of −s_i·z_i (≤ 0 where the split holds; `coefs` is k × d). By
 * coordinate ascent with exact line searches (each coordinate's g is concave piecewise linear). A proposal only: the
 * verifier then bounds the Lagrangian soundly by back-substitution, and the checker re-proves it exactly.
 */
export function lagrangeMultipliers(c0: number, coef0: Float64Array, consts: Float64Array, coefs: Float64Array, lo: Float64Array, hi: Float64Array, sweeps = 30): { beta: number[]; estimate: number } {
  const k = consts.length;
  const d = lo.length;
  const beta = new Float64Array(k);
  const A = Float64Array.from(coef0);
  const value = (): number => {
    let v = c0;
    for (let i = 0; i < k; i++) v += beta[i]! * consts[i]!;
    for (let j = 0; j < d; j++) v += A[j]! >= 0 ? A[j]! * lo[j]! : A[j]! * hi[j]!;
    return v;
  };
  let best = value();
  const breaks: { t: number; drop: number }[] = [];
  for (let sweep = 0; sweep < sweeps; sweep++) {
    const before = best;
    for (let i = 0; i < k; i++) {
      const row = i * d;
      const old = beta[i]!;
      // g along β_i = old + t (t ≥ −old): slope c_i + Σ_j r_j·(lo_j if a_j > 0 else hi_j), dropping at a_j = 0.
      let slope = consts[i]!;
      breaks.length = 0;
      let lowest = -old;
      for (let j = 0; j < d; j++) {
        const r = coefs[row + j]!;
        if (r === 0) continue;
        const a = A[j]!;
        const t = -a / r;
        // The slope at t = lowest⁺ (the start of the search), then the breakpoints above it.
        const at = a + lowest * r;
        const positive = at > 0 || (at === 0 && r > 0);
        slope += r * (positive ? lo[j]! : hi[j]!);
        if (t > lowest) breaks.push({ t, drop: Math.abs(r) * (hi[j]! - lo[j]!) });
      }
      let t = lowest;
      if (slope > 0) {
        breaks.sort((p, q) => p.t - q.t);
        t = BETA_MAX - old;
        for (const b of breaks) {
          slope -= b.drop;
          if (slope <= 0) {
            t = b.t;
            break;
          }
        }
      }
      if (t !== 0) {
        beta[i] = old + t;
        for (let j = 0; j < d; j++) A[j] += t * coefs[row + j]!;
      }
    }
    best = value();
    if (!(best > before + 1e-12 * (1 + Math.abs(before)))) break;
  }
  // Round to 2^-20 (short rationals in the certificate), nonnegative.
  const rounded = Array.from(beta, (v) => Math.max(0, Math.round(v * 2 ** 20) / 2 ** 20));
  return { beta: rounded, estimate: best };
}

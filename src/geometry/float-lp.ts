// The float proposer for tiny LPs: a dense revised simplex on Float64Arrays for
//   maximise w·x  subject to  a_i·x ≤ b_i (i < m),  x ∈ R^d free,
// solved through its dual  min b·y  s.t.  Σ y_i a_i = w, y ≥ 0  (d equality rows, so the basis inverse is
// only d×d however many constraints there are). It only *proposes*: an optimal basis (which rows are
// tight), an unbounded ray, or "failed". Nothing here is a verdict; geometry/lp.ts verifies exactly.
// The deadline (deadline.ts) is checked once per pivot.
import { checkDeadline } from "./deadline.js";

/**
 * A float proposal. `basis` lists the constraint rows of the optimal dual basis (at most d of them), `y` the
 * float dual multipliers of those rows (y[j] ≥ 0 on row basis[j], Σ y_j a_{basis[j]} ≈ w): a proposal too,
 * whose bound regions/lp-filter.ts proves with its residual.
 */
export type FloatProposal =
  | { readonly status: "optimal"; readonly basis: readonly number[]; readonly y: Float64Array; readonly x: Float64Array; readonly value: number; readonly iterations: number }
  | { readonly status: "unbounded"; readonly ray: Float64Array; readonly iterations: number }
  | { readonly status: "failed"; readonly reason: string; readonly iterations: number };

/** Tolerances of the proposal (not of any verdict): reduced costs, pivots and phase-1 infeasibility. */
const TOL_COST = 1e-9;
const TOL_PIVOT = 1e-9;
const TOL_PHASE1 = 1e-9;
/** Scratch buffers of more entries than this are not allocated with room to spare. */
const BIG = 1 << 22;
/** After this many degenerate pivots in a row, switch from Dantzig to Bland's rule (no cycling). */
const DEGENERATE_STREAK = 30;

/**
 * Propose an optimum of max w·x over {x : A x ≤ b}. `A` is row-major m×d. Zero rows are ignored. The
 * feasible set must be nonempty (the region engine always has an interior witness).
 */
let scratchA = new Float64Array(0);
let scratchB = new Float64Array(0);
let scratchRows = new Int32Array(0);
let scratchScale = new Float64Array(0);
let scratchD: Float64Array[] = [];
let scratchBinv = new Float64Array(0);
let scratchBasis = new Int32Array(0);
let scratchBasic = new Uint8Array(0);
let scratchSingle = new Int32Array(0);

export function proposeMax(A: Float64Array, b: Float64Array, m: number, d: number, w: Float64Array): FloatProposal {
  // Exact values beyond float range (a weight 1e400, a box bound -1e400) have no float copy: no proposal,
  // so the caller's exact path decides. Likewise a proposal whose point or ray overflows.
  if (!allFinite(A, m * d) || !allFinite(b, m) || !allFinite(w, d)) return { status: "failed", reason: "a coefficient beyond float range", iterations: 0 };
  const p = simplexProposal(A, b, m, d, w);
  if ((p.status === "optimal" && !(allFinite(p.x, d) && Number.isFinite(p.value))) || (p.status === "unbounded" && !allFinite(p.ray, d))) {
    return { status: "failed", reason: "the proposal is beyond float range", iterations: p.iterations };
  }
  return p;
}

function allFinite(v: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!Number.isFinite(v[i]!)) return false;
  return true;
}

function simplexProposal(A: Float64Array, b: Float64Array, m: number, d: number, w: Float64Array): FloatProposal {
  // Keep nonzero rows, scaled to max-norm 1 (positive scaling changes neither the basis nor x).
  // Scratch buffers reused across calls (the proposer is synchronous and never re-entered).
  // Room to grow (the region engine adds a row per split), only a quarter of it for big problems (memory).
  if (scratchA.length < m * d) scratchA = new Float64Array(m * d > BIG ? Math.ceil(1.25 * m * d) : 2 * m * d);
  if (scratchB.length < m) {
    scratchB = new Float64Array(2 * m);
    scratchRows = new Int32Array(2 * m);
  }
  const rows = scratchRows;
  const As = scratchA;
  const bs = scratchB;
  if (scratchScale.length < m) scratchScale = new Float64Array(2 * m);
  const scale = scratchScale;
  if (scratchSingle.length < m) scratchSingle = new Int32Array(2 * m);
  // single[i] = k when row i is a multiple of e_k (a box face), else −1.
  const single = scratchSingle;
  let n = 0;
  for (let i = 0; i < m; i++) {
    let mx = 0;
    let nz = 0;
    let at = -1;
    for (let k = 0; k < d; k++) {
      const v = Math.abs(A[i * d + k]!);
      if (v !== 0) {
        nz++;
        at = k;
        if (v > mx) mx = v;
      }
    }
    if (mx === 0) continue;
    for (let k = 0; k < d; k++) As[n * d + k] = A[i * d + k]! / mx;
    bs[n] = b[i]! / mx;
    rows[n] = i;
    scale[n] = mx;
    single[n] = nz === 1 ? at : -1;
    n++;
  }
  let wmax = 0;
  for (let k = 0; k < d; k++) wmax = Math.max(wmax, Math.abs(w[k]!));
  if (wmax === 0) return { status: "failed", reason: "zero objective", iterations: 0 };
  // d-sized scratch (no allocation per LP: the region engine runs hundreds of thousands of them).
  // (Their length, not the count of them: a proposer first called in 2 dimensions and then in 5 wrote past the
  // end of 4-long arrays, dropped the values, failed every proposal and sent every LP to the exact simplex.)
  if ((scratchD[0]?.length ?? 0) < d) scratchD = Array.from({ length: 7 }, () => new Float64Array(2 * d));
  if (scratchBinv.length < d * d) scratchBinv = new Float64Array(d * d > BIG ? d * d : 4 * d * d);
  if (scratchBasis.length < d) scratchBasis = new Int32Array(2 * d);
  if (scratchBasic.length < n + d) scratchBasic = new Uint8Array(2 * (n + d));
  const [sigma, xB, pi, piS, u, cB] = scratchD as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  for (let k = 0; k < d; k++) {
    const wk = w[k]! / wmax;
    sigma[k] = wk >= 0 ? 1 : -1;
    xB[k] = Math.abs(wk);
  }
  // Column i (< n) in flipped equation k is As[i,k]·sigma[k]; artificial column n+k is e_k.
  const Binv = scratchBinv;
  Binv.fill(0, 0, d * d);
  for (let k = 0; k < d; k++) Binv[k * d + k] = 1;
  const basis = scratchBasis;
  for (let k = 0; k < d; k++) basis[k] = n + k;
  const isBasic = scratchBasic;
  isBasic.fill(0, 0, n + d);
  for (let k = 0; k < d; k++) isBasic[n + k] = 1;
  // Crash basis: a row that is a positive multiple v·e_k in flipped equation k (a box face of the domain,
  // typically) replaces artificial k at level xB_k / v ≥ 0, the tightest such row first; with every
  // equation crashed, phase 1 starts feasible (the region engine's rows always include the domain's box).
  for (let k = 0; k < d; k++) {
    let best = -1;
    let bestRatio = Infinity;
    let bestV = 0;
    for (let i = 0; i < n; i++) {
      if (single[i] !== k || isBasic[i]) continue;
      const v = As[i * d + k]! * sigma[k]!;
      if (!(v > 0)) continue;
      const ratio = bs[i]! / v;
      if (ratio < bestRatio) {
        bestRatio = ratio;
        best = i;
        bestV = v;
      }
    }
    if (best < 0) continue;
    isBasic[n + k] = 0;
    isBasic[best] = 1;
    basis[k] = best;
    Binv[k * d + k] = 1 / bestV;
    xB[k] = xB[k]! / bestV;
  }
  let iterations = 0;
  const maxIterations = 100 + 20 * (n + d);

  const pivot = (r: number, q: number): void => {
    const ur = u[r]!;
    for (let k = 0; k < d; k++) Binv[r * d + k] = Binv[r * d + k]! / ur;
    for (let j = 0; j < d; j++) {
      if (j === r || u[j] === 0) continue;
      const f = u[j]!;
      for (let k = 0; k < d; k++) Binv[j * d + k] = Binv[j * d + k]! - f * Binv[r * d + k]!;
    }
    isBasic[basis[r]!] = 0;
    basis[r] = q;
    isBasic[q] = 1;
  };
  const computeU = (q: number): void => {
    if (q >= n) {
      for (let j = 0; j < d; j++) u[j] = Binv[j * d + q - n]!;
      return;
    }
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += Binv[j * d + k]! * As[q * d + k]! * sigma[k]!;
      u[j] = s;
    }
  };

  const runPhase = (phase: 1 | 2): "optimal" | "failed" => {
    let streak = 0;
    for (;;) {
      if (++iterations > maxIterations) return "failed";
      // A pivot costs O((m + d)·d): in thousands of dimensions one LP can outlast --timeout.
      checkDeadline();
      for (let j = 0; j < d; j++) {
        const i = basis[j]!;
        cB[j] = phase === 1 ? (i >= n ? 1 : 0) : i >= n ? 0 : bs[i]!;
      }
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += cB[j]! * Binv[j * d + k]!;
        pi[k] = s;
        piS[k] = s * sigma[k]!;
      }
      let q = -1;
      let best = -TOL_COST;
      for (let i = 0; i < n; i++) {
        if (isBasic[i]) continue;
        let rc = phase === 1 ? 0 : bs[i]!;
        const o = i * d;
        for (let k = 0; k < d; k++) rc -= piS[k]! * As[o + k]!;
        if (rc < best) {
          q = i;
          if (streak >= DEGENERATE_STREAK) break; // Bland: first improving column
          best = rc;
        }
      }
      if (q < 0) return "optimal";
      computeU(q);
      let r = -1;
      let theta = Infinity;
      for (let j = 0; j < d; j++) {
        if (u[j]! <= TOL_PIVOT) continue;
        const t = Math.max(0, xB[j]!) / u[j]!;
        if (t < theta - 1e-15 || (Math.abs(t - theta) <= 1e-15 && (basis[j]! >= n || basis[j]! < basis[r]!))) {
          theta = t;
          r = j;
        }
      }
      if (r < 0) return "failed";
      streak = theta === 0 ? streak + 1 : 0;
      for (let j = 0; j < d; j++) xB[j] = xB[j]! - theta * u[j]!;
      xB[r] = theta;
      pivot(r, q);
    }
  };

  if (runPhase(1) === "failed") return { status: "failed", reason: "iteration limit in phase 1", iterations };
  let infeasibility = 0;
  for (let j = 0; j < d; j++) if (basis[j]! >= n) infeasibility += Math.max(0, xB[j]!);
  if (infeasibility > TOL_PHASE1) {
    const ray = new Float64Array(d);
    for (let k = 0; k < d; k++) ray[k] = pi[k]! * sigma[k]!;
    return { status: "unbounded", ray, iterations };
  }
  // Drive basic artificials (at level 0) out of the basis where a real column can replace them.
  for (let j = 0; j < d; j++) {
    if (basis[j]! < n) continue;
    checkDeadline();
    xB[j] = 0;
    let q = -1;
    let bestAbs = 1e-7;
    for (let i = 0; i < n; i++) {
      if (isBasic[i]) continue;
      let s = 0;
      for (let k = 0; k < d; k++) s += Binv[j * d + k]! * As[i * d + k]! * sigma[k]!;
      if (Math.abs(s) > bestAbs) {
        bestAbs = Math.abs(s);
        q = i;
      }
    }
    if (q >= 0) {
      computeU(q);
      pivot(j, q);
    }
  }
  if (runPhase(2) === "failed") return { status: "failed", reason: "iteration limit in phase 2", iterations };
  const x = new Float64Array(d);
  for (let k = 0; k < d; k++) x[k] = pi[k]! * sigma[k]!;
  const basisRows: number[] = [];
  const yRows: number[] = [];
  // Row i was scaled by 1/mx_i and w by 1/wmax: its multiplier for the unscaled problem is y·wmax/mx_i.
  for (let j = 0; j < d; j++) {
    if (basis[j]! >= n) continue;
    basisRows.push(rows[basis[j]!]!);
    yRows.push((Math.max(0, xB[j]!) * wmax) / scale[basis[j]!]!);
  }
  let value = 0;
  for (let k = 0; k < d; k++) value += w[k]! * x[k]!;
  return { status: "optimal", basis: basisRows, y: Float64Array.from(yRows), x, value, iterations };
}

// Batched back-substitution (DeepPoly/CROWN) in float64 with provably safe rounding: sound lower bounds of
// m linear objectives C·v of one node's values v over the input box, through the relaxations
// s·z + t_l ≤ f(z) ≤ s·z + t_u that float-bounds.ts computed for the earlier activation nodes. Rounding
// errors are bounded with one magnitude vector per node: for Λ_src += Λ·W the error of row r is at most
// γ·Σ_j |λ_rj|·(|W|·|v_src|)_j, so the inner loops carry no absolute-value bookkeeping.
import type { FloatNet } from "./float-net.js";
import type { FloatBounds, FloatBox } from "./float-bounds-types.js";
import { up, down, sumError, widenError } from "./float-round.js";

/** An extra objective term coef·v_neuron on node `node` (below `start`), added to every objective. */
export interface Injection {
  readonly node: number;
  readonly neuron: number;
  readonly coef: number;
}

export interface BackSubstitution {
  /** A sound lower bound of each objective over the box. */
  readonly bounds: Float64Array;
  /** Row-major m × d: the coefficients of each final linear lower bound on the input. */
  readonly coef: Float64Array;
  /** Row-major m × size multipliers of every node's values (undefined where nothing flowed back). */
  readonly lambda: readonly (Float64Array | undefined)[];
}

/**
 * Lower bounds of the m objectives given as rows of C (m × size of node `start`); `cErr` (same shape)
 * bounds |C_exact − C| when the objectives are not floats. Uses fb's bounds of nodes ≤ start and the
 * relaxations of activation nodes < start.
 */
export function backSubstitute(fn: FloatNet, fb: FloatBounds, box: FloatBox, start: number, C: Float64Array, m: number, cErr?: Float64Array, inject: readonly Injection[] = []): BackSubstitution {
  const lam: (Float64Array | undefined)[] = fn.nodes.map(() => undefined);
  lam[start] = Float64Array.from(C);
  // Extra objective terms on earlier nodes (a Lagrangian's β·z): multipliers placed before the pass, exactly.
  for (const t of inject) {
    const size = fn.nodes[t.node]!.size;
    const L = (lam[t.node] ??= new Float64Array(m * size));
    for (let r = 0; r < m; r++) {
      if (L[r * size + t.neuron] !== 0) throw new Error("analysis/back-substitution: two injected terms on one neuron");
      L[r * size + t.neuron] = t.coef;
    }
  }
  const mags = (id: number): Float64Array => Float64Array.from(fb.lo[id]!, (v, i) => Math.max(Math.abs(v), Math.abs(fb.hi[id]![i]!)));
  const err = new Float64Array(m);
  const K = new Float64Array(m);
  const Kabs = new Float64Array(m);
  let nK = 0;
  if (cErr) {
    const mg = mags(start);
    const size = mg.length;
    for (let r = 0; r < m; r++) for (let i = 0; i < size; i++) err[r] += cErr[r * size + i]! * mg[i]!;
  }
  for (let id = start; id > 0; id--) {
    const lr = lam[id];
    if (!lr) continue;
    const node = fn.nodes[id]!;
    const n = node.size;
    if (node.kind === "affine") {
      nK++;
      for (let r = 0; r < m; r++) biasTerms(lr, r * n, node.b, node.bErr, n, r, K, Kabs, err);
      node.inputs.forEach((src, idx) => {
        const size = fn.nodes[src]!.size;
        const mg = mags(src);
        // v_j = Σ_c (|W_jc| + Werr_jc)·mag_c: the magnitude of row j's contribution (bounds the float rounding);
        // vErr_j = Σ_c Werr_jc·mag_c: what replacing the exact weights by their floats can change (0 for floats).
        const v = new Float64Array(n);
        const vErr = node.Werr ? new Float64Array(n) : undefined;
        for (let j = 0; j < n; j++) rowMagnitude(node.W, node.Werr, j * node.cols + node.offsets[idx]!, mg, size, j, v, vErr);
        const prev = lam[src];
        const acc = prev ?? new Float64Array(m * size);
        // Inputs that are exactly 0 on the box (inactive ReLUs) contribute nothing: their multipliers stay 0.
        const live = new Int32Array(size);
        let nl = 0;
        for (let c = 0; c < size; c++) if (mg[c] !== 0) live[nl++] = c;
        const pick = new Int32Array(n);
        const sums = new Float64Array(2);
        for (let r = 0; r < m; r++) {
          // Float rounding of the sums (e includes the Werr part, which only enlarges it), plus the exact-weight
          // error Σ_j |λ_j|·Σ_c Werr_jc·mag_c. (Adding all of e here instead made the bound of a network with
          // non-float weights such as 1/3 or 0.1 exceed the true range by the full magnitude of the layer, which
          // no input split can shrink: verify answered unknown on easy properties.) The earlier multipliers are
          // measured before this row adds to them.
          backRowError(prev ? acc : undefined, r * size, mg, size, lr, r * n, v, vErr, n, sums);
          backRow(acc, r * size, lr, r * n, node.W, node.cols, node.offsets[idx]!, n, size, live, nl, pick);
          const eWeights = sums[1]!;
          err[r] += sumError(sums[0]!, n + 1) + (vErr ? up(eWeights + sumError(eWeights, size * n + 2)) : 0);
        }
        lam[src] = acc;
      });
    } else if (node.kind === "activation") {
      const rx = fb.relax[id]!;
      const mg = mags(node.input);
      const prev = lam[node.input];
      const acc = prev ?? new Float64Array(m * n);
      nK++;
      for (let r = 0; r < m; r++) relaxBack(acc, lr, r * n, n, rx.a, rx.s, rx.ta, rx.tu, mg, r, K, Kabs, err);
      lam[node.input] = acc;
    }
  }
  const d = fn.inputSize;
  const coef = lam[0] ?? new Float64Array(m * d);
  const bounds = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let v = K[r]!;
    let a = Kabs[r]!;
    for (let k = 0; k < d; k++) {
      const ck = coef[r * d + k]!;
      const t = ck >= 0 ? ck * box.lo[k]! : ck * box.hi[k]!;
      v += t;
      a += Math.abs(t);
    }
    // K sums nK node groups (each group's own rounding is already in err) and the d input terms.
    const b = down(v - widenError(up(sumError(a, nK + d + 1) + err[r]!)));
    bounds[r] = Number.isNaN(b) ? -Infinity : b;
  }
  return { bounds, coef, lambda: lam };
}

/** Objective r's constant gains λ·b (K, with its magnitude in Kabs) and its error bound the rounding of that sum. */
function biasTerms(lr: Float64Array, o: number, b: Float64Array, bErr: Float64Array | undefined, n: number, r: number, K: Float64Array, Kabs: Float64Array, err: Float64Array): void {
  let k = 0;
  let ka = 0;
  let be = 0;
  for (let j = 0; j < n; j++) {
    const t = lr[o + j]! * b[j]!;
    k += t;
    ka += Math.abs(t);
    if (bErr) be += Math.abs(lr[o + j]!) * bErr[j]!;
  }
  K[r] += k;
  Kabs[r] += ka;
  err[r] += be + sumError(ka, n);
}

/** v[j] = Σ_c (|W_c| + Werr_c)·mg_c and vErr[j] = Σ_c Werr_c·mg_c over the row of W at wo. */
function rowMagnitude(W: Float64Array, Werr: Float64Array | undefined, wo: number, mg: Float64Array, size: number, j: number, v: Float64Array, vErr: Float64Array | undefined): void {
  let a = 0;
  let ae = 0;
  if (Werr) {
    for (let c = 0; c < size; c++) {
      const we = Werr[wo + c]!;
      a += (Math.abs(W[wo + c]!) + we) * mg[c]!;
      ae += we * mg[c]!;
    }
  } else for (let c = 0; c < size; c++) a += Math.abs(W[wo + c]!) * mg[c]!;
  v[j] = a;
  if (vErr) vErr[j] = ae;
}

/**
 * acc[ao + c] += Σ_j λ_j·W[j·cols + offset + c] over the live columns c (all of them when nl = size): the hot loop
 * of back-substitution, four multipliers at a time so that the row of acc is loaded and stored once per four
 * products (the error bound γ·Σ|terms| holds for any order of the additions). `pick` is scratch of n entries.
 */
function backRow(acc: Float64Array, ao: number, lr: Float64Array, lo: number, W: Float64Array, cols: number, offset: number, n: number, size: number, live: Int32Array, nl: number, pick: Int32Array): void {
  let p = 0;
  for (let j = 0; j < n; j++) if (lr[lo + j] !== 0) pick[p++] = j;
  let q = 0;
  for (; q + 4 <= p; q += 4) {
    const j0 = pick[q]!;
    const j1 = pick[q + 1]!;
    const j2 = pick[q + 2]!;
    const j3 = pick[q + 3]!;
    const l0 = lr[lo + j0]!;
    const l1 = lr[lo + j1]!;
    const l2 = lr[lo + j2]!;
    const l3 = lr[lo + j3]!;
    const w0 = j0 * cols + offset;
    const w1 = j1 * cols + offset;
    const w2 = j2 * cols + offset;
    const w3 = j3 * cols + offset;
    if (nl === size) for (let c = 0; c < size; c++) acc[ao + c] += l0 * W[w0 + c]! + l1 * W[w1 + c]! + l2 * W[w2 + c]! + l3 * W[w3 + c]!;
    else
      for (let t = 0; t < nl; t++) {
        const c = live[t]!;
        acc[ao + c] += l0 * W[w0 + c]! + l1 * W[w1 + c]! + l2 * W[w2 + c]! + l3 * W[w3 + c]!;
      }
  }
  for (; q < p; q++) {
    const j = pick[q]!;
    const l = lr[lo + j]!;
    const wo = j * cols + offset;
    if (nl === size) for (let c = 0; c < size; c++) acc[ao + c] += l * W[wo + c]!;
    else
      for (let t = 0; t < nl; t++) {
        const c = live[t]!;
        acc[ao + c] += l * W[wo + c]!;
      }
  }
}

/**
 * The magnitudes behind one row's rounding error: sums[0] = Σ_c |prev_c|·mg_c (when the node already held
 * multipliers) + Σ_j |λ_j|·v_j, sums[1] = Σ_j |λ_j|·vErr_j.
 */
function backRowError(prev: Float64Array | undefined, ao: number, mg: Float64Array, size: number, lr: Float64Array, lo: number, v: Float64Array, vErr: Float64Array | undefined, n: number, sums: Float64Array): void {
  let e = 0;
  let eWeights = 0;
  if (prev) for (let c = 0; c < size; c++) e += Math.abs(prev[ao + c]!) * mg[c]!;
  for (let j = 0; j < n; j++) {
    const l = lr[lo + j]!;
    if (l === 0) continue;
    e += Math.abs(l) * v[j]!;
    if (vErr) eWeights += Math.abs(l) * vErr[j]!;
  }
  sums[0] = e;
  sums[1] = eWeights;
}

/** Objective r through an activation node: λ_j·(a_j or s_j) into acc (the upper line for λ_j < 0), λ_j·t into K. */
function relaxBack(acc: Float64Array, lr: Float64Array, o: number, n: number, a: Float64Array, s: Float64Array, ta: Float64Array, tu: Float64Array, mg: Float64Array, r: number, K: Float64Array, Kabs: Float64Array, err: Float64Array): void {
  let e = 0;
  let k = 0;
  let ka = 0;
  for (let j = 0; j < n; j++) {
    const l = lr[o + j]!;
    if (l === 0) continue;
    const si = l >= 0 ? a[j]! : s[j]!;
    if (si !== 0) {
      const old = acc[o + j]!;
      const p = l * si;
      acc[o + j] = old + p;
      if (!(si === 1 && old === 0)) e += (Math.abs(old) + Math.abs(p)) * mg[j]!;
    }
    const t = l >= 0 ? ta[j]! : tu[j]!;
    if (t !== 0) {
      const kt = l * t;
      k += kt;
      ka += Math.abs(kt);
    }
  }
  err[r] += sumError(e, 2) + sumError(ka, n);
  K[r] += k;
  Kabs[r] += ka;
}

export interface ObjectiveBound {
  /** A sound lower bound of c·v over the box. */
  readonly bound: number;
  /** The coefficients of the final linear lower bound on the input (for split heuristics and proposals). */
  readonly coef: Float64Array;
  /** The back-substitution multipliers of every node's values (undefined where nothing flows back). */
  readonly lambda: readonly (Float64Array | undefined)[];
}

/** A sound lower bound of c·(values of node `start`, by default the output) over the box. */
export function objectiveLowerBound(fn: FloatNet, fb: FloatBounds, box: FloatBox, c: ArrayLike<number>, cErr?: ArrayLike<number>, start: number = fn.output, inject: readonly Injection[] = []): ObjectiveBound {
  const r = backSubstitute(fn, fb, box, start, Float64Array.from(c), 1, cErr ? Float64Array.from(cErr) : undefined, inject);
  return { bound: r.bounds[0]!, coef: r.coef, lambda: r.lambda };
}

// Test helpers of test/graph, written without the code under test: the regions of a network with ONE input over
// all of R (cut points found layer by layer by exact forward differencing inside each interval), random rational
// weights, and exact map differencing at two points.
import { ONE, ZERO, rat, type Rational } from "../../src/exact/rational.js";
import { evaluate } from "../../src/network/evaluate.js";
import { neuronFunction } from "../../src/network/activation.js";
import type { Network } from "../../src/network/ir.js";
import type { Region, RegionConstraint } from "../../src/regions/types.js";

interface Cut {
  readonly at: Rational;
  readonly layer: number;
  readonly neuron: number;
  readonly breakpoint: number;
}

/** Two points strictly inside the interval (lo, hi) (undefined = infinite end). */
function inside(lo: Rational | undefined, hi: Rational | undefined): [Rational, Rational] {
  if (lo && hi) {
    const w = hi.sub(lo);
    return [lo.add(w.div(3)), lo.add(w.mul(2).div(3))];
  }
  if (lo) return [lo.add(1), lo.add(2)];
  if (hi) return [hi.sub(2), hi.sub(1)];
  return [ZERO, ONE];
}

/** The slope and offset of the affine function through (p, fp) and (q, fq). */
export function affineThrough(p: Rational, fp: Rational, q: Rational, fq: Rational): [slope: Rational, offset: Rational] {
  const slope = fq.sub(fp).div(q.sub(p));
  return [slope, fp.sub(slope.mul(p))];
}

/** Every region of a one-input network over R, with exact maps from forward differencing. */
export function regionsOnTheLine(net: Network): Region[] {
  const cuts: Cut[] = [];
  const activations = net.nodes.flatMap((node, id) => (node.kind === "activation" ? [{ node, id }] : []));
  activations.forEach(({ node }, layer) => {
    const sorted = [...cuts].sort((p, q) => p.at.compare(q.at));
    const ends: (Rational | undefined)[] = [undefined, ...sorted.map((c) => c.at), undefined];
    for (let k = 0; k + 1 < ends.length; k++) {
      const lo = ends[k];
      const hi = ends[k + 1];
      const [p, q] = inside(lo, hi);
      const zp = evaluate(net, [p]).values[node.input]!;
      const zq = evaluate(net, [q]).values[node.input]!;
      for (let i = 0; i < node.size; i++) {
        const [slope, offset] = affineThrough(p, zp[i]!, q, zq[i]!);
        if (slope.n === 0n) continue;
        neuronFunction(node.activation, i).breakpoints.forEach((beta, j) => {
          const at = beta.sub(offset).div(slope);
          if ((lo === undefined || at.compare(lo) > 0) && (hi === undefined || at.compare(hi) < 0)) {
            if (!cuts.some((c) => c.at.equals(at))) cuts.push({ at, layer, neuron: i, breakpoint: j });
          }
        });
      }
    }
  });
  cuts.sort((p, q) => p.at.compare(q.at));
  const regions: Region[] = [];
  for (let k = 0; k <= cuts.length; k++) {
    const lo = k > 0 ? cuts[k - 1] : undefined;
    const hi = k < cuts.length ? cuts[k] : undefined;
    const [p, q] = inside(lo?.at, hi?.at);
    const witness = lo && hi ? lo.at.add(hi.at).div(2) : p;
    const fp = evaluate(net, [p]).output;
    const fq = evaluate(net, [q]).output;
    const pairs = fp.map((v, r) => affineThrough(p, v, q, fq[r]!));
    const constraints: RegionConstraint[] = [];
    if (lo) constraints.push({ a: [rat(-1)], b: lo.at.neg(), source: { kind: "neuron", layer: lo.layer, neuron: lo.neuron, breakpoint: lo.breakpoint } });
    if (hi) constraints.push({ a: [rat(1)], b: hi.at, source: { kind: "neuron", layer: hi.layer, neuron: hi.neuron, breakpoint: hi.breakpoint } });
    regions.push({
      id: k,
      pattern: evaluate(net, [witness]).pattern,
      witness: [witness],
      map: { A: pairs.map(([slope]) => [slope]), c: pairs.map(([, offset]) => offset) },
      constraints,
      bounded: Boolean(lo && hi),
    });
  }
  return regions;
}

/** A random nonzero rational p/q with |p| ≤ 9, 1 ≤ q ≤ 4. */
export function randomRational(next: () => number, allowZero = false): Rational {
  for (;;) {
    const p = Math.floor(next() * 19) - 9;
    const q = 1 + Math.floor(next() * 4);
    if (p !== 0 || allowZero) return rat(p, q);
  }
}

/** The rank of a rational matrix (exact Gaussian elimination). */
export function rank(rows: readonly (readonly Rational[])[]): number {
  const m = rows.map((r) => [...r]);
  let rk = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && rk < m.length; c++) {
    const p = m.findIndex((row, i) => i >= rk && row[c]!.n !== 0n);
    if (p < 0) continue;
    [m[rk], m[p]] = [m[p]!, m[rk]!];
    for (let i = 0; i < m.length; i++) {
      if (i === rk || m[i]![c]!.n === 0n) continue;
      const f = m[i]![c]!.div(m[rk]![c]!);
      m[i] = m[i]!.map((v, j) => v.sub(f.mul(m[rk]![j]!)));
    }
    rk++;
  }
  return rk;
}

/** All k-subsets of 0..n−1. */
export function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (n < k) return [];
  return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => [...s, n - 1])];
}

/**
 * Hyperplanes w_k·x + b_k = 0 in general position in R^d: every ≤ d normals independent, and no d+1 of the
 * hyperplanes through one point.
 */
export function inGeneralPosition(w: readonly (readonly Rational[])[], b: readonly Rational[]): boolean {
  const d = w[0]!.length;
  const m = w.length;
  for (let k = 1; k <= Math.min(d, m); k++) {
    if (subsets(m, k).some((s) => rank(s.map((i) => w[i]!)) < k)) return false;
  }
  if (m > d && subsets(m, d + 1).some((s) => rank(s.map((i) => [...w[i]!, b[i]!])) < d + 1)) return false;
  return true;
}

/** C(n, k). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return Math.round(r);
}

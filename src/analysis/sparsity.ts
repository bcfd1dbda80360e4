// Sparsity of activations (the article's P(wᵀx + b > 0) ≈ Φ(b/(σ√d))): per neuron the fraction of inputs on
// which it is active (above its lowest piece; for ReLU z > 0), from up to four sources side by side:
//  - formula: Φ((b − β)/(σ√d)) with σ² = mean of the neuron's squared weights, d its fan-in and β its lowest
//    breakpoint (0 for ReLU): an estimate; exact in distribution for a first-layer neuron when the inputs are
//    independent standard normals (then z ~ N(b, σ²d)), an assumption that fails deeper in the network;
//  - sampled: seeded random inputs (standard normal, or uniform in a box domain): an estimate with its 95%
//    Wilson interval;
//  - data: the exact share of the rows of a data set (exact forward passes);
//  - exact: on a bounded 2-D domain, the area of the regions where the neuron is active over the domain's
//    area, from the certified region enumeration with exact vertices (shoelace formula, rationals).
import { UsageError } from "../errors.js";
import { ZERO, rat, rationalToNumber, type Rational } from "../exact/rational.js";
import { neuronFunction } from "../network/activation.js";
import { evaluate } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import { resolveDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { collectRegions } from "../regions/enumerate.js";
import type { EnumerationStatus } from "../regions/types.js";
import { floatForward, floatNet } from "./float-net.js";
import { gaussianSampler, normalCdf, uniformSampler } from "./gaussian.js";

export interface SampledShare {
  readonly active: number;
  readonly samples: number;
  /** 95% Wilson score interval of the binomial proportion. */
  readonly interval: readonly [number, number];
}

export interface NeuronSparsity {
  readonly layer: number;
  readonly neuron: number;
  /** Φ((b − β)/(σ√d)); absent when the neuron is not fed by a dense node. */
  readonly formula?: number;
  readonly sampled?: SampledShare;
  /** Exact share of the data rows on which it is active. */
  readonly data?: Rational;
  /** Exact active area / domain area (bounded 2-D domains). */
  readonly exact?: Rational;
}

export interface SparsityResult {
  readonly neurons: NeuronSparsity[];
  /** Per activation layer, the mean over its neurons of each available quantity. */
  readonly layers: { readonly layer: number; readonly neurons: number; readonly formula?: number; readonly sampled?: number; readonly data?: Rational; readonly exact?: Rational }[];
  readonly sampler?: "standard-normal" | "uniform-box";
  readonly rows?: number;
  /** The exact areas' enumeration: region count, domain area, and whether it finished. */
  readonly enumeration?: { readonly regions: number; readonly area: Rational; readonly status: EnumerationStatus; readonly complete: boolean };
}

export interface SparsityOptions {
  /** Random inputs: standard normal, or uniform in the domain when it is a box. */
  readonly samples?: number;
  readonly seed?: number;
  /** Exact data rows (network inputs). */
  readonly data?: readonly (readonly Rational[])[];
  /** A domain: on a bounded 2-D one the exact area fractions are computed; a box also sets the sampler. */
  readonly domain?: DomainSpec;
  readonly maxRegions?: number;
  readonly timeoutMs?: number;
}

/** 95% Wilson score interval for k successes in n trials. */
export function wilsonInterval(k: number, n: number, z = 1.959963984540054): [number, number] {
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Twice the signed area of a polygon whose vertices are in order (shoelace), exact. */
export function doubledSignedArea(vertices: readonly (readonly Rational[])[]): Rational {
  let s = ZERO;
  vertices.forEach((p, i) => {
    const q = vertices[(i + 1) % vertices.length]!;
    s = s.add(p[0]!.mul(q[1]!).sub(q[0]!.mul(p[1]!)));
  });
  return s;
}

/**
 * The exact area of a convex polygon given by its vertices in any order: sorted by exact angle around a
 * vertex-average centre (half-plane, then cross-product comparisons), then the shoelace formula.
 */
export function convexPolygonArea(vertices: readonly (readonly Rational[])[]): Rational {
  if (vertices.length < 3) return ZERO;
  const n = rat(vertices.length);
  const cx = vertices.reduce((s, v) => s.add(v[0]!), ZERO).div(n);
  const cy = vertices.reduce((s, v) => s.add(v[1]!), ZERO).div(n);
  const rel = vertices.map((v) => [v[0]!.sub(cx), v[1]!.sub(cy)] as const);
  const half = (p: readonly [Rational, Rational]): number => (p[1].compare(0) > 0 || (p[1].compare(0) === 0 && p[0].compare(0) > 0) ? 0 : 1);
  const order = rel.map((_, i) => i).sort((i, j) => {
    const a = rel[i]!;
    const b = rel[j]!;
    const h = half(a) - half(b);
    if (h !== 0) return h;
    return -a[0].mul(b[1]).sub(a[1].mul(b[0])).compare(0);
  });
  return doubledSignedArea(order.map((i) => vertices[i]!)).abs().div(2);
}

/** Lowest breakpoint of every neuron of every activation layer. */
function activations(net: Network): { node: number; input: number; lowest: Rational[] }[] {
  return net.nodes.flatMap((node, id) => {
    if (node.kind !== "activation") return [];
    const lowest = Array.from({ length: node.size }, (_, i) => neuronFunction(node.activation, i).breakpoints[0] ?? ZERO);
    return [{ node: id, input: node.input, lowest }];
  });
}

export async function activationSparsity(net: Network, options: SparsityOptions): Promise<SparsityResult> {
  const acts = activations(net);
  const layerSizes = acts.map((a) => a.lowest.length);
  const cell = <T>(fill: () => T): T[][] => layerSizes.map((n) => Array.from({ length: n }, fill));

  // The formula, from each neuron's own dense row.
  const formula = acts.map((a) => {
    const feeding = net.nodes[a.input]!;
    if (feeding.kind !== "affine") return a.lowest.map(() => undefined);
    return a.lowest.map((beta, i) => {
      const w = feeding.weights[i]!.map(rationalToNumber);
      const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0)); // σ√d with σ² = mean(w²)
      const shift = rationalToNumber(feeding.bias[i]!.sub(beta));
      return norm === 0 ? (shift > 0 ? 1 : 0) : normalCdf(shift / norm);
    });
  });

  // Exact areas on a bounded 2-D domain.
  let exact: Rational[][] | undefined;
  let enumeration: SparsityResult["enumeration"];
  let bounds: [number, number][] | undefined;
  const resolved = options.domain ? resolveDomain(net, options.domain) : undefined;
  if (resolved && resolved.polyhedron.dim === 2) {
    const { regions, result } = await collectRegions(net, options.domain, {
      collectVertices: true, irredundant: true, certify: true,
      ...(options.maxRegions !== undefined ? { maxRegions: options.maxRegions } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    if (regions.some((r) => !r.bounded)) throw new UsageError("analysis/sparsity: the 2-D domain is unbounded; exact area fractions need a bounded domain (add --box)");
    const areas = regions.map((r) => convexPolygonArea(r.vertices ?? []));
    const total = areas.reduce((s, a) => s.add(a), ZERO);
    enumeration = { regions: regions.length, area: total, status: result.status, complete: result.complete };
    if (result.complete && total.compare(0) > 0) {
      exact = cell(() => ZERO);
      regions.forEach((r, k) => r.pattern.forEach((layer, l) => layer.forEach((piece, i) => {
        if (piece > 0) exact![l]![i] = exact![l]![i]!.add(areas[k]!);
      })));
      exact = exact.map((layer) => layer.map((a) => a.div(total)));
    }
    const vs = regions.flatMap((r) => r.vertices ?? []).map((v) => v.map(rationalToNumber));
    bounds = [0, 1].map((k) => [Math.min(...vs.map((v) => v[k]!)), Math.max(...vs.map((v) => v[k]!))] as [number, number]);
  }

  // Samples.
  let sampled: SampledShare[][] | undefined;
  let sampler: SparsityResult["sampler"];
  if (options.samples !== undefined) {
    if (!Number.isSafeInteger(options.samples) || options.samples < 1) throw new UsageError(`analysis/sparsity: the number of samples must be a positive integer, not ${options.samples}`);
    const seed = options.seed ?? 1;
    const engineNet = resolved ? resolved.network : net;
    const dim = resolved ? resolved.polyhedron.dim : net.nodes[0]!.size;
    let draw: () => number[];
    const inside = (p: number[]): boolean => !resolved || resolved.polyhedron.halfspaces.every((h) => h.a.reduce((s, a, i) => s + rationalToNumber(a) * p[i]!, 0) <= rationalToNumber(h.b));
    if (!options.domain || options.domain.kind === "all") {
      const g = gaussianSampler(seed);
      draw = () => Array.from({ length: dim }, g);
      sampler = "standard-normal";
    } else {
      const spec = options.domain;
      const box = spec.kind === "box" ? spec.lo.map((lo, i) => [rationalToNumber(lo), rationalToNumber(spec.hi[i]!)] as [number, number]) : bounds;
      if (!box) throw new UsageError("analysis/sparsity: --samples on this domain needs a box, or a bounded 2-D domain (a --plane slice with --box)");
      const u = box.map(([lo, hi], i) => uniformSampler(seed * 1000 + i, lo, hi));
      draw = () => {
        for (;;) {
          const p = u.map((f) => f());
          if (inside(p)) return p;
        }
      };
      sampler = "uniform-box";
    }
    const fn = floatNet(engineNet);
    const engineActs = activations(engineNet);
    const counts = layerSizes.map((n) => new Array<number>(n).fill(0));
    const lowestF = acts.map((a) => a.lowest.map(rationalToNumber));
    for (let s = 0; s < options.samples; s++) {
      const values = floatForward(fn, draw());
      engineActs.forEach((a, l) => {
        const z = values[a.input]!;
        for (let i = 0; i < z.length; i++) if (z[i]! > lowestF[l]![i]!) counts[l]![i]!++;
      });
    }
    sampled = counts.map((layer) => layer.map((k) => ({ active: k, samples: options.samples!, interval: wilsonInterval(k, options.samples!) })));
  }

  // Data rows, exactly.
  let data: Rational[][] | undefined;
  if (options.data) {
    if (options.data.length === 0) throw new UsageError("analysis/sparsity: the data set has no rows");
    const counts = layerSizes.map((n) => new Array<number>(n).fill(0));
    for (const row of options.data) {
      evaluate(net, row).pattern.forEach((layer, l) => layer.forEach((piece, i) => {
        if (piece > 0) counts[l]![i]!++;
      }));
    }
    data = counts.map((layer) => layer.map((k) => rat(k, options.data!.length)));
  }

  const neurons: NeuronSparsity[] = acts.flatMap((a, l) => a.lowest.map((_, i) => ({
    layer: l, neuron: i,
    ...(formula[l]![i] !== undefined ? { formula: formula[l]![i]! } : {}),
    ...(sampled ? { sampled: sampled[l]![i]! } : {}),
    ...(data ? { data: data[l]![i]! } : {}),
    ...(exact ? { exact: exact[l]![i]! } : {}),
  })));
  const meanF = (xs: readonly (number | undefined)[]): number | undefined => (xs.every((x) => x !== undefined) && xs.length ? (xs as number[]).reduce((s, v) => s + v, 0) / xs.length : undefined);
  const meanR = (xs: readonly Rational[]): Rational => xs.reduce((s, v) => s.add(v), ZERO).div(xs.length);
  const layers = layerSizes.map((n, l) => {
    const f = meanF(formula[l]!);
    return {
      layer: l, neurons: n, ...(f !== undefined ? { formula: f } : {}),
      ...(sampled ? { sampled: meanF(sampled[l]!.map((s) => s.active / s.samples))! } : {}),
      ...(data ? { data: meanR(data[l]!) } : {}),
      ...(exact ? { exact: meanR(exact[l]!) } : {}),
    };
  });
  return { neurons, layers, ...(sampler ? { sampler } : {}), ...(options.data ? { rows: options.data.length } : {}), ...(enumeration ? { enumeration } : {}) };
}

// Shards for batch engines (--shard i/N, docs/scale.md): every shard computes the same cut of the split tree
// without talking to the others, and takes its share. The cut is weighted: a fixed, seeded sample of points
// of the domain is pushed through the network in floats; each point's activation pattern is the path of the
// leaf (region) it falls in, so the sorted distinct patterns estimate how the regions spread over the tree in
// depth-first order. The tree is cut into PIECES_PER_SHARD·N intervals of about equal estimated weight, each
// boundary at the shallowest node between two neighbouring sampled leaves, and shard i takes every N-th
// interval (interleaving evens out where the estimate is biased). A boundary is used only when an exact
// forward pass proves the node exists (its sample point lies strictly inside it), so a unit never starts at a
// path that is not a node; floats only weigh. Each boundary depends on its index alone, so a shard proves
// only the boundaries of its own intervals (about 2·PIECES_PER_SHARD exact passes whatever N; the float
// sample is the same in every shard). When the sample cannot weigh the tree (too few distinct patterns, an unsampleable domain), the
// exact breadth-first cut of cutTree is used instead. Whatever the cut, `tessera merge` checks that the
// parts tile the tree (part-file.ts, gapsIn), so shards that disagreed could never give a wrong count.
import { DyadicField, RationalField, type Field } from "../exact/field.js";
import { rationalFromFloat64 } from "../exact/float.js";
import { seededRandom } from "../exact/random.js";
import { rationalToNumber, sign, type Rational } from "../exact/rational.js";
import type { Polyhedron } from "../geometry/types.js";
import { neuronFunction } from "../network/activation.js";
import { evaluateIn, isDyadicNetwork } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import type { UnitEngine } from "./unit-runner.js";
import { ROOT_UNIT, type WorkUnit } from "./work-unit.js";

/** Units per shard in the exact fallback cut (more: better balance, a little more replay). */
export const UNITS_PER_SHARD = 16;
/** Weighted intervals per shard (interleaved across shards). */
export const PIECES_PER_SHARD = 4;
/** Sample points (fewer on big networks: about SAMPLE_BUDGET multiply-adds in all). */
const MAX_SAMPLES = 4096;
const MIN_SAMPLES = 512;
const SAMPLE_BUDGET = 6e7;
/** The seed of the sample: part of the cut, so every shard of every machine draws the same points. */
const SEED = 0x5eed;

/**
 * The tree cut into at least `target` units (fewer when the tree has fewer branches), in tree order: the unit
 * whose start is nearest the root is cut first (the first in tree order on ties). Exact but costly (each cut
 * replays a path from the root): the fallback of shardUnits.
 */
export function cutTree(engine: UnitEngine, target: number): WorkUnit[] {
  const units: WorkUnit[] = [ROOT_UNIT];
  const whole = new Set<WorkUnit>();
  while (units.length < target) {
    let best = -1;
    units.forEach((u, i) => {
      if (!whole.has(u) && (best < 0 || u.start.length < units[best]!.start.length)) best = i;
    });
    if (best < 0) break;
    const unit = units[best]!;
    let given: WorkUnit | undefined;
    engine.run(unit, { poll: () => "split", item: () => undefined, box: () => undefined, donated: (g) => (given = g), cursor: () => undefined });
    if (!given) {
      // No node with two children waiting in it: it stays whole.
      whole.add(unit);
      continue;
    }
    units.splice(best, 1, { start: unit.start, end: given.start }, given);
  }
  return units;
}

/** The units of shard `index` (1-based) of `count`: every count-th unit of a cut, from the index-th. */
export function shardOf(units: readonly WorkUnit[], index: number, count: number): WorkUnit[] {
  return units.filter((_, k) => k % count === index - 1);
}

/** A sampled leaf: its path (the pattern, neuron by neuron in topological order) and the point that gave it. */
interface Leaf {
  readonly path: Int32Array;
  readonly point: Float64Array;
}

/** Float weights of the network (proposals only: they weigh, never decide). */
interface FloatLayer {
  readonly kind: "input" | "affine" | "activation";
  readonly size: number;
  readonly inputs: readonly number[];
  readonly W?: Float64Array;
  readonly b?: Float64Array;
  /** Per neuron: breakpoints, slopes, intercepts. */
  readonly pwl?: readonly { bp: number[]; sl: number[]; ic: number[] }[];
}

function floatLayers(net: Network): FloatLayer[] {
  return net.nodes.map((node) => {
    if (node.kind === "input") return { kind: "input", size: node.size, inputs: [] };
    if (node.kind === "affine") {
      const cols = node.weights[0]?.length ?? 0;
      const W = new Float64Array(node.size * cols);
      node.weights.forEach((row, r) => row.forEach((w, c) => (W[r * cols + c] = rationalToNumber(w))));
      return { kind: "affine", size: node.size, inputs: node.inputs, W, b: Float64Array.from(node.bias, rationalToNumber) };
    }
    const pwl = Array.from({ length: node.size }, (_, i) => {
      const f = neuronFunction(node.activation, i);
      return { bp: f.breakpoints.map(rationalToNumber), sl: f.slopes.map(rationalToNumber), ic: f.intercepts.map(rationalToNumber) };
    });
    return { kind: "activation", size: node.size, inputs: [node.input], pwl };
  });
}

/**
 * The leaf path of a point: the piece of every neuron in topological order (float forward pass). One buffer
 * per node, made once and reused for every point (the sample's forward passes are most of the cut's cost).
 */
function leafPaths(layers: readonly FloatLayer[], neurons: number): (x: Float64Array) => Int32Array {
  const values = layers.map((layer) => new Float64Array(layer.size));
  const concat = layers.map((layer) => (layer.kind === "affine" && layer.inputs.length > 1 ? new Float64Array(layer.inputs.reduce((s, i) => s + layers[i]!.size, 0)) : undefined));
  return (x) => {
    const path = new Int32Array(neurons);
    let j = 0;
    for (let n = 0; n < layers.length; n++) {
      const layer = layers[n]!;
      const size = layer.size;
      const out = values[n]!;
      if (layer.kind === "input") {
        out.set(x);
        continue;
      }
      if (layer.kind === "affine") {
        const inputs = layer.inputs;
        let args = values[inputs[0]!]!;
        const joined = concat[n];
        if (joined) {
          let at = 0;
          for (const i of inputs) {
            joined.set(values[i]!, at);
            at += values[i]!.length;
          }
          args = joined;
        }
        const cols = args.length;
        const W = layer.W!;
        const b = layer.b!;
        for (let r = 0; r < size; r++) {
          let s = b[r]!;
          const base = r * cols;
          for (let c = 0; c < cols; c++) s += W[base + c]! * args[c]!;
          out[r] = s;
        }
      } else {
        const z = values[layer.inputs[0]!]!;
        const pwl = layer.pwl!;
        for (let i = 0; i < size; i++) {
          const f = pwl[i]!;
          const zi = z[i]!;
          const bp = f.bp;
          let p = 0;
          while (p < bp.length && zi > bp[p]!) p++;
          path[j++] = p;
          out[i] = f.sl[p]! * zi + f.ic[p]!;
        }
      }
    }
    return path;
  };
}

/**
 * Seeded points of the polyhedron: uniform in the box its axis-parallel half-spaces give ([-1, 1] on a side
 * they leave open), kept when every half-space holds with a margin in floats. Undefined when none is found.
 */
function samplePoints(P: Polyhedron, count: number): Float64Array[] | undefined {
  const d = P.dim;
  const lo = new Float64Array(d).fill(-Infinity);
  const hi = new Float64Array(d).fill(Infinity);
  const rows = P.halfspaces.map((h) => ({ a: h.a.map(rationalToNumber), b: rationalToNumber(h.b) }));
  for (const { a, b } of rows) {
    const nonzero = a.flatMap((v, i) => (v !== 0 ? [i] : []));
    if (nonzero.length !== 1) continue;
    const i = nonzero[0]!;
    const bound = b / a[i]!;
    if (a[i]! > 0) hi[i] = Math.min(hi[i]!, bound);
    else lo[i] = Math.max(lo[i]!, bound);
  }
  for (let i = 0; i < d; i++) {
    if (lo[i] === -Infinity && hi[i] === Infinity) [lo[i], hi[i]] = [-1, 1];
    else if (lo[i] === -Infinity) lo[i] = hi[i]! - 2;
    else if (hi[i] === Infinity) hi[i] = lo[i]! + 2;
    if (!(hi[i]! > lo[i]!) || !Number.isFinite(hi[i]! - lo[i]!)) return undefined;
  }
  const next = seededRandom(SEED);
  const points: Float64Array[] = [];
  for (let tries = 0; points.length < count && tries < 8 * count; tries++) {
    const x = Float64Array.from({ length: d }, (_, i) => lo[i]! + (hi[i]! - lo[i]!) * next());
    const inside = rows.every(({ a, b }) => {
      let s = 0;
      let m = Math.abs(b);
      for (let i = 0; i < d; i++) {
        s += a[i]! * x[i]!;
        m += Math.abs(a[i]! * x[i]!);
      }
      return s < b - 1e-9 * (m + 1);
    });
    if (inside) points.push(x);
  }
  return points.length > 0 ? points : undefined;
}

function comparePathArrays(a: Int32Array, b: Int32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * True when the node `path` (a prefix of the leaf of x) is a node of the split tree: x lies strictly inside the
 * domain and every neuron on the path strictly inside the path's piece, exactly. Then x is an interior point
 * of the node's region, so every decision along the path keeps that piece as a child.
 */
function provesNode<T>(F: Field<T>, net: Network, P: Polyhedron, x: readonly Rational[], path: readonly number[]): boolean {
  for (const h of P.halfspaces) {
    let s = h.b.neg();
    h.a.forEach((a, i) => (s = s.add(a.mul(x[i]!))));
    if (sign(s) >= 0) return false;
  }
  const ev = evaluateIn(F, net, x.map((v) => F.fromRational(v)));
  const flat = ev.pattern.flat();
  const tied = new Set(ev.ties.map((t) => ev.pattern.slice(0, t.layer).reduce((s, l) => s + l.length, 0) + t.neuron));
  return path.every((p, j) => flat[j] === p && !tied.has(j));
}

/** The sampled weighing of the tree: its distinct sampled leaves in tree order, with what the proofs need. */
interface Weighing {
  readonly net: Network;
  readonly P: Polyhedron;
  readonly F: Field<unknown>;
  readonly distinct: readonly Leaf[];
}

/** The sample's leaves, or undefined when it cannot weigh the tree into `pieces` intervals (then the caller cuts exactly). */
function weigh(engine: UnitEngine, pieces: number): Weighing | undefined {
  const { network: net, polyhedron: P } = engine.resolved;
  const layers = floatLayers(net);
  const neurons = layers.reduce((s, l) => s + (l.kind === "activation" ? l.size : 0), 0);
  if (neurons === 0) return undefined;
  const macs = layers.reduce((s, l) => s + (l.W?.length ?? 0), 0);
  const points = samplePoints(P, Math.max(MIN_SAMPLES, Math.min(MAX_SAMPLES, Math.floor(SAMPLE_BUDGET / Math.max(1, macs)))));
  if (!points) return undefined;
  // Distinct sampled leaves in tree order (depth-first preorder of equal-length paths is lexicographic).
  const leafPath = leafPaths(layers, neurons);
  const leaves: Leaf[] = points.map((point) => ({ path: leafPath(point), point }));
  leaves.sort((a, b) => comparePathArrays(a.path, b.path));
  const distinct = leaves.filter((l, k) => k === 0 || comparePathArrays(l.path, leaves[k - 1]!.path) !== 0);
  if (distinct.length < 2 * pieces) return undefined;
  // Sample points are floats, hence dyadic: a dyadic network is evaluated on the fast exact path.
  const F = (isDyadicNetwork(net) ? DyadicField : RationalField) as Field<unknown>;
  return { net, P, F, distinct };
}

/**
 * Boundary k (0 < k < pieces) of the cut, or undefined when no candidate near its target is proved a node.
 * It depends on k alone (not on the other boundaries), so a shard computes only the boundaries of its own
 * intervals. Candidates are the sampled leaves at positions near the target k·D/pieces (D distinct leaves),
 * within a quarter interval and strictly between the midpoints to the neighbouring targets: the windows of
 * two boundaries never overlap, so boundaries at increasing positions are nodes in increasing tree order
 * (the node of leaf t after leaf t−1 is never an ancestor of an earlier leaf's, as all leaves between two
 * share their common prefix). The boundary between neighbouring leaves a < b is the shallowest node above b
 * after a: b's first c+1 choices, c = where they first differ; the shallowest proved one near the target wins.
 */
function boundary(w: Weighing, pieces: number, k: number): number[] | undefined {
  const D = w.distinct.length;
  const target = (j: number): number => Math.round((j * D) / pieces);
  const reach = Math.max(1, Math.floor(D / pieces / 4));
  const from = Math.max(1, target(k) - reach, Math.floor((target(k - 1) + target(k)) / 2) + 1);
  const to = Math.min(D - 1, target(k) + reach, Math.floor((target(k) + target(k + 1)) / 2));
  const candidates: { c: number; at: number }[] = [];
  for (let t = from; t <= to; t++) {
    const a = w.distinct[t - 1]!.path;
    const b = w.distinct[t]!.path;
    let c = 0;
    while (a[c] === b[c]) c++;
    candidates.push({ c, at: t });
  }
  candidates.sort((x, y) => x.c - y.c || Math.abs(x.at - target(k)) - Math.abs(y.at - target(k)) || x.at - y.at);
  for (const { c, at } of candidates) {
    const leaf = w.distinct[at]!;
    const start = Array.from(leaf.path.subarray(0, c + 1));
    const x = Array.from(leaf.point, (v) => rationalFromFloat64(v)!);
    if (provesNode(w.F, w.net, w.P, x, start)) return start;
  }
  return undefined;
}

/**
 * The intervals of the weighted cut into `pieces` whose index (0 ≤ k < pieces) `take` accepts: interval k starts
 * at boundary k (the root for k = 0) and ends at the next boundary that exists; when boundary k does not exist,
 * interval k is empty (the one before it covers its part). Only the boundaries of the taken intervals (and the
 * next existing ones) are proved. Undefined when the sample cannot weigh the tree, or when no boundary at all
 * exists (a cut of one interval balances nothing).
 */
function weightedIntervals(engine: UnitEngine, pieces: number, take: (k: number) => boolean): WorkUnit[] | undefined {
  const w = weigh(engine, pieces);
  if (!w) return undefined;
  const known = new Map<number, number[] | undefined>([[0, []]]);
  const at = (k: number): number[] | undefined => {
    if (!known.has(k)) known.set(k, boundary(w, pieces, k));
    return known.get(k);
  };
  const units: WorkUnit[] = [];
  for (let k = 0; k < pieces; k++) {
    if (!take(k)) continue;
    const start = at(k);
    if (!start) continue;
    let next = k + 1;
    while (next < pieces && !at(next)) next++;
    units.push(next < pieces ? { start, end: at(next)! } : { start });
  }
  // Some boundary must exist (the same answer in every shard): look further only when none was met yet.
  for (let k = 1; k < pieces && ![...known.values()].some((b) => b !== undefined && b.length > 0); k++) at(k);
  return [...known.values()].some((b) => b !== undefined && b.length > 0) ? units : undefined;
}

/**
 * The weighted cut of the tree into about `pieces` intervals in tree order, or undefined when the sample cannot
 * weigh it (then the caller cuts exactly). Exported for tests and the shard benchmark.
 */
export function weightedCut(engine: UnitEngine, pieces: number): WorkUnit[] | undefined {
  if (pieces <= 1) return [ROOT_UNIT];
  return weightedIntervals(engine, pieces, () => true);
}

/** Shard `index` (1-based) of `count`: intervals index−1, index−1+count, … of the weighted cut into `pieces`, proving only their boundaries. */
export function weightedShare(engine: UnitEngine, pieces: number, index: number, count: number): WorkUnit[] | undefined {
  if (pieces <= 1) return index === 1 ? [ROOT_UNIT] : [];
  return weightedIntervals(engine, pieces, (k) => k % count === index - 1);
}

/** The units of shard `index` (1-based) of `count`: its interleaved share of the weighted cut (exact cut as fallback). */
export function shardUnits(engine: UnitEngine, index: number, count: number): WorkUnit[] {
  if (count === 1) return [ROOT_UNIT];
  return weightedShare(engine, PIECES_PER_SHARD * count, index, count) ?? shardOf(cutTree(engine, UNITS_PER_SHARD * count), index, count);
}

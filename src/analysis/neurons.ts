// `neurons`: every neuron classified on a domain, each answer certified. Dead (always on the lowest piece —
// the dying ReLU), always active (always on the highest piece: it acts linearly and could be folded),
// stable on another piece, or unstable (with an exactly evaluated witness point for each side it reaches).
// Proofs, cheapest first: exact symbolic bounds of the pre-activation on a box (exact-bounds.ts, with
// back-substitution); witness points found by sampling and checked by exact forward passes; and for what
// is still open, the complete region enumeration (every region's pattern is the neuron's piece on an open
// set). With data rows: how many rows activate each neuron and the share of active neurons per row.
import { Rational } from "../exact/rational.js";
import { dyadicFromFloat64 } from "../exact/float.js";
import type { DomainSpec } from "../geometry/types.js";
import { neuronFunction } from "../network/activation.js";
import { Dyadic } from "../exact/dyadic.js";
import { evaluate, evaluateDyadic, isDyadicNetwork } from "../network/evaluate.js";
import { floatNet, floatForward, type FloatActivation } from "./float-net.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds } from "../network/ir.js";
import { enumerate, type RunOptions } from "../regions/run.js";
import { inputPoint } from "./bounds.js";
import { exactPropagate, floorDyadic, ceilDyadic } from "./exact-bounds.js";
import { seededRandom } from "../exact/random.js";
import { deadlineAt, DeadlineError, withDeadline, type Expired } from "../geometry/deadline.js";

export type NeuronStatus = "dead" | "always-active" | "stable" | "unstable" | "undecided";

export interface NeuronReport {
  readonly layer: number;
  readonly neuron: number;
  readonly status: NeuronStatus;
  /** The pieces the neuron reaches (0 = lowest); exactly these when the status is decided. */
  readonly pieces: readonly number[];
  /** One exactly evaluated input per piece reached. */
  readonly witnesses: readonly { readonly piece: number; readonly point: readonly Rational[] }[];
  /** What proves the status: exact pre-activation bounds, witnesses, or the complete region enumeration. */
  readonly proof: "bounds" | "witnesses" | "regions" | "none";
  /** Exact bounds of the pre-activation on the (outward-rounded) box, when computed. */
  readonly preActivation?: { readonly lo: Rational; readonly hi: Rational };
}

export interface NeuronsResult {
  readonly neurons: readonly NeuronReport[];
  readonly counts: Readonly<Record<NeuronStatus, number>>;
  /** False when an enumeration limit left some neurons undecided. */
  readonly complete: boolean;
}

export interface NeuronsOptions {
  /** Random points sampled for witnesses (float passes; exact ones only for new pieces). Default 2000. */
  readonly samples?: number;
  readonly maxRegions?: number;
  readonly timeoutMs?: number;
  readonly seed?: number;
  /** Worker threads for the enumeration (regions/run.ts); default 1. */
  readonly workers?: number;
  /** Who runs the enumeration's work units (regions/run.ts; `tessera merge` replays shard parts). */
  readonly runner?: RunOptions["runner"];
}

interface Acc {
  pieces: Map<number, Rational[]>;
  proof: NeuronReport["proof"];
  bounds?: { lo: Rational; hi: Rational };
  boundPieces?: number[];
}

export async function classifyNeurons(net: Network, domain: DomainSpec | undefined, options: NeuronsOptions = {}): Promise<NeuronsResult> {
  // --timeout covers every step (at the parameter limit one exact forward pass is about a second): steps 1–2
  // look at the clock between passes, step 3 gets what is left.
  const start = performance.now();
  const timeoutMs = options.timeoutMs ?? Infinity;
  const left = (): number => timeoutMs - (performance.now() - start);
  const expired = deadlineAt(start + timeoutMs);
  const layers = activationNodeIds(net);
  const acc: Acc[][] = layers.map((id) => Array.from({ length: net.nodes[id]!.size }, () => ({ pieces: new Map<number, Rational[]>(), proof: "none" as const })));
  const spec = domain ?? (net.inputBox ? { kind: "box" as const, lo: net.inputBox.map(([l]) => l), hi: net.inputBox.map(([, h]) => h) } : undefined);
  const dyadicNet = isDyadicNetwork(net);
  const record = (x: Rational[]): void => {
    const dx = dyadicNet ? x.map((v) => Dyadic.fromRational(v)) : [];
    const ev = dyadicNet && dx.every((v) => v !== undefined) ? evaluateDyadic(net, dx as Dyadic[]) : evaluate(net, x);
    // A pre-activation exactly on a breakpoint is on both pieces' closures: not a witness of either side.
    const tied = new Set(ev.ties.map((t) => `${t.layer}/${t.neuron}`));
    // x is a fresh array of its own: every neuron it witnesses shares it (a copy each was 16 KB per neuron at 2047 inputs).
    ev.pattern.forEach((row, l) => row.forEach((p, j) => {
      const a = acc[l]![j]!;
      if (!a.pieces.has(p) && !tied.has(`${l}/${j}`)) a.pieces.set(p, x);
    }));
  };
  // 1. Exact pre-activation bounds on a box: the pieces each neuron can reach at all.
  const decided = (a: Acc): boolean => a.boundPieces !== undefined && a.boundPieces.every((k) => a.pieces.has(k));
  // The exact bounds stop at the deadline inside their passes (DeadlineError): no bounds, no neuron decided by them.
  const eb =
    spec?.kind === "box" && left() > 0
      ? untilDeadline(expired, () => exactPropagate(net, { lo: spec.lo.map((v) => floorDyadic(v, -80)), hi: spec.hi.map((v) => ceilDyadic(v, -80)) }, { refine: true }))
      : undefined;
  if (spec?.kind === "box" && eb) {
    layers.forEach((id, l) => {
      const node = net.nodes[id]!;
      if (node.kind !== "activation") return;
      for (let j = 0; j < node.size; j++) {
        const lo = eb.lo[node.input]![j]!.toRational();
        const hi = eb.hi[node.input]![j]!.toRational();
        const bps = neuronFunction(node.activation, j).breakpoints;
        // Piece k is reached on an open set only if (b_{k-1}, b_k) meets [lo, hi] (at a breakpoint both
        // neighbouring pieces give the same value, so z ≥ 0 everywhere means a ReLU acts linearly).
        let reach = Array.from({ length: bps.length + 1 }, (_, k) => k).filter(
          (k) => (k === 0 || hi.compare(bps[k - 1]!) > 0) && (k === bps.length || lo.compare(bps[k]!) < 0),
        );
        if (reach.length === 0) reach = [bps.findIndex((b) => lo.compare(b) <= 0)];
        acc[l]![j]!.bounds = { lo, hi };
        acc[l]![j]!.boundPieces = reach;
      }
    });
    // 2. Witnesses: the centre and random dyadic points of the box.
    const rand = seededRandom(options.seed ?? 1);
    const lo = spec.lo.map((v) => v.valueOf());
    const hi = spec.hi.map((v) => v.valueOf());
    if (left() > 0) record(spec.lo.map((v, i) => v.add(spec.hi[i]!).div(2)));
    // Floats propose: a sample is evaluated exactly only when its float pass reaches a piece not yet witnessed.
    const fn = left() > 0 ? floatNet(net) : undefined;
    // A box beyond float range has no float samples (the centre above is exact).
    const samples = fn && [...lo, ...hi].every(Number.isFinite) ? (options.samples ?? 2000) : 0;
    const open = (): boolean => acc.some((row) => row.some((a) => !decided(a)));
    for (let n = 0; fn && n < samples && left() > 0 && open(); n++) {
      // On a grid of 1024 cells per coordinate (cell centres): short dyadics, so witnesses print short.
      const xf = lo.map((l, i) => Math.min(hi[i]!, Math.max(l, l + ((Math.floor(rand() * 1024) + 0.5) / 1024) * (hi[i]! - l))));
      const values = floatForward(fn, xf);
      const fresh = layers.some((id, l) => {
        const node = net.nodes[id]!;
        if (node.kind !== "activation") return false;
        const z = values[node.input]!;
        return acc[l]!.some((a, j) => {
          const bps = fn.nodes[id]!.kind === "activation" ? (fn.nodes[id] as FloatActivation).neurons[j]!.bp : new Float64Array();
          let k = 0;
          while (k < bps.length && z[j]! > bps[k]!) k++;
          return !a.pieces.has(k);
        });
      });
      if (!fresh) continue;
      const x = xf.map((v, i) => {
        const r = dyadicFromFloat64(v)!.toRational();
        return r.compare(spec.lo[i]!) < 0 ? spec.lo[i]! : r.compare(spec.hi[i]!) > 0 ? spec.hi[i]! : r;
      });
      record(x);
    }
  }
  // 3. The rest from the region enumeration (every region's pattern holds on an open set of the domain).
  let complete = true;
  if (acc.some((row) => row.some((a) => !decided(a))) && left() <= 0) complete = false;
  else if (acc.some((row) => row.some((a) => !decided(a)))) {
    const res = await enumerate(net, domain, {
      workers: options.workers ?? 1,
      ...(options.runner ? { runner: options.runner } : {}),
      irredundant: false,
      maxRegions: options.maxRegions ?? Infinity,
      timeoutMs: left(),
      onRegion: (r) => {
        r.pattern.forEach((row, l) => row.forEach((p, j) => {
          const a = acc[l]![j]!;
          if (!a.pieces.has(p)) a.pieces.set(p, [...r.witness]);
        }));
      },
    });
    complete = res.complete;
    const sp = res.domain.spec;
    for (const row of acc) {
      for (const a of row) {
        for (const [p, x] of a.pieces) a.pieces.set(p, inputPoint(sp, x));
        if (!decided(a) && complete) a.proof = "regions";
      }
    }
  }
  const counts: Record<NeuronStatus, number> = { dead: 0, "always-active": 0, stable: 0, unstable: 0, undecided: 0 };
  const neurons: NeuronReport[] = [];
  layers.forEach((id, l) => {
    const node = net.nodes[id]!;
    acc[l]!.forEach((a, j) => {
      const pieceCount = node.kind === "activation" ? neuronFunction(node.activation, j).breakpoints.length + 1 : 1;
      const reached = [...a.pieces.keys()].sort((p, q) => p - q);
      let proof: NeuronReport["proof"] = a.proof;
      let pieces = reached;
      if (decided(a)) {
        proof = a.boundPieces!.length === 1 ? "bounds" : "witnesses";
        pieces = a.boundPieces!;
      } else if (reached.length > 1 && proof === "none") proof = "witnesses";
      const status: NeuronStatus =
        proof === "none" ? "undecided" : pieces.length > 1 ? "unstable" : pieces[0] === 0 ? "dead" : pieces[0] === pieceCount - 1 ? "always-active" : "stable";
      counts[status]++;
      neurons.push({
        layer: l,
        neuron: j,
        status,
        pieces,
        witnesses: reached.filter((p) => pieces.includes(p)).map((p) => ({ piece: p, point: a.pieces.get(p)! })),
        proof,
        ...(a.bounds ? { preActivation: a.bounds } : {}),
      });
    });
  });
  return { neurons, counts, complete };
}

/** fn's value, or undefined when the deadline passed inside it (what it computed so far is dropped). */
function untilDeadline<R>(expired: Expired | undefined, fn: () => R): R | undefined {
  try {
    return withDeadline(expired, fn);
  } catch (error) {
    if (error instanceof DeadlineError) return undefined;
    throw error;
  }
}

export interface ActivityResult {
  readonly rows: number;
  /** Per neuron (layer-major): rows on which it is active (piece ≥ 1). */
  readonly activeCounts: readonly (readonly number[])[];
  /** Neurons never active on the data. */
  readonly deadOnData: readonly { readonly layer: number; readonly neuron: number }[];
  /** Per row: the share of neurons active (the sparsity of the activations), as an exact fraction. */
  readonly activeShare: readonly Rational[];
}

/** Activity on data rows (exact forward passes). */
export function dataActivity(net: Network, rows: readonly (readonly Rational[])[]): ActivityResult {
  const layers = activationNodeIds(net);
  const counts = layers.map((id) => new Array<number>(net.nodes[id]!.size).fill(0));
  const total = counts.reduce((s, c) => s + c.length, 0);
  const activeShare = rows.map((x) => {
    const ev = evaluate(net, x);
    let active = 0;
    ev.pattern.forEach((row, l) => row.forEach((p, j) => {
      if (p >= 1) {
        counts[l]![j]!++;
        active++;
      }
    }));
    return new Rational(BigInt(active), BigInt(Math.max(total, 1)));
  });
  const deadOnData = counts.flatMap((row, layer) => row.flatMap((c, neuron) => (c === 0 ? [{ layer, neuron }] : [])));
  return { rows: rows.length, activeCounts: counts, deadOnData, activeShare };
}


// Statistics of the gradient jumps, per neuron: on how many facets it bends the function, how often it flips
// alone or together with coincident neurons, how many of its facets leave the map unchanged, and its largest
// jump (squared Frobenius norm and largest entry, both exact). Every neuron is listed, also those that never flip.
import { ZERO, maxRational, type Rational } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import { jumpNorms } from "./gradient-jump.js";
import type { RegionGraph } from "./types.js";

export interface NeuronJumpStats {
  readonly layer: number;
  readonly neuron: number;
  /** Facets (edges) across which this neuron changes piece. */
  readonly facets: number;
  /** Of those, facets where it is the only neuron that flips. */
  readonly alone: number;
  /** Of those, facets where the affine map does not change (jump 0 and equal offsets). */
  readonly flat: number;
  /** Number of distinct jump matrices over its facets. */
  readonly distinctJumps: number;
  /** Largest squared Frobenius norm of a jump across its facets (0 when it never flips). */
  readonly maxFrobeniusSquared: Rational;
  /** Largest |entry| of a jump across its facets. */
  readonly maxAbsEntry: Rational;
}

export interface JumpSummary {
  readonly edges: number;
  /** Edges where several neurons flip at once (coincident hyperplanes). */
  readonly multiNeuronEdges: number;
  /** Edges inside a linear piece (equal maps on both sides). */
  readonly flatEdges: number;
  readonly neurons: readonly NeuronJumpStats[];
}

interface Acc {
  facets: number;
  alone: number;
  flat: number;
  jumps: Set<string>;
  fro: Rational;
  max: Rational;
}

/** Per-neuron jump statistics of a region graph of `net`. */
export function jumpStatistics(net: Network, graph: RegionGraph): JumpSummary {
  const acc: Acc[][] = [];
  for (const node of net.nodes) {
    if (node.kind !== "activation") continue;
    acc.push(Array.from({ length: node.size }, () => ({ facets: 0, alone: 0, flat: 0, jumps: new Set<string>(), fro: ZERO, max: ZERO })));
  }
  let multi = 0;
  let flat = 0;
  graph.forEachEdge((_key, attrs) => {
    if (attrs.neurons.length > 1) multi++;
    if (attrs.sameMap) flat++;
    const [fro, max] = jumpNorms(attrs.jump);
    const text = attrs.jump.map((row) => row.map((v) => v.toFraction()).join(",")).join(";");
    for (const n of attrs.neurons) {
      const a = acc[n.layer]![n.neuron]!;
      a.facets++;
      if (attrs.neurons.length === 1) a.alone++;
      if (attrs.sameMap) a.flat++;
      a.jumps.add(text);
      a.fro = maxRational(a.fro, fro);
      a.max = maxRational(a.max, max);
    }
  });
  const neurons = acc.flatMap((layer, l) =>
    layer.map((a, i): NeuronJumpStats => ({
      layer: l,
      neuron: i,
      facets: a.facets,
      alone: a.alone,
      flat: a.flat,
      distinctJumps: a.jumps.size,
      maxFrobeniusSquared: a.fro,
      maxAbsEntry: a.max,
    })),
  );
  return { edges: graph.size, multiNeuronEdges: multi, flatEdges: flat, neurons };
}

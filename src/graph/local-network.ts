// The network seen from one point: near x, f(x + εu) = f(x) + ε·g(u) for all small ε, where g is a positively
// homogeneous piecewise-linear network in the direction u. A neuron that is not tied at x keeps its piece near x
// and acts linearly (its piece's slope); a neuron tied at breakpoint β_j acts as s_j·z + (s_{j+1} − s_j)·relu(z)
// on its directional derivative z. The regions of g (cones) are the regions whose closure contains x, and their
// maps are those regions' Jacobians. clarke.ts enumerates them; nothing here needs an LP.
import { ONE, ZERO, type Rational } from "../exact/rational.js";
import { UsageError } from "../errors.js";
import { evaluate } from "../network/evaluate.js";
import { NetworkBuilder } from "../network/build.js";
import type { Network, NeuronRef } from "../network/ir.js";
import { layerFunctions } from "./affine-forms.js";

export interface LocalNetwork {
  /** g: the directional-derivative network at x (one ReLU per tied neuron, no biases). */
  readonly net: Network;
  /** The pattern of x itself (tied neurons on their lower piece, as evaluate gives it). */
  readonly basePattern: readonly (readonly number[])[];
  /** The tied neurons, grouped by the local activation layer they became (in order). */
  readonly tiedLayers: readonly (readonly NeuronRef[])[];
  /** f(x). */
  readonly value: readonly Rational[];
}

/** The local network of `net` at the point x (exact). */
export function localNetwork(net: Network, x: readonly Rational[]): LocalNetwork {
  const d = net.nodes[0]!.size;
  if (x.length !== d) throw new UsageError(`graph/local-network: the network takes ${d} inputs, the point has ${x.length}`);
  const ev = evaluate(net, x);
  const fns = layerFunctions(net);
  const tiedByLayer: number[][] = fns.map(() => []);
  for (const t of ev.ties) tiedByLayer[t.layer]!.push(t.neuron);
  for (const list of tiedByLayer) list.sort((p, q) => p - q);
  const b = new NetworkBuilder(d, net.nodes[0]!.name);
  const local: number[] = [b.last];
  const tiedLayers: NeuronRef[][] = [];
  let layer = 0;
  net.nodes.forEach((node, id) => {
    if (node.kind === "input") return;
    if (node.kind === "affine") {
      local[id] = b.affine(node.weights, new Array<Rational>(node.size).fill(ZERO), node.inputs.map((i) => local[i]!), node.name);
      return;
    }
    const z = local[node.input]!;
    const pieces = ev.pattern[layer]!;
    const tied = tiedByLayer[layer]!;
    const slope = (i: number): Rational => fns[layer]![i]!.slopes[pieces[i]!]!;
    if (tied.length === 0) {
      const diag = Array.from({ length: node.size }, (_, r) => Array.from({ length: node.size }, (_, c) => (r === c ? slope(r) : ZERO)));
      local[id] = b.affine(diag, new Array<Rational>(node.size).fill(ZERO), [z], node.name);
    } else {
      const select = tied.map((i) => Array.from({ length: node.size }, (_, c) => (c === i ? ONE : ZERO)));
      const zt = b.affine(select, new Array<Rational>(tied.length).fill(ZERO), [z], `${node.name}.tied`);
      const r = b.activation({ kind: "relu" }, zt, `${node.name}.kink`);
      const rows = Array.from({ length: node.size }, (_, i) => {
        const row = new Array<Rational>(node.size + tied.length).fill(ZERO);
        row[i] = slope(i);
        const t = tied.indexOf(i);
        if (t >= 0) {
          const f = fns[layer]![i]!;
          row[node.size + t] = f.slopes[pieces[i]! + 1]!.sub(f.slopes[pieces[i]!]!);
        }
        return row;
      });
      local[id] = b.affine(rows, new Array<Rational>(node.size).fill(ZERO), [z, r], node.name);
      tiedLayers.push(tied.map((neuron) => ({ layer, neuron })));
    }
    layer++;
  });
  return { net: b.build({ output: local[net.output]! }), basePattern: ev.pattern, tiedLayers, value: ev.output };
}

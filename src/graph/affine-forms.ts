// The exact affine form of every node of a network under a fixed activation pattern: node values as
// x ↦ G·x + h over the input (region coordinates). The graph's crossing rule and the Clarke Jacobian read the
// pre-activation forms of neurons from here; the output node's form is the region's affine map.
import { ONE, ZERO, type Rational } from "../exact/rational.js";
import { invariant } from "../errors.js";
import type { Network } from "../network/ir.js";
import { neuronFunction } from "../network/activation.js";
import type { PiecewiseLinear } from "../network/ir.js";

/** A vector-valued affine function x ↦ G·x + h (G is size × inputs). */
export interface AffineForm {
  readonly G: readonly (readonly Rational[])[];
  readonly h: readonly Rational[];
}

/** The piecewise-linear function of every neuron, one array per activation layer (cached per network). */
const functionsCache = new WeakMap<Network, PiecewiseLinear[][]>();

export function layerFunctions(net: Network): PiecewiseLinear[][] {
  const hit = functionsCache.get(net);
  if (hit) return hit;
  const out: PiecewiseLinear[][] = [];
  for (const node of net.nodes) {
    if (node.kind === "activation") out.push(Array.from({ length: node.size }, (_, i) => neuronFunction(node.activation, i)));
  }
  functionsCache.set(net, out);
  return out;
}

/** Concatenate the forms of several nodes (the argument of an affine node). */
export function concatForms(forms: readonly AffineForm[]): AffineForm {
  if (forms.length === 1) return forms[0]!;
  return { G: forms.flatMap((f) => f.G), h: forms.flatMap((f) => f.h) };
}

/** W·(G x + h) + bias. */
export function applyAffine(W: readonly (readonly Rational[])[], bias: readonly Rational[], arg: AffineForm, inputs: number): AffineForm {
  const G: Rational[][] = [];
  const h: Rational[] = [];
  W.forEach((row, r) => {
    const g = new Array<Rational>(inputs).fill(ZERO);
    let c = bias[r]!;
    row.forEach((w, k) => {
      if (w.n === 0n) return;
      const gk = arg.G[k]!;
      for (let j = 0; j < inputs; j++) if (gk[j]!.n !== 0n) g[j] = g[j]!.add(w.mul(gk[j]!));
      if (arg.h[k]!.n !== 0n) c = c.add(w.mul(arg.h[k]!));
    });
    G.push(g);
    h.push(c);
  });
  return { G, h };
}

/** The form of one neuron's output on piece p: slope·z + intercept. */
export function applyPiece(f: PiecewiseLinear, piece: number, g: readonly Rational[], h: Rational): [g: Rational[], h: Rational] {
  const s = f.slopes[piece]!;
  const t = f.intercepts[piece]!;
  return [g.map((v) => (s.n === 0n ? ZERO : s.mul(v))), s.mul(h).add(t)];
}

/**
 * The affine form of every node under `pattern`, in node order. `reuse`, when given, holds the forms of another
 * pattern that agrees with this one on every activation layer before `firstChangedLayer`; nodes before that
 * layer's activation node are taken from it unchanged.
 */
export function patternForms(
  net: Network,
  pattern: readonly (readonly number[])[],
  reuse?: { readonly forms: readonly AffineForm[]; readonly firstChangedLayer: number },
): AffineForm[] {
  const d = net.nodes[0]!.size;
  const fns = layerFunctions(net);
  invariant(pattern.length === fns.length, `graph/affine-forms: the pattern has ${pattern.length} layers, the network ${fns.length}`);
  const forms: AffineForm[] = [];
  let layer = 0;
  let reusing = reuse !== undefined;
  net.nodes.forEach((node, id) => {
    if (node.kind === "activation" && reuse && layer >= reuse.firstChangedLayer) reusing = false;
    if (reusing) {
      forms.push(reuse!.forms[id]!);
      if (node.kind === "activation") layer++;
      return;
    }
    if (node.kind === "input") {
      forms.push({ G: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? ONE : ZERO))), h: new Array<Rational>(d).fill(ZERO) });
    } else if (node.kind === "affine") {
      forms.push(applyAffine(node.weights, node.bias, concatForms(node.inputs.map((i) => forms[i]!)), d));
    } else {
      const z = forms[node.input]!;
      const pieces = pattern[layer]!;
      invariant(pieces.length === node.size, `graph/affine-forms: pattern layer ${layer} has ${pieces.length} neurons, the network ${node.size}`);
      const G: Rational[][] = [];
      const h: Rational[] = [];
      pieces.forEach((p, i) => {
        const [g, c] = applyPiece(fns[layer]![i]!, p, z.G[i]!, z.h[i]!);
        G.push(g);
        h.push(c);
      });
      forms.push({ G, h });
      layer++;
    }
  });
  return forms;
}

/** The pre-activation form of every activation layer (the form of each activation node's input node). */
export function preActivationForms(net: Network, forms: readonly AffineForm[]): AffineForm[] {
  const out: AffineForm[] = [];
  for (const node of net.nodes) if (node.kind === "activation") out.push(forms[node.input]!);
  return out;
}

/** The network's affine map under the pattern whose node forms these are: {A, c}. */
export function outputForm(net: Network, forms: readonly AffineForm[]): AffineForm {
  return forms[net.output]!;
}

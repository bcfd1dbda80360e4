// The exact affine form of every node of a network under a fixed activation pattern: node values as
// x ↦ G·x + h over the input (region coordinates). The graph's crossing rule and the Clarke Jacobian read the
// pre-activation forms of neurons from here; the output node's form is the region's affine map. Written once over
// Field<T>: Dyadic for float networks (no gcd, like the region engine's fast path), Rational otherwise.
import { DyadicField, RationalField, type Field } from "../exact/field.js";
import { isDyadicRational, type Rational } from "../exact/rational.js";
import { invariant } from "../errors.js";
import { neuronFunction } from "../network/activation.js";
import { isDyadicNetwork } from "../network/evaluate.js";
import type { Network, PiecewiseLinear } from "../network/ir.js";
import type { Halfspace } from "../geometry/types.js";

/** A vector-valued affine function x ↦ G·x + h (G is size × inputs). */
export interface AffineForm<T = Rational> {
  readonly G: readonly (readonly T[])[];
  readonly h: readonly T[];
}

/** A neuron's piecewise-linear function in the field T. */
export interface PwlIn<T> {
  readonly breakpoints: readonly T[];
  readonly slopes: readonly T[];
  readonly intercepts: readonly T[];
}

interface ConvertedNode<T> {
  readonly weights?: readonly (readonly T[])[];
  readonly bias?: readonly T[];
  readonly fns?: readonly PwlIn<T>[];
}

/** The piecewise-linear function of every neuron, one array per activation layer (cached per network). */
const functionsCache = new WeakMap<Network, PiecewiseLinear[][]>();
const convertedCache = new WeakMap<Network, Map<string, unknown>>();

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

/** The network's weights and activation functions in the field F, converted once per (network, field). */
export function convertedNetwork<T>(F: Field<T>, net: Network): readonly ConvertedNode<T>[] {
  let perField = convertedCache.get(net);
  if (!perField) convertedCache.set(net, (perField = new Map()));
  const hit = perField.get(F.name) as ConvertedNode<T>[] | undefined;
  if (hit) return hit;
  const fns = layerFunctions(net);
  let layer = 0;
  const c = (v: Rational): T => F.fromRational(v);
  const out = net.nodes.map((node): ConvertedNode<T> => {
    if (node.kind === "affine") return { weights: node.weights.map((row) => row.map(c)), bias: node.bias.map(c) };
    if (node.kind === "activation") {
      const f = fns[layer++]!;
      return { fns: f.map((p) => ({ breakpoints: p.breakpoints.map(c), slopes: p.slopes.map(c), intercepts: p.intercepts.map(c) })) };
    }
    return {};
  });
  perField.set(F.name, out);
  return out;
}

/**
 * The field to work in for this network and these half-spaces: Dyadic when every weight, activation parameter
 * and half-space entry is dyadic (float networks on box or R^d domains), else Rational.
 */
export function fieldFor(net: Network, halfspaces: Iterable<Halfspace>): Field<unknown> {
  if (!isDyadicNetwork(net)) return RationalField as Field<unknown>;
  for (const h of halfspaces) if (!isDyadicRational(h.b) || !h.a.every(isDyadicRational)) return RationalField as Field<unknown>;
  return DyadicField as Field<unknown>;
}

/** Concatenate the forms of several nodes (the argument of an affine node). */
export function concatForms<T>(forms: readonly AffineForm<T>[]): AffineForm<T> {
  if (forms.length === 1) return forms[0]!;
  return { G: forms.flatMap((f) => f.G), h: forms.flatMap((f) => f.h) };
}

/** W·(G x + h) + bias. */
export function applyAffine<T>(F: Field<T>, W: readonly (readonly T[])[], bias: readonly T[], arg: AffineForm<T>, inputs: number): AffineForm<T> {
  const G: T[][] = [];
  const h: T[] = [];
  W.forEach((row, r) => {
    const g = new Array<T>(inputs).fill(F.zero);
    let c: T = bias[r] as T;
    row.forEach((w, k) => {
      if (F.sign(w) === 0) return;
      const gk = arg.G[k]!;
      for (let j = 0; j < inputs; j++) if (F.sign(gk[j]!) !== 0) g[j] = F.add(g[j]!, F.mul(w, gk[j]!));
      if (F.sign(arg.h[k]!) !== 0) c = F.add(c, F.mul(w, arg.h[k]!));
    });
    G.push(g);
    h.push(c);
  });
  return { G, h };
}

/** The form of one neuron's output on piece p: slope·z + intercept. */
export function applyPiece<T>(F: Field<T>, f: PwlIn<T>, piece: number, g: readonly T[], h: T): [g: T[], h: T] {
  const s = f.slopes[piece]!;
  const t = f.intercepts[piece]!;
  const zero = F.sign(s) === 0;
  return [g.map((v) => (zero ? F.zero : F.mul(s, v))), F.add(F.mul(s, h), t)];
}

/** The affine form of every node under `pattern`, in node order, over the field F. */
export function patternFormsIn<T>(F: Field<T>, net: Network, pattern: readonly (readonly number[])[]): AffineForm<T>[] {
  const d = net.nodes[0]!.size;
  const conv = convertedNetwork(F, net);
  const forms: AffineForm<T>[] = [];
  let layer = 0;
  net.nodes.forEach((node, id) => {
    if (node.kind === "input") {
      forms.push({ G: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? F.one : F.zero))), h: new Array<T>(d).fill(F.zero) });
    } else if (node.kind === "affine") {
      const { weights, bias } = conv[id]!;
      forms.push(applyAffine(F, weights!, bias!, concatForms(node.inputs.map((i) => forms[i]!)), d));
    } else {
      const z = forms[node.input]!;
      const pieces = pattern[layer];
      invariant(pieces !== undefined && pieces.length === node.size, `graph/affine-forms: pattern layer ${layer} does not match the network's ${node.size} neurons`);
      const fns = conv[id]!.fns!;
      const G: T[][] = [];
      const h: T[] = [];
      pieces.forEach((p, i) => {
        const [g, c] = applyPiece(F, fns[i]!, p, z.G[i]!, z.h[i]!);
        G.push(g);
        h.push(c);
      });
      forms.push({ G, h });
      layer++;
    }
  });
  invariant(layer === pattern.length, `graph/affine-forms: the pattern has ${pattern.length} layers, the network ${layer}`);
  return forms;
}

/** patternFormsIn over the rationals. */
export function patternForms(net: Network, pattern: readonly (readonly number[])[]): AffineForm[] {
  return patternFormsIn(RationalField, net, pattern);
}

/** The pre-activation form of every activation layer (the form of each activation node's input node). */
export function preActivationForms<T>(net: Network, forms: readonly AffineForm<T>[]): AffineForm<T>[] {
  const out: AffineForm<T>[] = [];
  for (const node of net.nodes) if (node.kind === "activation") out.push(forms[node.input]!);
  return out;
}

/** The network's affine map under the pattern whose node forms these are: {A, c}. */
export function outputForm<T>(net: Network, forms: readonly AffineForm<T>[]): AffineForm<T> {
  return forms[net.output]!;
}

/** A form converted to rationals. */
export function formToRational<T>(F: Field<T>, form: AffineForm<T>): AffineForm {
  return { G: form.G.map((row) => row.map((v) => F.toRational(v))), h: form.h.map((v) => F.toRational(v)) };
}

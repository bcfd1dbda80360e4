// The activation pattern just across a facet of a region, decided exactly and without a point or an LP.
//
// Let F be a facet of region R on the hyperplane a·x = b (R ⊆ {a·x ≤ b}). Go through the neurons in topological
// order with the far side's affine forms. A neuron's pre-activation z is affine on F (both sides agree there).
// If z − β does not vanish identically on F for any breakpoint β, then z stays strictly inside R's piece on the
// relative interior of F (an affine function that reaches the bound of an interval at a relative-interior point
// of F is constant on F), so the far side keeps R's piece. If z − β_j ≡ 0 on F, the far side's form is
// z' = β_j + λ·(a·x − b) for one λ, and a·x − b > 0 across F: the far side takes piece j+1 when λ > 0 and piece j
// when λ ≤ 0 (λ = 0: z' is constantly on the breakpoint, which takes the lower piece, as evaluate does).
// This is the lexicographic sign of (value, directional derivative) along a, done on forms instead of a point.
import { RationalField, type Field } from "../exact/field.js";
import type { Rational } from "../exact/rational.js";
import { invariant } from "../errors.js";
import type { Halfspace } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
import { applyPiece, convertedNetwork, type AffineForm } from "./affine-forms.js";
import type { Crossing } from "./types.js";

/** A half-space a·x ≤ b in the field T. */
export interface HalfspaceIn<T> {
  readonly a: readonly T[];
  readonly b: T;
}

/**
 * The breakpoint index j and the sign of λ with g·x + h − β_j = λ·(a·x − b) identically, or undefined when
 * z = g·x + h is not on any breakpoint all over the hyperplane a·x = b. No division: g ∥ a is tested by cross
 * products against a's first nonzero entry a_k (λ = g_k / a_k), and h − β_j = −λ·b as (h − β_j)·a_k = −g_k·b.
 */
export function tieOnHyperplane<T>(
  F: Field<T>,
  g: readonly T[],
  h: T,
  a: readonly T[],
  b: T,
  breakpoints: readonly T[],
): [breakpoint: number, lambdaSign: -1 | 0 | 1] | undefined {
  const k = a.findIndex((v) => F.sign(v) !== 0);
  invariant(k >= 0, "graph/crossing: the facet's normal is zero");
  const ak = a[k]!;
  const gk = g[k]!;
  for (let j = 0; j < a.length; j++) if (j !== k && F.compare(F.mul(g[j]!, ak), F.mul(gk, a[j]!)) !== 0) return undefined;
  const rhs = F.neg(F.mul(gk, b));
  const index = breakpoints.findIndex((beta) => F.compare(F.mul(F.sub(h, beta), ak), rhs) === 0);
  if (index < 0) return undefined;
  return [index, (F.sign(gk) * F.sign(ak)) as -1 | 0 | 1];
}

/** The change of some entries of a node's value form across the facet: entry index → (ΔG row, Δh). */
type Delta<T> = Map<number, [g: T[], h: T]>;

/**
 * The pattern across the facet `facet` of the region with `pattern` and node forms `forms` (patternFormsIn over
 * F), the neurons whose piece changes, and the far side's output form (its affine map). Only the changes are
 * propagated (a few neurons flip, so each later affine node adds W's columns of the changed entries), while every
 * neuron after the first change is still tested for a tie on the facet.
 */
export function crossFacetIn<T>(
  F: Field<T>,
  net: Network,
  pattern: readonly (readonly number[])[],
  forms: readonly AffineForm<T>[],
  facet: HalfspaceIn<T>,
): [crossing: Crossing, farOutput: AffineForm<T>] {
  const conv = convertedNetwork(F, net);
  const far: number[][] = pattern.map((layer) => [...layer]);
  const flipped: Crossing[1] = [];
  const deltas: (Delta<T> | undefined)[] = new Array<Delta<T> | undefined>(net.nodes.length);
  const addInto = (delta: Delta<T>, index: number, g: readonly T[], h: T): void => {
    const cur = delta.get(index);
    delta.set(index, cur ? [cur[0].map((v, j) => F.add(v, g[j]!)), F.add(cur[1], h)] : [[...g], h]);
  };
  let layer = 0;
  net.nodes.forEach((node, id) => {
    if (node.kind === "input") return;
    if (node.kind === "affine") {
      const weights = conv[id]!.weights!;
      let delta: Delta<T> | undefined;
      let offset = 0;
      for (const input of node.inputs) {
        const din = deltas[input];
        if (din) {
          for (const [k, [dg, dh]] of din) {
            weights.forEach((row, r) => {
              const w = row[offset + k]!;
              if (F.sign(w) === 0) return;
              delta ??= new Map();
              addInto(delta, r, dg.map((v) => F.mul(w, v)), F.mul(w, dh));
            });
          }
        }
        offset += net.nodes[input]!.size;
      }
      deltas[id] = delta;
      return;
    }
    const fns = conv[id]!.fns!;
    const z = forms[node.input]!;
    const dz = deltas[node.input];
    const out = forms[id]!;
    let delta: Delta<T> | undefined;
    for (let i = 0; i < node.size; i++) {
      const f = fns[i]!;
      const d = dz?.get(i);
      const g = d ? z.G[i]!.map((v, j) => F.add(v, d[0][j]!)) : z.G[i]!;
      const h = d ? F.add(z.h[i]!, d[1]) : z.h[i]!;
      const tie = tieOnHyperplane(F, g, h, facet.a, facet.b, f.breakpoints);
      const before = pattern[layer]![i]!;
      const piece = tie ? (tie[1] > 0 ? tie[0] + 1 : tie[0]) : before;
      if (piece !== before) {
        far[layer]![i] = piece;
        flipped.push({ layer, neuron: i, from: before, to: piece });
      }
      if (piece === before && !d) continue;
      const [g2, h2] = applyPiece(F, f, piece, g, h);
      const dg = g2.map((v, j) => F.sub(v, out.G[i]![j]!));
      const dh = F.sub(h2, out.h[i]!);
      if (F.sign(dh) === 0 && dg.every((v) => F.sign(v) === 0)) continue;
      delta ??= new Map();
      delta.set(i, [dg, dh]);
    }
    deltas[id] = delta;
    layer++;
  });
  const output = forms[net.output]!;
  const dout = deltas[net.output];
  const farOutput: AffineForm<T> = dout
    ? {
        G: output.G.map((row, r) => (dout.has(r) ? row.map((v, j) => F.add(v, dout.get(r)![0][j]!)) : row)),
        h: output.h.map((v, r) => (dout.has(r) ? F.add(v, dout.get(r)![1]) : v)),
      }
    : output;
  return [[far, flipped], farOutput];
}

/** crossFacetIn over the rationals. */
export function crossFacet(
  net: Network,
  pattern: readonly (readonly number[])[],
  forms: readonly AffineForm<Rational>[],
  facet: Halfspace,
): [crossing: Crossing, farOutput: AffineForm] {
  return crossFacetIn(RationalField, net, pattern, forms, facet);
}

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
import type { Rational } from "../exact/rational.js";
import { invariant } from "../errors.js";
import type { Halfspace } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
import { applyAffine, applyPiece, concatForms, layerFunctions, type AffineForm } from "./affine-forms.js";
import type { Crossing } from "./types.js";

/**
 * The breakpoint index j and λ with g·x + h − β_j = λ·(a·x − b) identically, or undefined when z = g·x + h is not
 * on any breakpoint all over the hyperplane a·x = b. `a` must not be zero.
 */
export function tieOnHyperplane(
  g: readonly Rational[],
  h: Rational,
  a: readonly Rational[],
  b: Rational,
  breakpoints: readonly Rational[],
): [breakpoint: number, lambda: Rational] | undefined {
  const k = a.findIndex((v) => v.n !== 0n);
  invariant(k >= 0, "graph/crossing: the facet's normal is zero");
  const lambda = g[k]!.div(a[k]!);
  for (let j = 0; j < a.length; j++) if (!g[j]!.equals(lambda.mul(a[j]!))) return undefined;
  const value = h.add(lambda.mul(b));
  const index = breakpoints.findIndex((beta) => beta.equals(value));
  return index < 0 ? undefined : [index, lambda];
}

/**
 * The pattern across the facet `facet` of the region with `pattern` and node forms `forms` (patternForms), and
 * the neurons whose piece changes. Also returns the far side's node forms (its affine map is the output's).
 */
export function crossFacet(
  net: Network,
  pattern: readonly (readonly number[])[],
  forms: readonly AffineForm[],
  facet: Halfspace,
): [crossing: Crossing, farForms: AffineForm[]] {
  const d = net.nodes[0]!.size;
  const fns = layerFunctions(net);
  const far: number[][] = pattern.map((layer) => [...layer]);
  const flipped: Crossing[1] = [];
  const farForms: AffineForm[] = [];
  let changed = false;
  let layer = 0;
  net.nodes.forEach((node, id) => {
    if (node.kind === "input") {
      farForms.push(forms[id]!);
      return;
    }
    if (node.kind === "affine") {
      farForms.push(changed ? applyAffine(node.weights, node.bias, concatForms(node.inputs.map((i) => farForms[i]!)), d) : forms[id]!);
      return;
    }
    const z = farForms[node.input]!;
    const G: Rational[][] = [];
    const h: Rational[] = [];
    let layerChanged = false;
    for (let i = 0; i < node.size; i++) {
      const f = fns[layer]![i]!;
      const tie = tieOnHyperplane(z.G[i]!, z.h[i]!, facet.a, facet.b, f.breakpoints);
      let piece = pattern[layer]![i]!;
      if (tie) piece = tie[1].s > 0n && tie[1].n !== 0n ? tie[0] + 1 : tie[0];
      if (piece !== pattern[layer]![i]) {
        far[layer]![i] = piece;
        flipped.push({ layer, neuron: i, from: pattern[layer]![i]!, to: piece });
        layerChanged = true;
      }
      const [g, c] = applyPiece(f, piece, z.G[i]!, z.h[i]!);
      G.push(g);
      h.push(c);
    }
    farForms.push(changed || layerChanged ? { G, h } : forms[id]!);
    changed ||= layerChanged;
    layer++;
  });
  return [[far, flipped], farForms];
}

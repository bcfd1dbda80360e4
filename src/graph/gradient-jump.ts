// The gradient jump across a facet: J_target − J_source of the two regions' exact affine maps, the orientation
// rule (from the side where the first flipped neuron has the lower piece to the higher one) and exact norms of
// a jump for the statistics of `tessera jumps`.
import { ZERO, maxRational, type Rational } from "../exact/rational.js";
import { invariant } from "../errors.js";
import type { AffineMap } from "../geometry/types.js";
import type { NeuronFlip } from "./types.js";

/** J_to − J_from, exactly (outputs × inputs). */
export function gradientJump(from: AffineMap, to: AffineMap): Rational[][] {
  invariant(from.A.length === to.A.length, `graph/gradient-jump: maps with ${from.A.length} and ${to.A.length} outputs`);
  return to.A.map((row, r) => {
    const other = from.A[r]!;
    invariant(row.length === other.length, `graph/gradient-jump: maps with ${other.length} and ${row.length} inputs`);
    return row.map((v, c) => v.sub(other[c]!));
  });
}

/** True when the two affine maps are exactly equal (A and c). */
export function sameAffineMap(p: AffineMap, q: AffineMap): boolean {
  return (
    p.c.length === q.c.length &&
    p.c.every((v, i) => v.equals(q.c[i]!)) &&
    p.A.every((row, r) => row.length === q.A[r]!.length && row.every((v, c) => v.equals(q.A[r]![c]!)))
  );
}

/**
 * Orientation of an edge between a region (`here`) and its neighbour across a facet, given the flips seen going
 * from `here` to the neighbour: `true` when `here` is the source (its first flipped neuron has the lower piece).
 * Returns the flips as seen from the source to the target.
 */
export function orientFlips(flips: readonly NeuronFlip[]): [hereIsSource: boolean, flips: NeuronFlip[]] {
  invariant(flips.length > 0, "graph/gradient-jump: a facet with no flipped neuron");
  const first = flips[0]!;
  invariant(first.from !== first.to, "graph/gradient-jump: a flipped neuron with the same piece on both sides");
  if (first.from < first.to) return [true, [...flips]];
  return [false, flips.map((f) => ({ layer: f.layer, neuron: f.neuron, from: f.to, to: f.from }))];
}

/** Exact norms of a jump matrix: the squared Frobenius norm and the largest absolute entry. */
export function jumpNorms(jump: readonly (readonly Rational[])[]): [frobeniusSquared: Rational, maxAbsEntry: Rational] {
  let fro = ZERO;
  let max = ZERO;
  for (const row of jump) {
    for (const v of row) {
      if (v.n === 0n) continue;
      fro = fro.add(v.mul(v));
      max = maxRational(max, v.abs());
    }
  }
  return [fro, max];
}

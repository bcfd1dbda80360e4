// Shared geometric types: half-spaces a·x ≤ b, polyhedra in H-form, affine maps, and input domains.
// Values are exact rationals; nothing that takes one of these mutates it.
import type { Rational } from "../exact/rational.js";

/** The closed half-space a·x ≤ b. */
export interface Halfspace {
  readonly a: readonly Rational[];
  readonly b: Rational;
}

/** {x : A·x ≤ b} as a list of half-spaces in dimension `dim` (no half-spaces: all of R^dim). */
export interface Polyhedron {
  readonly dim: number;
  readonly halfspaces: readonly Halfspace[];
}

/** x ↦ A·x + c. */
export interface AffineMap {
  readonly A: readonly (readonly Rational[])[];
  readonly c: readonly Rational[];
}

/**
 * An input domain as the user gave it. A slice (line or plane) is x = origin + directions·t; the
 * region engine sees it only as an affine layer put in front of the network (see geometry/domain.ts).
 */
export type DomainSpec =
  | { readonly kind: "all"; readonly dim: number }
  | { readonly kind: "box"; readonly lo: readonly Rational[]; readonly hi: readonly Rational[] }
  | { readonly kind: "polytope"; readonly polyhedron: Polyhedron; readonly file?: string }
  | {
      readonly kind: "slice";
      readonly shape: "line" | "plane";
      /** The input points the user gave (2 for a line, 3 for a plane). */
      readonly points: readonly (readonly Rational[])[];
      readonly origin: readonly Rational[];
      /** Input-space direction vectors, one per slice coordinate (t, or s and t). */
      readonly directions: readonly (readonly Rational[])[];
      /** Optional input-space restriction (a box or polytope) intersected with the slice. */
      readonly within?: DomainSpec;
    };

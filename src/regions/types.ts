// The region engine's public types: a region (activation pattern with nonempty interior, its exact affine
// map, its irredundant constraints and an interior witness), where each constraint comes from, and the
// result of an enumeration. The graph, analysis and formats folders consume these.
import type { Rational } from "../exact/rational.js";
import type { AffineMap, Halfspace } from "../geometry/types.js";
import type { IntegerMultipliers } from "../geometry/certificate.js";
import type { Multipliers } from "../geometry/redundancy.js";

/** Where a region's constraint comes from: a neuron's breakpoint hyperplane, or a domain half-space. */
export type ConstraintSource =
  | { readonly kind: "neuron"; readonly layer: number; readonly neuron: number; readonly breakpoint: number }
  | { readonly kind: "domain"; readonly index: number };

export interface RegionConstraint extends Halfspace {
  readonly source: ConstraintSource;
}

/**
 * The certificates of a region's H-form and boundedness (written into region maps so `tessera check` needs
 * no LP): a point on each constraint's hyperplane strictly inside the others, the multipliers proving each
 * dropped row of the split-tree path implied by the listed ones (rows the bounding box implies are left out),
 * and a bounding-box certificate (bounded, on an unbounded domain, or when the box implies dropped rows) or a
 * recession direction (unbounded).
 */
export interface RegionHFormCertificates {
  readonly facetPoints: readonly (readonly Rational[])[];
  readonly implied: readonly { readonly source: ConstraintSource; readonly y: Multipliers }[];
  readonly boundedness?: { readonly upper: readonly Multipliers[]; readonly lower: readonly Multipliers[] } | { readonly ray: readonly Rational[] };
}

export interface Region {
  /** 0-based, in emission order. */
  readonly id: number;
  /** Piece index of every neuron, one array per activation layer. */
  readonly pattern: readonly (readonly number[])[];
  /** A rational point strictly inside every constraint, whose exact forward pass has this pattern. */
  readonly witness: readonly Rational[];
  /** The network output on the region as an exact affine map of the (slice) input. */
  readonly map: AffineMap;
  /** The region's irredundant H-form, domain constraints included. */
  readonly constraints: readonly RegionConstraint[];
  readonly bounded: boolean;
  /** Certificates of `constraints` and `bounded`, when certificates are kept. */
  readonly hform?: RegionHFormCertificates;
  /** Exact vertices (bounded regions, when asked for). */
  readonly vertices?: readonly (readonly Rational[])[];
  /**
   * The split-tree decisions made since the previous region, in depth-first preorder (the certificate that
   * no region is missing; see docs/certificates.md). Absent when certification is off.
   */
  readonly splits?: readonly TreeRecord[];
}

/** Why an enumeration stopped. */
/** "failed": a work unit failed on a queue worker (src/queue); the error is reported beside the partial answer. */
export type EnumerationStatus = "complete" | "max-regions" | "timeout" | "interrupted" | "failed";

/**
 * A bound certificate over a split-tree node's constraint list (domain half-spaces first, then the split
 * constraints of the path in order): y_t / den ≥ 0 on row rows[t], 0 elsewhere.
 */
export type BoundCertificateRecord = IntegerMultipliers;

/**
 * A certificate by a bounding box (a BoxRecord met earlier on the path): with U_k the box's bounds,
 * z = w·x + c ≤ Σ_{w_k>0} w_k U^+_k + Σ_{w_k<0} |w_k| U^-_k + c, i.e. y = Σ_k |w_k|·y^(k).
 */
export interface BoxCertificateRecord {
  readonly box: number;
}

/**
 * The certified bounding box of a split-tree node, written once before the decisions that use it:
 * upper[k] proves x_k ≤ U^+_k and lower[k] proves -x_k ≤ U^-_k (y over the node's constraint list;
 * null when unbounded that way). It stays valid on the node's whole subtree.
 */
export interface BoxRecord {
  readonly box: number;
  readonly upper: readonly (BoundCertificateRecord | null)[];
  readonly lower: readonly (BoundCertificateRecord | null)[];
}

/**
 * One decision of the split tree: neuron `neuron` (index in topological neuron order) keeps pieces
 * keep[0]..keep[1] of the node; `lower` proves z ≥ breakpoint[keep[0]-1] (Σ y_i a_i = -w, Σ y_i b_i ≤
 * c - β), `upper` proves z ≤ breakpoint[keep[1]] (Σ y_i a_i = w, Σ y_i b_i ≤ β - c), where z = w·x + c is
 * the neuron's pre-activation on the node. Each kept piece is a child, visited in increasing order.
 */
export interface SplitRecord {
  readonly neuron: number;
  readonly keep: readonly [number, number];
  readonly lower?: BoundCertificateRecord | BoxCertificateRecord;
  readonly upper?: BoundCertificateRecord | BoxCertificateRecord;
}

/** An entry of the split-tree stream: a decision, or a bounding box used by later decisions. */
export type TreeRecord = SplitRecord | BoxRecord;

/** A kept piece of a decision: a child of the split-tree node, with an exact interior witness. */
export interface Child<T> {
  readonly piece: number;
  readonly witness: readonly T[];
}

/** The engine's decision of one neuron on one split-tree node (regions/decide.ts). */
export interface Decision<T> {
  readonly keep: readonly [number, number];
  /** Kept pieces in increasing order, each with an interior witness. */
  readonly children: readonly Child<T>[];
  readonly record: SplitRecord;
  /** The neuron's pre-activation z = w·x + c on the node, when the decision keeps two or more pieces (the split constraints). */
  readonly row?: SplitRow<T>;
}

/**
 * The pre-activation row of a split: exact, or a function computing it from the exact maps of the path (valid
 * while the node is on the search path: `count` computes it only if an exact path reads the split rows), and
 * its float copy (w, then c) with a proven error bound e per entry, when the engine keeps float maps.
 */
export interface SplitRow<T> {
  readonly exact: { readonly w: readonly T[]; readonly c: T } | (() => { readonly w: readonly T[]; readonly c: T });
  readonly float?: { readonly wc: Float64Array; readonly e: number };
}

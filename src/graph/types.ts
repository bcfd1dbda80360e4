// Shared types of src/graph (graphology's src/types style): the attributes of the region graph's nodes and
// edges, the labelled tuples the operations return, and the options of building a graph. Every number is exact.
import type { DirectedGraph } from "graphology";
import type { Rational } from "../exact/rational.js";
import type { Region } from "../regions/types.js";

/** A neuron that changes piece across a facet: `from` on the edge's source side, `to` on its target side. */
export interface NeuronFlip {
  readonly layer: number;
  readonly neuron: number;
  readonly from: number;
  readonly to: number;
}

/** A node of the region graph: one activation region. */
export interface RegionAttrs {
  readonly region: Region;
  /** The region's pattern as text (formatPattern). */
  readonly pattern: string;
  /** Its linear piece: regions joined by edges with exactly equal affine maps share a piece id (0-based). */
  piece: number;
}

/**
 * An edge: a facet of dimension d−1 shared by two regions. It is oriented from the side where the first flipped
 * neuron (in layer, then neuron order) has the lower piece index to the higher one (for a ReLU: inactive → active).
 */
export interface FacetAttrs {
  /** Every neuron whose piece differs between source and target (several when hyperplanes coincide). */
  readonly neurons: readonly NeuronFlip[];
  /** The facet's hyperplane a·x = b as the source region's constraint a·x ≤ b (region coordinates). */
  readonly hyperplane: { readonly a: readonly Rational[]; readonly b: Rational };
  /** A rational point in the facet's relative interior, exactly checked (absent when points were not asked for). */
  readonly point?: readonly Rational[];
  /** J_target − J_source, exactly (outputs × inputs). */
  readonly jump: readonly (readonly Rational[])[];
  /** True when the two regions' affine maps are exactly equal (A and c): the edge lies inside one linear piece. */
  readonly sameMap: boolean;
}

/** The graph of adjacent regions: node keys are region ids as strings, one directed edge per shared facet. */
export type RegionGraph = DirectedGraph<RegionAttrs, FacetAttrs>;

/** A facet of a region: the index of its constraint and what is across it. */
export type FacetKind = "neuron" | "domain";
export type RegionFacet = [constraint: number, kind: FacetKind];

/** The pattern just across a facet and the neurons whose piece changes there (in layer, neuron order). */
export type Crossing = [pattern: number[][], flipped: { layer: number; neuron: number; from: number; to: number }[]];

/** Linear pieces: the piece id of every node key, and how many pieces there are. */
export type PieceAssignment = [pieceOf: Map<string, number>, count: number];

export interface RegionGraphOptions {
  /** Compute an exactly checked point in every facet's relative interior (one small LP per edge). Default true. */
  readonly points?: boolean;
  /**
   * Whether `regions` is every region of the domain. When it is, a neuron facet whose neighbour is not in the
   * list must lie on the domain's boundary, and that is checked; when it is not, such facets are just skipped.
   * Default true.
   */
  readonly complete?: boolean;
  /** Called after each region's facets are processed (for progress bars). */
  readonly onRegion?: (done: number, total: number) => void;
}

/** A graph together with whether it covers the whole domain. */
export interface RegionGraphResult {
  readonly graph: RegionGraph;
  readonly complete: boolean;
  /** Number of linear pieces (connected unions of adjacent regions with exactly equal maps). */
  readonly linearPieces: number;
  /** Neuron facets whose neighbour was not among the regions (only when the enumeration was cut short). */
  readonly missingNeighbours: number;
}

// Turning a leaf of the split tree into a Region: exact witness and affine map as rationals, the
// irredundant H-form (with the source of each constraint), boundedness and, when asked, exact vertices.
import type { Field } from "../exact/field.js";
import type { Rational } from "../exact/rational.js";
import { lpRows, type LpStats } from "../geometry/lp.js";
import { boundednessCertificate, certifiedIrredundantRows, irredundantRows, isBounded } from "../geometry/redundancy.js";
import { MAX_VERTEX_SUBSETS, polytopeVertices } from "../geometry/vertices.js";
import type { NodeMap } from "./affine-maps.js";
import type { ResolvedOptions } from "./options.js";
import type { RowStack } from "./row-stack.js";
import type { Region, RegionConstraint, RegionHFormCertificates, TreeRecord } from "./types.js";

/** Largest input dimension for which vertices are listed. */
export const MAX_VERTEX_DIMENSION = 3;

export interface LeafInput<T> {
  readonly id: number;
  readonly pattern: readonly (readonly number[])[];
  /** The engine's interior point: the H-form's computations start from it. */
  readonly witness: readonly T[];
  /** The interior point the region is reported with (default `witness`): regions/witness.ts, shortWitness. */
  readonly reportedWitness?: readonly T[];
  readonly map: NodeMap<T>;
  readonly rows: RowStack<T>;
  readonly domainBounded: boolean;
  readonly opts: ResolvedOptions;
  readonly stats: LpStats;
  readonly splits: readonly TreeRecord[];
}

function choose(m: number, d: number): number {
  let r = 1;
  for (let i = 0; i < d; i++) r = (r * (m - i)) / (i + 1);
  return r;
}

export function buildRegion<T>(F: Field<T>, leaf: LeafInput<T>): Region {
  const R = (v: T): Rational => F.toRational(v);
  const { rows, opts } = leaf;
  const d = rows.d;
  let kept: number[];
  let bounded: boolean;
  let hform: RegionHFormCertificates | undefined;
  if (opts.irredundant && opts.certify && opts.keepCertificates) {
    const certified = certifiedIrredundantRows(F, rows, leaf.stats, leaf.witness);
    kept = certified.kept;
    const { facetPoints, implied, box } = certified.certificates;
    // The H-form's bounding box (when it implied dropped rows) is also the certificate of boundedness.
    const boundedness = box || leaf.domainBounded ? undefined : boundednessCertificate(F, lpRows(F, d, kept.map((i) => rows.a[i]!), kept.map((i) => rows.b[i]!)), leaf.stats);
    bounded = leaf.domainBounded || box !== undefined || boundedness!.bounded;
    hform = {
      facetPoints,
      implied: implied.map(({ row, y }) => ({ source: rows.sources[row]!, y })),
      ...(box ? { boundedness: box } : boundedness ? { boundedness: boundedness.bounded ? { upper: boundedness.upper, lower: boundedness.lower } : { ray: boundedness.ray } } : {}),
    };
  } else if (opts.irredundant) {
    kept = irredundantRows(F, rows, leaf.stats, opts.certify, leaf.witness);
    bounded = leaf.domainBounded || isBounded(F, lpRows(F, d, kept.map((i) => rows.a[i]!), kept.map((i) => rows.b[i]!)), leaf.stats);
  } else {
    kept = rows.a.map((_, i) => i);
    bounded = leaf.domainBounded;
  }
  const constraints: RegionConstraint[] = kept.map((i) => ({ a: rows.a[i]!.map(R), b: R(rows.b[i]!), source: rows.sources[i]! }));
  let vertices: Rational[][] | undefined;
  if (opts.collectVertices && bounded && d <= MAX_VERTEX_DIMENSION && choose(constraints.length, d) <= MAX_VERTEX_SUBSETS) {
    vertices = polytopeVertices(constraints.map((c) => c.a), constraints.map((c) => c.b), d);
  }
  return {
    id: leaf.id,
    pattern: leaf.pattern.map((layer) => [...layer]),
    witness: (leaf.reportedWitness ?? leaf.witness).map(R),
    map: { A: leaf.map.M.map((row) => row.map(R)), c: leaf.map.v.map(R) },
    constraints,
    bounded,
    ...(hform ? { hform } : {}),
    ...(vertices ? { vertices } : {}),
    ...(opts.certify && opts.keepCertificates ? { splits: leaf.splits } : {}),
  };
}

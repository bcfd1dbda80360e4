// A rational point in the relative interior of a region's facet, exactly checked. Cheap exact candidates come
// first (where the segment between the two regions' witnesses crosses the facet's hyperplane, the projections
// of the witnesses onto it, the centre of the facet's vertices); when none is strictly inside every other
// constraint, geometry's interior-point LP on the facet (in d−1 coordinates) proposes one, and the same exact
// check decides.
import { Rational, rat } from "../exact/rational.js";
import { InternalError } from "../errors.js";
import { RationalField } from "../exact/field.js";
import { interiorPoint } from "../geometry/interior.js";
import { lpRows, newLpStats } from "../geometry/lp.js";
import type { Halfspace } from "../geometry/types.js";
import type { Region } from "../regions/types.js";
import { inFacetRelativeInterior, slack } from "./facets.js";

/** Where the segment p→q meets the hyperplane of h (undefined when the segment is parallel to it). */
function segmentHit(h: Halfspace, p: readonly Rational[], q: readonly Rational[]): Rational[] | undefined {
  const sp = slack(h, p);
  const sq = slack(h, q);
  const den = sp.sub(sq);
  if (den.n === 0n) return undefined;
  const t = sp.div(den);
  return p.map((v, j) => v.add(t.mul(q[j]!.sub(v))));
}

/** The orthogonal projection of p onto the hyperplane of h. */
function project(h: Halfspace, p: readonly Rational[]): Rational[] {
  let norm2 = rat(0);
  for (const v of h.a) if (v.n !== 0n) norm2 = norm2.add(v.mul(v));
  const t = slack(h, p).div(norm2);
  return p.map((v, j) => v.sub(t.mul(h.a[j]!)));
}

function midpoint(p: readonly Rational[], q: readonly Rational[]): Rational[] {
  const half = rat(1, 2);
  return p.map((v, j) => v.add(q[j]!).mul(half));
}

/** Exact candidates for a point of facet `index` of `region`, `neighbour` being the region across it. */
export function facetPointCandidates(region: Region, index: number, neighbour?: Region): Rational[][] {
  const h = region.constraints[index]!;
  const out: Rational[][] = [];
  const w = region.witness;
  if (neighbour) {
    const hit = segmentHit(h, w, neighbour.witness);
    if (hit) out.push(hit);
  }
  const pw = project(h, w);
  out.push(pw);
  if (neighbour) {
    const pn = project(h, neighbour.witness);
    out.push(pn, midpoint(pw, pn));
  }
  if (region.vertices) {
    const on = region.vertices.filter((v) => slack(h, v).n === 0n);
    if (on.length > 0) {
      const n = rat(on.length);
      out.push(on[0]!.map((_, j) => on.reduce((s, v) => s.add(v[j]!), rat(0)).div(n)));
    }
  }
  return out;
}

/** The first exact candidate that lies in the facet's relative interior, if any. */
export function facetPointFromCandidates(region: Region, index: number, neighbour?: Region): Rational[] | undefined {
  for (const p of facetPointCandidates(region, index, neighbour)) {
    if (inFacetRelativeInterior(region.constraints, index, p)) return p;
  }
  return undefined;
}

/**
 * The facet's relative interior as a full-dimensional polyhedron in d−1 coordinates: x_k is eliminated through
 * a·x = b (k the first nonzero entry of a), the other coordinates stay. Returns the other constraints in those
 * coordinates and the map back to x. A constraint that becomes 0 ≤ b' (parallel to the facet) is dropped when
 * b' ≥ 0 (b' = 0: a repeated copy of the facet's own constraint); b' < 0 makes `empty` true.
 */
export function facetCoordinates(
  constraints: readonly Halfspace[],
  index: number,
): [halfspaces: Halfspace[], lift: (y: readonly Rational[]) => Rational[], empty: boolean] {
  const { a, b } = constraints[index]!;
  const k = a.findIndex((v) => v.n !== 0n);
  const keep = a.map((_, j) => j).filter((j) => j !== k);
  const halfspaces: Halfspace[] = [];
  let empty = false;
  constraints.forEach((c, j) => {
    if (j === index) return;
    const ratio = c.a[k]!.div(a[k]!);
    const row = { a: keep.map((l) => c.a[l]!.sub(ratio.mul(a[l]!))), b: c.b.sub(ratio.mul(b)) };
    if (row.a.some((v) => v.n !== 0n)) halfspaces.push(row);
    else if (row.b.n !== 0n && row.b.s < 0n) empty = true;
  });
  const lift = (y: readonly Rational[]): Rational[] => {
    const x = new Array<Rational>(a.length);
    let rest = b;
    keep.forEach((l, i) => {
      x[l] = y[i]!;
      rest = rest.sub(a[l]!.mul(y[i]!));
    });
    x[k] = rest.div(a[k]!);
    return x;
  };
  return [halfspaces, lift, empty];
}

/**
 * A point of the facet's relative interior in facet coordinates, lifted to x, or undefined when constraint
 * `index` is not a facet (decided exactly by geometry's interior-point LP). Repeated copies of the facet's own
 * constraint are allowed (the constraints need not be irredundant).
 */
export function facetInteriorPoint(constraints: readonly Halfspace[], index: number): Rational[] | undefined {
  const [halfspaces, lift, empty] = facetCoordinates(constraints, index);
  if (empty) return undefined;
  const d = constraints[index]!.a.length;
  if (d === 1) return halfspaces.length === 0 ? lift([]) : undefined;
  const rows = lpRows(RationalField, d - 1, halfspaces.map((h) => h.a), halfspaces.map((h) => h.b));
  const y = interiorPoint(RationalField, rows, newLpStats());
  return y ? lift(y) : undefined;
}

/** An exactly checked point in the relative interior of facet `index` of `region` (`neighbour`: the region across). */
export function facetPoint(region: Region, index: number, neighbour?: Region): Rational[] {
  const found = anyFacetPoint(region, index, neighbour);
  return simplerFacetPoint(region.constraints, index, found);
}

/** Largest number of binary digits tried when rounding a facet point to a short one. */
const MAX_ROUNDING_BITS = 64;

/**
 * A point of the facet with short coordinates near p (p must be in the facet's relative interior): the
 * coordinates other than the eliminated one are rounded to multiples of 2^-j for j = 0, 1, …, the eliminated one
 * follows from a·x = b, and the first point that passes the exact check is taken; p itself otherwise.
 */
export function simplerFacetPoint(constraints: readonly Halfspace[], index: number, p: readonly Rational[]): Rational[] {
  const [, lift] = facetCoordinates(constraints, index);
  const k = constraints[index]!.a.findIndex((v) => v.n !== 0n);
  const y = p.filter((_, j) => j !== k);
  for (let bits = 0; bits <= MAX_ROUNDING_BITS; bits++) {
    const scale = 1n << BigInt(bits);
    const q = lift(y.map((v) => roundTo(v, scale)));
    if (inFacetRelativeInterior(constraints, index, q)) return q;
  }
  return [...p];
}

/** v rounded to the nearest multiple of 1/scale. */
function roundTo(v: Rational, scale: bigint): Rational {
  const num = v.s * v.n * scale;
  const twice = 2n * num + v.d;
  const den = 2n * v.d;
  const floor = twice >= 0n ? twice / den : -((-twice + den - 1n) / den);
  return new Rational(floor, scale);
}

function anyFacetPoint(region: Region, index: number, neighbour?: Region): Rational[] {
  const cheap = facetPointFromCandidates(region, index, neighbour);
  if (cheap) return cheap;
  const p = facetInteriorPoint(region.constraints, index);
  if (p && inFacetRelativeInterior(region.constraints, index, p)) return p;
  throw new InternalError(`graph/facet-point: facet ${index} of region ${region.id} has no relative interior (is the constraint redundant?)`);
}

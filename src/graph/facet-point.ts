// A rational point in the relative interior of a region's facet, exactly checked. Cheap exact candidates come
// first (where the segment between the two regions' witnesses crosses the facet's hyperplane, the projections
// of the witnesses onto it, the centre of the facet's vertices); when none is strictly inside every other
// constraint, an LP on the facet proposes a point (see facetPointByLp) and the same exact check decides.
import { rat, type Rational } from "../exact/rational.js";
import { InternalError } from "../errors.js";
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
 * coordinates and the map back to x.
 */
export function facetCoordinates(
  constraints: readonly Halfspace[],
  index: number,
): [halfspaces: Halfspace[], lift: (y: readonly Rational[]) => Rational[]] {
  const { a, b } = constraints[index]!;
  const k = a.findIndex((v) => v.n !== 0n);
  const keep = a.map((_, j) => j).filter((j) => j !== k);
  const halfspaces: Halfspace[] = [];
  constraints.forEach((c, j) => {
    if (j === index) return;
    const ratio = c.a[k]!.div(a[k]!);
    halfspaces.push({ a: keep.map((l) => c.a[l]!.sub(ratio.mul(a[l]!))), b: c.b.sub(ratio.mul(b)) });
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
  return [halfspaces, lift];
}

/** An exactly checked point in the relative interior of facet `index` of `region` (`neighbour`: the region across). */
export function facetPoint(region: Region, index: number, neighbour?: Region): Rational[] {
  const cheap = facetPointFromCandidates(region, index, neighbour);
  if (cheap) return cheap;
  throw new InternalError(`graph/facet-point: no point found in facet ${index} of region ${region.id}`);
}

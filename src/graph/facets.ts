// The facets of a region and exact facts about them: which constraints are facets across a neuron (a neighbour
// lies there) or on the domain's boundary, whether a point lies in a facet's relative interior, and whether a
// facet lies on the boundary of a domain polyhedron. A region's constraints are irredundant, so each one is a
// facet of dimension d−1.
import type { Rational } from "../exact/rational.js";
import type { Halfspace, Polyhedron } from "../geometry/types.js";
import type { Region, RegionConstraint } from "../regions/types.js";
import type { RegionFacet } from "./types.js";

/** Every facet of the region: its constraint index and whether a neuron or the domain bounds it there. */
export function regionFacets(region: Region): RegionFacet[] {
  return region.constraints.map((c, i): RegionFacet => [i, c.source.kind === "neuron" ? "neuron" : "domain"]);
}

/** a·p − b, exactly. */
export function slack(h: Halfspace, p: readonly Rational[]): Rational {
  let s = h.b.neg();
  h.a.forEach((v, j) => {
    if (v.n !== 0n && p[j]!.n !== 0n) s = s.add(v.mul(p[j]!));
  });
  return s;
}

/** True when p is on constraint `index`'s hyperplane and strictly inside every other constraint. */
export function inFacetRelativeInterior(constraints: readonly Halfspace[], index: number, p: readonly Rational[]): boolean {
  return constraints.every((c, j) => {
    const s = slack(c, p);
    return j === index ? s.n === 0n : s.s < 0n && s.n !== 0n;
  });
}

/** True when p satisfies every constraint (p is in the closed region). */
export function inClosure(constraints: readonly Halfspace[], p: readonly Rational[]): boolean {
  return constraints.every((c) => {
    const s = slack(c, p);
    return s.n === 0n || s.s < 0n;
  });
}

/**
 * True when the facet a·x = b of a region on the side a·x ≤ b lies on the boundary of `domain`: some domain
 * half-space is a positive multiple of a·x ≤ b (the facet is (d−1)-dimensional, so it must lie in one facet
 * hyperplane of the domain, with the domain on the region's side).
 */
export function onDomainBoundary(facet: Halfspace, domain: Polyhedron): boolean {
  const k = facet.a.findIndex((v) => v.n !== 0n);
  if (k < 0) return false;
  return domain.halfspaces.some((h) => {
    const mu = h.a[k]!.div(facet.a[k]!);
    if (mu.n === 0n || mu.s < 0n) return false;
    return h.a.every((v, j) => v.equals(mu.mul(facet.a[j]!))) && h.b.equals(mu.mul(facet.b));
  });
}

/** The constraint as a plain half-space (without its source). */
export function halfspaceOf(c: RegionConstraint): Halfspace {
  return { a: c.a, b: c.b };
}

/** The opposite closed half-space a·x ≥ b written as (−a)·x ≤ −b. */
export function flipHalfspace(h: Halfspace): Halfspace {
  return { a: h.a.map((v) => v.neg()), b: h.b.neg() };
}

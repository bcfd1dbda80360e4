// Linear pieces while regions stream by, for `count` and `regions`: per region only its pattern text and a
// digest of its exact affine map are kept (no constraints, no maps), so the per-region cost is a hash. At the
// end, only regions whose map digest is shared by another region can join a piece; for those, the region's
// constraints are rebuilt exactly from its pattern (one half-space per neuron bound, plus the domain), each neuron
// constraint is crossed with the exact crossing rule, and when the far side is a region of the same digest
// group with an exactly equal map, an exact interior-point LP confirms the constraint is a facet (d−1
// dimensional) before the two are joined (union-find). Piece ids are numbered by smallest region id — the same
// ids as linearPieces on the full graph.
import { invariant } from "../errors.js";
import type { Polyhedron } from "../geometry/types.js";
import { formatPattern, parsePattern } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import type { Region, RegionConstraint } from "../regions/types.js";
import { mapDigest, mapToJson } from "../regions/region-map.js";
import { layerFunctions, outputForm, patternForms, preActivationForms, type AffineForm } from "./affine-forms.js";
import { crossFacet } from "./crossing.js";
import { halfspaceOf } from "./facets.js";
import { facetInteriorPoint } from "./facet-point.js";
import { sameAffineMap } from "./gradient-jump.js";

/**
 * The constraints of the region with this pattern, rebuilt exactly: for every neuron whose pre-activation is
 * not constant, z ≥ β_{j−1} and z ≤ β_j for its piece j (those that exist), then the domain's half-spaces.
 * Redundant rows are kept (callers confirm facets with facetInteriorPoint).
 */
export function patternConstraints(net: Network, pattern: readonly (readonly number[])[], forms: readonly AffineForm[], domain: Polyhedron): RegionConstraint[] {
  const fns = layerFunctions(net);
  const out: RegionConstraint[] = [];
  preActivationForms(net, forms).forEach((z, layer) => {
    pattern[layer]!.forEach((piece, neuron) => {
      const g = z.G[neuron]!;
      if (g.every((v) => v.n === 0n)) return;
      const h = z.h[neuron]!;
      const bp = fns[layer]![neuron]!.breakpoints;
      if (piece > 0) out.push({ a: g.map((v) => v.neg()), b: h.sub(bp[piece - 1]!), source: { kind: "neuron", layer, neuron, breakpoint: piece - 1 } });
      if (piece < bp.length) out.push({ a: [...g], b: bp[piece]!.sub(h), source: { kind: "neuron", layer, neuron, breakpoint: piece } });
    });
  });
  domain.halfspaces.forEach((hs, index) => out.push({ a: hs.a, b: hs.b, source: { kind: "domain", index } }));
  return out;
}

export class LinearPieceTracker {
  private readonly ids = new Map<string, number>();
  private readonly digests: string[] = [];
  private readonly patterns: string[] = [];

  /** Record one region (ids must be distinct; any order). Keeps its pattern text and a digest of its map. */
  add(region: Region): void {
    this.addKey(region.id, formatPattern(region.pattern), mapDigest(mapToJson(region.map)));
  }

  /** Record one region by its id, pattern text and map digest (regions/region-map.ts, mapDigest). */
  addKey(id: number, pattern: string, digest: string): void {
    invariant(!this.ids.has(pattern), `graph/piece-tracker: pattern ${pattern} seen twice`);
    this.ids.set(pattern, id);
    this.digests[id] = digest;
    this.patterns[id] = pattern;
  }

  /**
   * The piece of every region id (−1 for ids never added) and the number of pieces. `net` and `domain` are in
   * region coordinates (the enumeration's resolved network and polyhedron).
   */
  finish(net: Network, domain: Polyhedron): [pieceOfId: number[], count: number] {
    const n = this.digests.length;
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) {
        parent[i] = parent[parent[i]!]!;
        i = parent[i]!;
      }
      return i;
    };
    const groups = new Map<string, number[]>();
    this.digests.forEach((digest, id) => {
      if (digest !== undefined) groups.set(digest, [...(groups.get(digest) ?? []), id]);
    });
    for (const members of groups.values()) {
      if (members.length < 2) continue;
      const inGroup = new Set(members);
      for (const id of members) {
        const pattern = parsePattern(this.patterns[id]!);
        const forms = patternForms(net, pattern);
        const own = outputForm(net, forms);
        const constraints = patternConstraints(net, pattern, forms, domain);
        constraints.forEach((constraint, index) => {
          if (constraint.source.kind !== "neuron") return;
          const [[far], farMap] = crossFacet(net, pattern, forms, halfspaceOf(constraint));
          const other = this.ids.get(formatPattern(far));
          if (other === undefined || !inGroup.has(other) || find(other) === find(id)) return;
          if (!sameAffineMap({ A: farMap.G, c: farMap.h }, { A: own.G, c: own.h })) return;
          if (!facetInteriorPoint(constraints, index)) return;
          const [p, q] = [find(id), find(other)];
          // The smaller id becomes the root, so each root is its component's smallest region id.
          parent[Math.max(p, q)] = Math.min(p, q);
        });
      }
    }
    const pieceOfRoot = new Map<number, number>();
    const pieces = parent.map((_, i) => {
      if (this.digests[i] === undefined) return -1;
      const root = find(i);
      if (!pieceOfRoot.has(root)) pieceOfRoot.set(root, pieceOfRoot.size);
      return pieceOfRoot.get(root)!;
    });
    return [pieces, pieceOfRoot.size];
  }
}

// Linear pieces while regions stream by, for `count` and `regions`: each region, as it arrives, is crossed over
// its neuron constraints with the exact crossing rule; a crossing whose far side has exactly the same affine map
// is remembered as a pair of patterns. At the end, pairs whose two patterns are both regions are joined
// (union-find) and piece ids are numbered by smallest region id — the same ids as linearPieces on the full
// graph. Memory per region: its pattern text and a slot; regions themselves are not kept. When the regions'
// constraints may be redundant (count runs without irredundancy), each equal-map crossing is first confirmed
// to be a real facet by an exact interior-point LP on it (equal-map crossings are rare, so this is cheap).
import { invariant } from "../errors.js";
import { formatPattern } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import type { Region } from "../regions/types.js";
import { outputForm, patternForms } from "./affine-forms.js";
import { crossFacet } from "./crossing.js";
import { halfspaceOf } from "./facets.js";
import { facetInteriorPoint } from "./facet-point.js";
import { sameAffineMap } from "./gradient-jump.js";
import type { PieceAssignment } from "./types.js";

export interface PieceTrackerOptions {
  /** True when every region's constraints are irredundant (each one is a facet). Default true. */
  readonly irredundant?: boolean;
}

export class LinearPieceTracker {
  private readonly ids = new Map<string, number>();
  private readonly pairs: [id: number, farPattern: string][] = [];
  private readonly irredundant: boolean;
  private count = 0;

  /** `net` in region coordinates (with a slice's affine layer in front for a slice). */
  constructor(
    private readonly net: Network,
    options: PieceTrackerOptions = {},
  ) {
    this.irredundant = options.irredundant ?? true;
  }

  /** Record one region (regions may come in any order; ids must be distinct). */
  add(region: Region): void {
    const pattern = formatPattern(region.pattern);
    invariant(!this.ids.has(pattern), `graph/piece-tracker: pattern ${pattern} seen twice`);
    this.ids.set(pattern, region.id);
    this.count = Math.max(this.count, region.id + 1);
    const forms = patternForms(this.net, region.pattern);
    region.constraints.forEach((constraint, index) => {
      if (constraint.source.kind !== "neuron") return;
      const [[far], farForms] = crossFacet(this.net, region.pattern, forms, halfspaceOf(constraint));
      const farMap = outputForm(this.net, farForms);
      if (!sameAffineMap({ A: farMap.G, c: farMap.h }, region.map)) return;
      if (!this.irredundant && !facetInteriorPoint(region.constraints, index)) return;
      this.pairs.push([region.id, formatPattern(far)]);
    });
  }

  /** The piece of every region id seen (index = region id; −1 for ids never added) and the number of pieces. */
  finish(): [pieceOfId: number[], count: number] {
    const parent = Array.from({ length: this.count }, (_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) {
        parent[i] = parent[parent[i]!]!;
        i = parent[i]!;
      }
      return i;
    };
    for (const [id, far] of this.pairs) {
      const other = this.ids.get(far);
      if (other === undefined) continue;
      const [p, q] = [find(id), find(other)];
      // Keep the smaller id as the root so the root is each component's smallest region id.
      if (p !== q) parent[Math.max(p, q)] = Math.min(p, q);
    }
    const seen = new Set(this.ids.values());
    const pieceOfRoot = new Map<number, number>();
    const pieces = parent.map((_, i) => {
      if (!seen.has(i)) return -1;
      const root = find(i);
      if (!pieceOfRoot.has(root)) pieceOfRoot.set(root, pieceOfRoot.size);
      return pieceOfRoot.get(root)!;
    });
    return [pieces, pieceOfRoot.size];
  }

  /** finish() as node keys, like linearPieces(graph). */
  assignment(): PieceAssignment {
    const [pieces, count] = this.finish();
    const map = new Map<string, number>();
    pieces.forEach((p, id) => {
      if (p >= 0) map.set(String(id), p);
    });
    return [map, count];
  }
}

// Linear pieces while regions stream by, for `count` and `regions`: per region only its pattern (packed bits)
// and a 53-bit hash of a digest of its exact affine map are kept (no constraints, no maps, no strings), so the
// per-region cost is a hash and a few bytes. At the end, only regions whose digest hash is shared by another
// region can join a piece; for those, the exact output map is rebuilt from the pattern (regions with equal exact
// maps form a group), the region's constraints are rebuilt exactly from its pattern (one half-space per neuron bound, plus the domain), each neuron
// constraint is crossed with the exact crossing rule, and when the far side is a region of the same digest
// group with an exactly equal map, an exact interior-point LP confirms the constraint is a facet (d−1
// dimensional) before the two are joined (union-find). Piece ids are numbered by smallest region id — the same
// ids as linearPieces on the full graph.
import { invariant } from "../errors.js";
import type { Polyhedron } from "../geometry/types.js";
import { formatPattern } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import type { Region, RegionConstraint } from "../regions/types.js";
import { mapDigest, mapToJson } from "../regions/region-map.js";
import { fieldFor, formToRational, layerFunctions, outputForm, patternFormsIn, preActivationForms, type AffineForm } from "./affine-forms.js";
import { crossFacetIn } from "./crossing.js";
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

/** 53-bit hash of a digest string (equal strings, equal hashes; a collision only costs exact checks). */
function digestHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 & 0x1fffff) * 2 ** 32 + (h1 >>> 0);
}

/**
 * Per region id: a 53-bit hash of its map digest (−1: never added) and its pattern packed at `width` bits
 * per neuron (widened, and everything repacked, when a piece does not fit). About 8 + N·width/8 bytes per
 * region, so counts of millions of regions fit in memory.
 */
class PackedRegions {
  hashes = new Float64Array(1024).fill(-1);
  private words = new Uint32Array(0);
  private width = 1;
  private stride = 0;
  /** Neurons per layer, fixed by the first pattern. */
  private layers: number[] | undefined;
  private neurons = 0;
  size = 0;

  private scratch = new Int32Array(64);

  add(id: number, pattern: readonly (readonly number[])[], hash: number): void {
    const flat = pattern.flat();
    if (this.scratch.length < flat.length) this.scratch = new Int32Array(flat.length);
    this.scratch.set(flat);
    this.store(id, pattern.map((l) => l.length), flat.length, hash);
  }

  /** The same from the pattern text (network/evaluate.ts, formatPattern), parsed without building arrays. */
  addText(id: number, text: string, hash: number): void {
    const sizes: number[] = [];
    let n = 0;
    let layerStart = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 124) {
        sizes.push(n - layerStart);
        layerStart = n;
        continue;
      }
      let piece: number;
      if (ch === 40) {
        const close = text.indexOf(")", i);
        piece = Number(text.slice(i + 1, close));
        i = close;
      } else piece = ch <= 57 ? ch - 48 : ch - 87;
      if (n === this.scratch.length) {
        const grown = new Int32Array(2 * n);
        grown.set(this.scratch);
        this.scratch = grown;
      }
      this.scratch[n++] = piece;
    }
    sizes.push(n - layerStart);
    this.store(id, sizes, n, hash);
  }

  /** Store the n pieces in scratch as region id's pattern (layer sizes `sizes`). */
  private store(id: number, sizes: readonly number[], n: number, hash: number): void {
    if (!this.layers) {
      this.layers = [...sizes];
      this.neurons = n;
      this.stride = Math.ceil(this.neurons / 32);
    }
    invariant(sizes.length === this.layers.length && sizes.every((l, i) => l === this.layers![i]), "graph/piece-tracker: patterns of different shapes");
    let max = 0;
    for (let i = 0; i < n; i++) if (this.scratch[i]! > max) max = this.scratch[i]!;
    while (max >= 2 ** this.width) this.widen();
    if (id >= this.hashes.length || (id + 1) * this.stride > this.words.length) this.grow(id + 1);
    invariant(this.hashes[id] === -1, `graph/piece-tracker: region ${id} added twice`);
    this.hashes[id] = hash;
    this.write(this.words, id, this.scratch, this.width, this.stride);
    if (id + 1 > this.size) this.size = id + 1;
  }

  pattern(id: number): number[][] {
    const flat = this.read(this.words, id, this.width, this.stride);
    let k = 0;
    return this.layers!.map((n) => flat.slice(k, (k += n)));
  }

  private write(words: Uint32Array, id: number, flat: ArrayLike<number>, width: number, stride: number): void {
    const base = id * stride;
    words.fill(0, base, base + stride);
    if (width === 1) {
      for (let i = 0; i < this.neurons; i++) if (flat[i]) words[base + (i >>> 5)]! |= 1 << (i & 31);
      return;
    }
    for (let i = 0; i < this.neurons; i++) {
      const p = flat[i]!;
      for (let b = 0; b < width; b++) if ((p >>> b) & 1) words[base + ((i * width + b) >>> 5)]! |= 1 << ((i * width + b) & 31);
    }
  }

  private read(words: Uint32Array, id: number, width: number, stride: number): number[] {
    const base = id * stride;
    const out = new Array<number>(this.neurons);
    for (let i = 0; i < this.neurons; i++) {
      let p = 0;
      for (let b = 0; b < width; b++) if ((words[base + ((i * width + b) >>> 5)]! >>> ((i * width + b) & 31)) & 1) p |= 1 << b;
      out[i] = p;
    }
    return out;
  }

  private grow(ids: number): void {
    const capacity = Math.max(ids, 2 * this.hashes.length);
    const hashes = new Float64Array(capacity).fill(-1);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const words = new Uint32Array(capacity * this.stride);
    words.set(this.words);
    this.words = words;
  }

  private widen(): void {
    invariant(this.width < 16, "graph/piece-tracker: a neuron with more than 65536 pieces");
    const width = this.width + 1;
    const stride = Math.ceil((this.neurons * width) / 32);
    const words = new Uint32Array((this.words.length / Math.max(this.stride, 1)) * stride);
    for (let id = 0; id < this.size; id++) if (this.hashes[id]! >= 0) this.write(words, id, this.read(this.words, id, this.width, this.stride), width, stride);
    [this.words, this.width, this.stride] = [words, width, stride];
  }
}

export class LinearPieceTracker {
  private readonly regions = new PackedRegions();

  /** Record one region (ids must be distinct; any order). Keeps its pattern and a hash of its map digest. */
  add(region: Region): void {
    this.regions.add(region.id, region.pattern, digestHash(mapDigest(mapToJson(region.map))));
  }

  /** Record one region by its id, pattern text and map digest (regions/map-key.ts or region-map.ts's mapDigest: one kind per run). */
  addKey(id: number, pattern: string, digest: string): void {
    this.regions.addText(id, pattern, digestHash(digest));
  }

  /**
   * The piece of every region id (−1 for ids never added) and the number of pieces. `net` and `domain` are in
   * region coordinates (the enumeration's resolved network and polyhedron).
   */
  finish(net: Network, domain: Polyhedron): [pieceOfId: Int32Array, count: number] {
    const { hashes, size: n } = this.regions;
    const parent = Uint32Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) {
        parent[i] = parent[parent[i]!]!;
        i = parent[i]!;
      }
      return i;
    };
    // Groups of equal digest hashes (only they can share a map), found by sorting the ids by hash; each split
    // further by the exact output map (a digest collision of different maps then costs one exact map per region,
    // not a crossing per neuron). A crossing's far side can only join a region of its own group.
    const order = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => hashes[i]! >= 0);
    order.sort((a, b) => hashes[a]! - hashes[b]! || a - b);
    // The exact maps and crossings in the network's own field: Dyadic for float networks on dyadic domains (no gcd),
    // converted to rationals only where constraints and maps are compared.
    const F = fieldFor(net, domain.halfspaces);
    const join = (members: readonly { id: number; pattern: number[][]; forms: AffineForm<unknown>[]; own: AffineForm }[]): void => {
      const ids = new Map<string, number>();
      for (const { id, pattern } of members) {
        const text = formatPattern(pattern);
        invariant(!ids.has(text), `graph/piece-tracker: pattern ${text} seen twice`);
        ids.set(text, id);
      }
      for (const { id, pattern, forms, own } of members) {
        const constraints = patternConstraints(net, pattern, forms.map((f) => formToRational(F, f)), domain);
        constraints.forEach((constraint, index) => {
          if (constraint.source.kind !== "neuron") return;
          const [[far], farMapIn] = crossFacetIn(F, net, pattern, forms, { a: constraint.a.map((v) => F.fromRational(v)), b: F.fromRational(constraint.b) });
          const other = ids.get(formatPattern(far));
          if (other === undefined || find(other) === find(id)) return;
          const farMap = formToRational(F, farMapIn);
          if (!sameAffineMap({ A: farMap.G, c: farMap.h }, { A: own.G, c: own.h })) return;
          if (!facetInteriorPoint(constraints, index)) return;
          const [p, q] = [find(id), find(other)];
          // The smaller id becomes the root, so each root is its component's smallest region id.
          parent[Math.max(p, q)] = Math.min(p, q);
        });
      }
    };
    for (let i = 0; i < order.length; ) {
      let j = i + 1;
      while (j < order.length && hashes[order[j]!] === hashes[order[i]!]) j++;
      if (j - i > 1) {
        const byMap = new Map<string, Parameters<typeof join>[0][number][]>();
        for (const id of order.subarray(i, j)) {
          const pattern = this.regions.pattern(id);
          const forms = patternFormsIn(F, net, pattern);
          const own = formToRational(F, outputForm(net, forms));
          const text = mapDigest(mapToJson({ A: own.G, c: own.h }));
          byMap.set(text, [...(byMap.get(text) ?? []), { id, pattern, forms, own }]);
        }
        for (const members of byMap.values()) if (members.length > 1) join(members);
      }
      i = j;
    }
    // Indexed by root id, not a Map: a Map holds at most 2^24 entries, and a count of 21.5 M regions crashed on it.
    const pieceOfRoot = new Int32Array(n).fill(-1);
    let count = 0;
    // 4 bytes a region (an Array of 10^6 numbers was 8 MB, and the closing line copied it once more).
    const pieces = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (hashes[i]! < 0) {
        pieces[i] = -1;
        continue;
      }
      const root = find(i);
      if (pieceOfRoot[root]! < 0) pieceOfRoot[root] = count++;
      pieces[i] = pieceOfRoot[root]!;
    }
    return [pieces, count];
  }
}

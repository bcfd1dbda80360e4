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

/** Regions per chunk of PackedRegions (a power of two: id >>> CHUNK_BITS is the chunk). */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/**
 * Per region id: a 53-bit hash of its map digest (−1: never added) and its pattern packed at `width` bits
 * per neuron (widened, and everything repacked, when a piece does not fit). About 8 + N·width/8 bytes per
 * region, so counts of millions of regions fit in memory. Stored in chunks of 2^16 regions that are never
 * copied: a run of 39 M regions doubled one big array (old and new copies side by side, the new one half
 * empty), which was most of its 3.3 GB peak.
 */
class PackedRegions {
  private hashChunks: Float64Array[] = [];
  private wordChunks: Uint32Array[] = [];
  private width = 1;
  private stride = 0;
  /** Neurons per layer, fixed by the first pattern. */
  private layers: number[] | undefined;
  private neurons = 0;
  size = 0;

  private scratch = new Int32Array(64);

  /** The hash of region id's map digest, −1 if it was never added. */
  hash(id: number): number {
    const chunk = this.hashChunks[id >>> CHUNK_BITS];
    return chunk ? chunk[id & (CHUNK - 1)]! : -1;
  }

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
    const c = id >>> CHUNK_BITS;
    while (this.hashChunks.length <= c) {
      this.hashChunks.push(new Float64Array(CHUNK).fill(-1));
      this.wordChunks.push(new Uint32Array(CHUNK * this.stride));
    }
    const offset = id & (CHUNK - 1);
    invariant(this.hashChunks[c]![offset] === -1, `graph/piece-tracker: region ${id} added twice`);
    this.hashChunks[c]![offset] = hash;
    this.write(this.wordChunks[c]!, offset, this.scratch, this.width, this.stride);
    if (id + 1 > this.size) this.size = id + 1;
  }

  pattern(id: number): number[][] {
    const flat = this.read(this.wordChunks[id >>> CHUNK_BITS]!, id & (CHUNK - 1), this.width, this.stride);
    let k = 0;
    return this.layers!.map((n) => flat.slice(k, (k += n)));
  }

  /** Write a pattern at `slot` of a chunk's words. */
  private write(words: Uint32Array, slot: number, flat: ArrayLike<number>, width: number, stride: number): void {
    const base = slot * stride;
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

  private read(words: Uint32Array, slot: number, width: number, stride: number): number[] {
    const base = slot * stride;
    const out = new Array<number>(this.neurons);
    for (let i = 0; i < this.neurons; i++) {
      let p = 0;
      for (let b = 0; b < width; b++) if ((words[base + ((i * width + b) >>> 5)]! >>> ((i * width + b) & 31)) & 1) p |= 1 << b;
      out[i] = p;
    }
    return out;
  }

  /** One more bit per neuron: every chunk repacked, one chunk at a time. */
  private widen(): void {
    invariant(this.width < 16, "graph/piece-tracker: a neuron with more than 65536 pieces");
    const width = this.width + 1;
    const stride = Math.ceil((this.neurons * width) / 32);
    this.wordChunks = this.wordChunks.map((old, c) => {
      const words = new Uint32Array(CHUNK * stride);
      const hashes = this.hashChunks[c]!;
      for (let slot = 0; slot < CHUNK; slot++) if (hashes[slot]! >= 0) this.write(words, slot, this.read(old, slot, this.width, this.stride), width, stride);
      return words;
    });
    [this.width, this.stride] = [width, stride];
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
    const regions = this.regions;
    const n = regions.size;
    // Groups of equal digest hashes (only they can share a map). The hashes are sorted natively in a copy (a
    // comparator sort or a filter of a typed array goes through JS arrays: 8–16 bytes a region more), the hash
    // values seen more than once are kept, and only the ids with such a hash are gathered.
    const sorted = new Float64Array(n);
    for (let id = 0; id < n; id++) sorted[id] = regions.hash(id);
    sorted.sort();
    const repeated = new Set<number>();
    for (let i = 1; i < n; i++) if (sorted[i]! >= 0 && sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
    const groups = new Map<number, number[]>();
    if (repeated.size > 0)
      for (let id = 0; id < n; id++) {
        const h = regions.hash(id);
        if (!repeated.has(h)) continue;
        const group = groups.get(h);
        if (group) group.push(id);
        else groups.set(h, [id]);
      }
    // Union-find over the grouped ids only (every other region is a piece of its own).
    const parent = new Map<number, number>();
    const find = (i: number): number => {
      let root = i;
      for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
      for (let up = parent.get(i); up !== undefined && up !== root; up = parent.get(i)) {
        parent.set(i, root);
        i = up;
      }
      return root;
    };
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
          parent.set(Math.max(p, q), Math.min(p, q));
        });
      }
    };
    for (const group of groups.values()) {
      // Split further by the exact output map (a digest collision of different maps then costs one exact map
      // per region, not a crossing per neuron). A crossing's far side can only join a region of its own group.
      const byMap = new Map<string, Parameters<typeof join>[0][number][]>();
      for (const id of group) {
        const pattern = regions.pattern(id);
        const forms = patternFormsIn(F, net, pattern);
        const own = formToRational(F, outputForm(net, forms));
        const text = mapDigest(mapToJson({ A: own.G, c: own.h }));
        const members = byMap.get(text);
        if (members) members.push({ id, pattern, forms, own });
        else byMap.set(text, [{ id, pattern, forms, own }]);
      }
      for (const members of byMap.values()) if (members.length > 1) join(members);
    }
    // Pieces numbered by their smallest region id; a root is its component's smallest id, so it is numbered
    // before the other members (4 bytes a region: an Array of 10^6 numbers was 8 MB).
    let count = 0;
    const pieces = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (regions.hash(i) < 0) {
        pieces[i] = -1;
        continue;
      }
      const root = parent.has(i) ? find(i) : i;
      pieces[i] = root === i ? count++ : pieces[root]!;
    }
    return [pieces, count];
  }
}

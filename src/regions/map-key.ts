// Region keys for counting linear pieces (`count`): a region's activation pattern and a digest of its exact
// output map, taken from the float output map with its proven error bound (float-maps.ts) whenever that
// decides it, and from the exact map otherwise. The digest is a function of the EXACT map alone: each entry x
// of output row r is placed in the grid cell q = floor(x / 2^G_r + 1/2) (G_r fixed by the network, never by
// a region), and the digest hashes the cells. Equal exact maps therefore always get equal digests; different
// maps may collide (a collision only costs the exact check that joins pieces, graph/piece-tracker.ts). The
// float entry x̂ with |x − x̂| ≤ e decides q when (q − 1/2)·2^G < x̂ − e and x̂ + e < (q + 1/2)·2^G hold in
// floats (rounding is monotone, so the strict float comparisons imply the exact ones); otherwise the exact map
// is computed for this region (counted as `exactKeys`). docs/algorithms/filtered-predicates.md, "Region keys".
import type { Dyadic } from "../exact/dyadic.js";
import type { Field } from "../exact/field.js";
import { rationalToNumber, type Rational } from "../exact/rational.js";
import { neuronFunction } from "../network/activation.js";
import type { Network } from "../network/ir.js";
import type { FloatRows, NodeMap } from "./affine-maps.js";

/** A region as `count` keeps it: its pattern text and a digest of its exact output map (equal maps, equal digests). */
export interface RegionKey {
  readonly pattern: string;
  readonly digest: string;
}

/** A cell is 2^-GRID_BITS of the row's typical size (float error bounds are ~2^-40 of it or less on deep nets). */
const GRID_BITS = 30;
/** Grid exponents stay where (q ± 1/2)·2^G is exact in float64 for |q| < 2^50. */
const MIN_EXPONENT = -1000;
const MAX_EXPONENT = 900;
/** Float guesses of q beyond this go to the exact path (so q ± 1/2 is exact). */
const MAX_CELL = 2 ** 50;

/**
 * The grid exponent G_r of each output row: GRID_BITS below the row's typical size, estimated through the
 * network as a root-sum-of-squares (|σ|·size + |τ| through activations, √(Σ W²·size²) + |b| through affine
 * nodes: signs cancel as in a random sum, so deep nets are not sized by the product of their absolute weights,
 * which would make the cells coarse and different maps collide). Any value would be sound; this one makes
 * ambiguous cells (an entry within its error bound of a cell edge) and collisions of different maps both rare.
 */
export function outputGrid(net: Network): Int32Array {
  const size: Float64Array[] = [];
  for (let id = 0; id < net.nodes.length; id++) {
    const node = net.nodes[id]!;
    const out = new Float64Array(node.size);
    if (node.kind === "input") out.fill(1);
    else if (node.kind === "activation") {
      const z = size[node.input]!;
      for (let i = 0; i < node.size; i++) {
        const f = neuronFunction(node.activation, i);
        let m = 0;
        f.slopes.forEach((s, p) => (m = Math.max(m, Math.abs(rationalToNumber(s)) * z[i]! + Math.abs(rationalToNumber(f.intercepts[p]!)))));
        out[i] = m;
      }
    } else {
      const args: number[] = [];
      for (const i of node.inputs) args.push(...size[i]!);
      for (let r = 0; r < node.size; r++) {
        let m = 0;
        node.weights[r]!.forEach((w, c) => (m += (rationalToNumber(w) * args[c]!) ** 2));
        out[r] = Math.sqrt(m) + Math.abs(rationalToNumber(node.bias[r]!));
      }
    }
    size.push(out);
  }
  return Int32Array.from(size[net.output]!, (b) => {
    if (!(b > 0) || !Number.isFinite(b)) return 0;
    return Math.min(MAX_EXPONENT, Math.max(MIN_EXPONENT, Math.ceil(Math.log2(b)) - GRID_BITS));
  });
}

/** Hash of the cells: two 32-bit multiply-xorshift lanes (cyrb53), folded to 53 bits. */
class CellHash {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  /** One cell given by its floor-split halves: q = hi·2^32 + lo, 0 ≤ lo < 2^32, hi as a signed 32-bit word. */
  word(lo: number, hi: number): void {
    this.mix(lo);
    this.mix(hi);
  }

  private mix(x: number): void {
    this.h1 = Math.imul(this.h1 ^ x, 2654435761);
    this.h2 = Math.imul(this.h2 ^ x, 1597334677);
  }

  digest(): string {
    let h1 = Math.imul(this.h1 ^ (this.h1 >>> 16), 2246822507) ^ Math.imul(this.h2 ^ (this.h2 >>> 13), 3266489909);
    let h2 = Math.imul(this.h2 ^ (this.h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    h1 >>>= 0;
    h2 &= 0x1fffff;
    return (h2 * 2 ** 32 + h1).toString(36);
  }
}

const TWO32 = 2 ** 32;

/** The digest from the float rows of the output node, or undefined when some entry's cell is not certain. */
export function floatMapDigest(rows: FloatRows, outputNode: number, d: number, grid: Int32Array): string | undefined {
  const vals = rows.values[outputNode]!;
  const err = rows.error[outputNode]!;
  const L = d + 1;
  const hash = new CellHash();
  for (let r = 0; r < grid.length; r++) {
    const g = 2 ** grid[r]!;
    const e = err[r]!;
    for (let k = 0; k < L; k++) {
      const x = vals[r * L + k]!;
      const q = Math.floor(x / g + 0.5);
      if (!(Math.abs(q) < MAX_CELL)) return undefined;
      // Strict in floats ⇒ strict exactly: (q − 1/2)g < x − e ≤ exact ≤ x + e < (q + 1/2)g.
      if (!(x - e > (q - 0.5) * g && x + e < (q + 0.5) * g)) return undefined;
      const hi = Math.floor(q / TWO32);
      hash.word(q - hi * TWO32, hi | 0);
    }
  }
  return hash.digest();
}

/** floor(x / 2^G + 1/2) of an exact dyadic. */
function dyadicCell(x: Dyadic, G: number): bigint {
  if (x.e >= G) return x.m << BigInt(x.e - G);
  const s = BigInt(G - x.e);
  return (x.m + (1n << (s - 1n))) >> s;
}

/** floor(x / 2^G + 1/2) of an exact rational (x = s·n/d, d > 0). */
function rationalCell(x: Rational, G: number): bigint {
  let num = x.s * x.n;
  let den = x.d;
  if (G >= 0) den <<= BigInt(G);
  else num <<= BigInt(-G);
  // floor((2·num + den) / (2·den)), den > 0.
  const a = 2n * num + den;
  const b = 2n * den;
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

/** The digest of an exact output map (the same cells, hence the same digest, as floatMapDigest when that decides). */
export function exactMapDigest<T>(F: Field<T>, map: NodeMap<T>, grid: Int32Array): string {
  const hash = new CellHash();
  for (let r = 0; r < grid.length; r++) {
    const G = grid[r]!;
    const row = map.M[r]!;
    const L = row.length + 1;
    for (let k = 0; k < L; k++) {
      const x = k < row.length ? row[k]! : map.v[r]!;
      const q = F.dyadic ? dyadicCell(F.toDyadic(x), G) : rationalCell(F.toRational(x), G);
      const hi = q >> 32n;
      hash.word(Number(q - (hi << 32n)), Number(BigInt.asIntN(32, hi)));
    }
  }
  return hash.digest();
}

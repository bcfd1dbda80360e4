// The checker's own symbolic forward pass (independent of the region engine): the exact affine map
// x ↦ M·x + v of every node for a given (partial) activation pattern, over an exact Field<T> (Dyadic for
// float networks, Rational otherwise). Layer maps are cached by the pattern prefix they depend on, so
// walking a split tree (or regions in its order) recomputes only what changed.
import type { Field } from "../exact/field.js";
import { neuronFunction } from "../network/activation.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds } from "../network/ir.js";

export interface FieldMap<T> {
  readonly M: readonly (readonly T[])[];
  readonly v: readonly T[];
}

export class SymbolicPass<T> {
  private readonly acts: number[];
  private readonly maps: FieldMap<T>[] = [];
  /** used[s]: the pattern of layer s − 1 that segment s was computed with ([] for segment 0), or undefined when stale. */
  private readonly used: (readonly number[] | undefined)[] = [];
  private readonly weights = new Map<number, { W: T[][]; b: T[] }>();
  /** Per activation node: each neuron's pieces (slope, intercept) and its last input row, piece and output. */
  private readonly activationCache = new Map<
    number,
    { pieces: { slope: T; intercept: T }[][]; zRow: (readonly T[] | undefined)[]; zv: (T | undefined)[]; piece: number[]; M: (readonly T[] | undefined)[]; v: (T | undefined)[] }
  >();
  /** Per affine node: the argument rows of the last product (by identity) and its result. */
  private readonly affineState = new Map<number, { argM: (readonly T[])[]; argV: T[]; M: (readonly T[])[]; v: T[] }>();

  constructor(
    private readonly F: Field<T>,
    private readonly net: Network,
    private readonly d: number,
  ) {
    this.acts = activationNodeIds(net);
  }

  /** Activation layers and their sizes. */
  layerSizes(): number[] {
    return this.acts.map((id) => this.net.nodes[id]!.size);
  }

  private ensure(upToSegment: number, pattern: readonly (readonly number[])[]): void {
    for (let s = 0; s <= upToSegment; s++) {
      const used = this.used[s];
      if (used !== undefined && (s === 0 || sameLayer(used, pattern[s - 1]!))) continue;
      const from = s === 0 ? 0 : this.acts[s - 1]!;
      const to = s === this.acts.length ? this.net.nodes.length : this.acts[s]!;
      for (let id = from; id < to; id++) this.node(id, pattern);
      this.used[s] = s === 0 ? [] : [...pattern[s - 1]!];
      for (let t = s + 1; t < this.used.length; t++) this.used[t] = undefined;
    }
  }

  private node(id: number, pattern: readonly (readonly number[])[]): void {
    const F = this.F;
    const node = this.net.nodes[id]!;
    const d = this.d;
    if (node.kind === "input") {
      this.maps[id] = { M: Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => (r === c ? F.one : F.zero))), v: new Array<T>(d).fill(F.zero) };
    } else if (node.kind === "activation") this.activation(id, node.input, node.size, pattern);
    else this.affine(id);
  }

  /**
   * slope·z + intercept per neuron for its piece. A neuron whose input row and piece are those of the last call
   * keeps its output row (the same array: the next affine node sees it unchanged); a slope-1 piece shares z's row.
   */
  private activation(id: number, input: number, size: number, pattern: readonly (readonly number[])[]): void {
    const F = this.F;
    const node = this.net.nodes[id]!;
    if (node.kind !== "activation") return;
    const layer = this.acts.indexOf(id);
    const z = this.maps[input]!;
    let cache = this.activationCache.get(id);
    if (!cache) {
      const pieces = Array.from({ length: size }, (_, i) => {
        const f = neuronFunction(node.activation, i);
        return f.slopes.map((slope, piece) => ({ slope: F.fromRational(slope), intercept: F.fromRational(f.intercepts[piece]!) }));
      });
      cache = { pieces, zRow: new Array(size), zv: new Array(size), piece: new Array<number>(size).fill(-1), M: new Array(size), v: new Array(size) };
      this.activationCache.set(id, cache);
    }
    const M: (readonly T[])[] = new Array<readonly T[]>(size);
    const v: T[] = new Array<T>(size);
    for (let i = 0; i < size; i++) {
      const piece = pattern[layer]![i]!;
      const row = z.M[i]!;
      const c = z.v[i]!;
      if (cache.zRow[i] !== row || cache.zv[i] !== c || cache.piece[i] !== piece) {
        const { slope, intercept } = cache.pieces[i]![piece]!;
        const one = F.compare(slope, F.one) === 0;
        cache.M[i] = one ? row : row.map((x) => F.mul(x, slope));
        cache.v[i] = F.sign(intercept) === 0 && one ? c : F.add(F.mul(c, slope), intercept);
        cache.zRow[i] = row;
        cache.zv[i] = c;
        cache.piece[i] = piece;
      }
      M[i] = cache.M[i]!;
      v[i] = cache.v[i]!;
    }
    this.maps[id] = { M, v };
  }

  /**
   * W·arg + b. When few argument rows changed since the last call (by identity: the neurons whose piece or own
   * row changed), the last result is updated by those only, W·arg' = W·arg + W·(arg' − arg) exactly (a rank-k
   * update); rows it leaves alone keep their identity.
   */
  private affine(id: number): void {
    const F = this.F;
    const node = this.net.nodes[id]!;
    if (node.kind !== "affine") return;
    const d = this.d;
    let wb = this.weights.get(id);
    if (!wb) {
      wb = { W: node.weights.map((row) => row.map((w) => F.fromRational(w))), b: node.bias.map((b) => F.fromRational(b)) };
      this.weights.set(id, wb);
    }
    const argM = node.inputs.flatMap((i) => this.maps[i]!.M);
    const argV = node.inputs.flatMap((i) => this.maps[i]!.v);
    const last = this.affineState.get(id);
    const changed: number[] = [];
    if (last) for (let c = 0; c < argM.length; c++) if (argM[c] !== last.argM[c] || argV[c] !== last.argV[c]) changed.push(c);
    let M: (readonly T[])[];
    let v: T[];
    if (!last || changed.length * 2 > argM.length) {
      // Column k of the argument's gradient rows: M[r][k] = W[r]·column k, one exact dot product (a single
      // fixed-point sum on dyadics, no normalisation per term).
      const columns = Array.from({ length: d }, (_, k) => argM.map((row) => row[k]!));
      M = wb.W.map((row) => columns.map((column) => F.dot(row, column)));
      v = wb.W.map((row, r) => F.dot(row, argV, wb.b[r]!));
    } else {
      M = last.M.slice();
      v = last.v.slice();
      for (const c of changed) {
        const dRow = argM[c]!.map((x, k) => F.sub(x, last.argM[c]![k]!));
        const dv = F.sub(argV[c]!, last.argV[c]!);
        for (let r = 0; r < M.length; r++) {
          const w = wb.W[r]![c]!;
          if (F.sign(w) === 0) continue;
          M[r] = M[r]!.map((x, k) => (F.sign(dRow[k]!) === 0 ? x : F.add(x, F.mul(w, dRow[k]!))));
          v[r] = F.add(v[r]!, F.mul(w, dv));
        }
      }
    }
    this.affineState.set(id, { argM, argV, M, v });
    this.maps[id] = { M, v };
  }

  /** Pre-activation (w, c) of neuron `neuron` of activation layer `layer`; needs the pattern of earlier layers. */
  preactivation(layer: number, neuron: number, pattern: readonly (readonly number[])[]): { w: readonly T[]; c: T } {
    const z = this.layer(layer, pattern);
    return { w: z.M[neuron]!, c: z.v[neuron]! };
  }

  /** The pre-activation maps of every neuron of activation layer `layer` (row i: neuron i); needs the pattern of earlier layers. */
  layer(layer: number, pattern: readonly (readonly number[])[]): FieldMap<T> {
    this.ensure(layer, pattern);
    const node = this.net.nodes[this.acts[layer]!]!;
    if (node.kind !== "activation") throw new Error("check/symbolic: not an activation node");
    return this.maps[node.input]!;
  }

  /** The output map for a full pattern. */
  output(pattern: readonly (readonly number[])[]): FieldMap<T> {
    this.ensure(this.acts.length, pattern);
    return this.maps[this.net.output]!;
  }
}

function sameLayer(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Symbolic tensors of the ONNX lowering: a tensor that depends on the network input is kept as a pending
// affine expression, one sparse row per element over the outputs of IR nodes already built, so chains of
// linear ops (MatMul, Add, BatchNorm, Conv, Reshape, ...) compose exactly into ONE affine node. An
// activation materializes the pending expression as an affine node of the IR and starts afresh.
import { ONE, ZERO, exactSmallDyadic, type Rational } from "../../exact/rational.js";
import { rationalFromFloat64 } from "../../exact/float.js";
import type { NetworkBuilder } from "../../network/build.js";
import { checkReadDeadline } from "../limits.js";
import type { ActivationSpec } from "../../network/ir.js";

/** Σ coeffs[k] · column cols[k]; columns are global (see LoweringGraph), sorted ascending. */
export interface SparseRow {
  readonly cols: readonly number[];
  readonly coeffs: readonly Rational[];
  /** The same coefficients as float64s when each is exactly one (a float weight of the file; see floatRow). */
  readonly floats?: Float64Array;
}

/** A row of float coefficients (exact float64 values): `coeffs` (the rationals) is built on first read. */
export function floatRow(cols: readonly number[], floats: Float64Array): SparseRow {
  let coeffs: Rational[] | undefined;
  return {
    cols,
    floats,
    get coeffs(): Rational[] {
      return (coeffs ??= Array.from(floats, (x) => rationalFromFloat64(x)!));
    },
  };
}

/** A tensor that depends on the input: element i = rows[i] · (node outputs) + bias[i]. */
export interface SymTensor {
  readonly kind: "sym";
  readonly shape: readonly number[];
  readonly rows: readonly SparseRow[];
  readonly bias: readonly Rational[];
  /** The ONNX node that last changed it, to name the IR node it becomes. */
  readonly label: string;
}

export const EMPTY_ROW: SparseRow = { cols: [], coeffs: [] };

export function isOne(r: Rational): boolean {
  return r.n === 1n && r.d === 1n && r.s === 1n;
}

/** Accumulates Σ coeff · row exactly; the ONE coefficient is taken without a multiplication. */
export class RowAccumulator {
  private readonly terms = new Map<number, Rational>();

  addScaled(row: SparseRow, coeff: Rational): void {
    if (coeff.n === 0n) return;
    const unit = isOne(coeff);
    for (let k = 0; k < row.cols.length; k++) {
      const col = row.cols[k]!;
      const term = unit ? row.coeffs[k]! : row.coeffs[k]!.mul(coeff);
      const prev = this.terms.get(col);
      this.terms.set(col, prev === undefined ? term : prev.add(term));
    }
  }

  toRow(): SparseRow {
    const cols = [...this.terms.keys()].filter((c) => this.terms.get(c)!.n !== 0n).sort((a, b) => a - b);
    return { cols, coeffs: cols.map((c) => this.terms.get(c)!) };
  }
}

/** coeff · row (a new row; zero coefficient gives the empty row). */
export function scaleRow(row: SparseRow, coeff: Rational): SparseRow {
  if (coeff.n === 0n) return EMPTY_ROW;
  if (isOne(coeff)) return row;
  return { cols: row.cols, coeffs: row.coeffs.map((c) => c.mul(coeff)) };
}

/** The lazy identity rows made by nodeTensor: their first column and the all-zero bias they came with. */
const identityRowsOf = new WeakMap<readonly SparseRow[], { readonly base: number; readonly bias: readonly Rational[] }>();

/**
 * Rows base, base+1, …, base+size-1 with coefficient 1, made when an element is read: a node's output as a
 * tensor costs no memory per element (info on a 10^7-element Relu stays small). It behaves as a read-only array.
 */
function identityRows(base: number, size: number): readonly SparseRow[] {
  const unit: readonly Rational[] = [ONE];
  const indexOf = (key: string | symbol): number => {
    if (typeof key !== "string" || key === "" || key.length > 16) return -1;
    const k = Number(key);
    return Number.isInteger(k) && k >= 0 && k < size && String(k) === key ? k : -1;
  };
  return new Proxy<SparseRow[]>([], {
    get: (target, key, receiver) => {
      if (key === "length") return size;
      const k = indexOf(key);
      return k >= 0 ? { cols: [base + k], coeffs: unit } : Reflect.get(target, key, receiver);
    },
    has: (target, key) => indexOf(key) >= 0 || Reflect.has(target, key),
    set: () => false,
  });
}

/**
 * The network builder plus the global column numbering of node outputs: node id's output k is column
 * base[id] + k. Rows refer to these columns, so an expression may mix several nodes (residual Add, MaxPool).
 */
export class LoweringGraph {
  private readonly bases: number[] = [0];
  private nextBase: number;

  constructor(readonly builder: NetworkBuilder, private readonly file: string) {
    this.nextBase = builder.size(0);
  }

  private record(id: number): number {
    this.bases[id] = this.nextBase;
    this.nextBase += this.builder.size(id);
    return id;
  }

  /** The identity expression over node `id`, with the given tensor shape. */
  nodeTensor(id: number, shape: readonly number[], label: string): SymTensor {
    const base = this.bases[id]!;
    const size = this.builder.size(id);
    const rows = identityRows(base, size);
    const bias = new Array<Rational>(size).fill(ZERO);
    identityRowsOf.set(rows, { base, bias });
    return { kind: "sym", shape, rows, bias, label };
  }

  /** The node holding global column `col` (binary search over the bases). */
  private nodeOfColumn(col: number): number {
    let lo = 0;
    let hi = this.bases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid]! <= col) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** If t is exactly node `id`'s output in order, that id. */
  private identityNode(t: SymTensor): number | undefined {
    const lazy = identityRowsOf.get(t.rows);
    if (lazy !== undefined && lazy.bias === t.bias) return this.nodeOfColumn(lazy.base);
    const first = t.rows[0];
    if (!first || first.cols.length !== 1) return undefined;
    const id = this.nodeOfColumn(first.cols[0]!);
    const base = this.bases[id]!;
    if (first.cols[0] !== base || this.builder.size(id) !== t.rows.length) return undefined;
    for (let k = 0; k < t.rows.length; k++) {
      const row = t.rows[k]!;
      if (row.cols.length !== 1 || row.cols[0] !== base + k || !isOne(row.coeffs[0]!) || t.bias[k]!.n !== 0n) return undefined;
    }
    return id;
  }

  /**
   * An IR node whose output is the tensor's value: the existing node when the expression is one node's
   * output as it stands, otherwise a new affine node reading the nodes it uses. `asOutput`: the network
   * output must be the last node and not the input node, so an identity node is added when needed.
   */
  materialize(t: SymTensor, asOutput = false): number {
    const existing = this.identityNode(t);
    if (existing !== undefined && (!asOutput || (existing === this.builder.last && existing !== 0))) return existing;
    const used = new Set<number>();
    for (const row of t.rows) for (const col of row.cols) used.add(this.nodeOfColumn(col));
    if (used.size === 0) used.add(0);
    const inputs = [...used].sort((a, b) => a - b);
    const local = new Map<number, number>();
    let width = 0;
    for (const id of inputs) {
      local.set(id, width);
      width += this.builder.size(id);
    }
    this.builder.checkParameters(t.rows.length, width, t.label);
    const floatBias = t.rows.every((row) => row.floats !== undefined) ? t.bias.map(exactSmallDyadic) : undefined;
    if (floatBias?.every((b): b is number => b !== undefined)) {
      // Every coefficient and bias is a float: one Float64Array, the rationals built only if read (network/build.ts).
      const W = new Float64Array(t.rows.length * width);
      t.rows.forEach((row, r) => {
        const floats = row.floats!;
        for (let k = 0; k < row.cols.length; k++) {
          const col = row.cols[k]!;
          const id = this.nodeOfColumn(col);
          W[r * width + local.get(id)! + col - this.bases[id]!] = floats[k]!;
        }
      });
      return this.record(this.builder.floatAffine(W, [...t.bias], inputs, t.label));
    }
    const weights = t.rows.map((row, r) => {
      if ((r & 0xffff) === 0xffff) checkReadDeadline(this.file);
      const dense = new Array<Rational>(width).fill(ZERO);
      for (let k = 0; k < row.cols.length; k++) {
        const col = row.cols[k]!;
        const id = this.nodeOfColumn(col);
        dense[local.get(id)! + col - this.bases[id]!] = row.coeffs[k]!;
      }
      return dense;
    });
    return this.record(this.builder.affine(weights, [...t.bias], inputs, t.label));
  }

  /** Apply an element-wise activation: materialize, add the activation node, continue from its output. */
  activate(t: SymTensor, spec: ActivationSpec, label: string): SymTensor {
    const input = this.materialize(t);
    const id = this.record(this.builder.activation(spec, input, label));
    return this.nodeTensor(id, t.shape, label);
  }
}

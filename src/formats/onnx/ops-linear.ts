// Linear ONNX ops with constants, composed exactly into the pending affine expression: Add, Sub, Mul, Div,
// Neg (numpy broadcasting), MatMul in both orders (x·W and W·x, batched), Gemm (alpha, beta, transA, transB),
// ReduceSum and ReduceMean.
// Two symbolic operands may be added or subtracted (a residual connection), never multiplied.
import { ONE, ZERO, rat, type Rational } from "../../exact/rational.js";
import { RowAccumulator, floatRow, isOne, scaleRow, type SparseRow, type SymTensor } from "./symbolic.js";
import { rationalFromFloat64 } from "../../exact/float.js";
import { elementCount, type ConstTensor } from "./tensor.js";
import { OpError, asSym, broadcastIndex, broadcastShape, constTensor, strides, transposeValue, type Value } from "./values.js";

const MINUS_ONE = rat(-1);

export type BinaryOp = "Add" | "Sub" | "Mul" | "Div";

/** Σ coeff · element over the terms (element indices of `t`), plus `constant`: one row and its bias. */
export function combine(t: SymTensor, terms: readonly (readonly [number, Rational])[], constant: Rational = ZERO): [SparseRow, Rational] {
  const acc = new RowAccumulator();
  let bias = constant;
  for (const [index, coeff] of terms) {
    if (coeff.n === 0n) continue;
    acc.addScaled(t.rows[index]!, coeff);
    const b = t.bias[index]!;
    if (b.n !== 0n) bias = bias.add(b.mul(coeff));
  }
  return [acc.toRow(), bias];
}

function applyConst(op: BinaryOp, x: Rational, y: Rational, integer: boolean): Rational {
  switch (op) {
    case "Add":
      return x.add(y);
    case "Sub":
      return x.sub(y);
    case "Mul":
      return x.mul(y);
    case "Div": {
      if (y.n === 0n) throw new OpError("divides by zero");
      const q = x.div(y);
      return integer ? rat(q.s * (q.n / q.d)) : q;
    }
  }
}

/** a op b with numpy broadcasting, exact. */
export function binary(op: BinaryOp, a: Value, b: Value, label: string): Value {
  const shape = broadcastShape(a.shape, b.shape);
  const ia = broadcastIndex(shape, a.shape);
  const ib = broadcastIndex(shape, b.shape);
  const n = ia.length;
  if (a.kind === "const" && b.kind === "const") {
    const integer = a.integer && b.integer;
    return constTensor(shape, Array.from({ length: n }, (_, i) => applyConst(op, a.data[ia[i]!]!, b.data[ib[i]!]!, integer)), integer);
  }
  if (op === "Add" || op === "Sub") {
    const sa = asSym(a, label);
    const sb = asSym(b, label);
    const sign = op === "Add" ? ONE : MINUS_ONE;
    const rows: SparseRow[] = [];
    const bias: Rational[] = [];
    for (let i = 0; i < n; i++) {
      const ra = sa.rows[ia[i]!]!;
      const rb = sb.rows[ib[i]!]!;
      if (rb.cols.length === 0) rows.push(ra);
      else if (ra.cols.length === 0) rows.push(scaleRow(rb, sign));
      else {
        const acc = new RowAccumulator();
        acc.addScaled(ra, ONE);
        acc.addScaled(rb, sign);
        rows.push(acc.toRow());
      }
      bias.push(op === "Add" ? sa.bias[ia[i]!]!.add(sb.bias[ib[i]!]!) : sa.bias[ia[i]!]!.sub(sb.bias[ib[i]!]!));
    }
    return { kind: "sym", shape, rows, bias, label };
  }
  if (a.kind === "sym" && b.kind === "sym") {
    throw new OpError(`${op} of two tensors that both depend on the input is not linear (not piecewise-affine)`);
  }
  if (op === "Div" && b.kind === "sym") throw new OpError("divides by a tensor that depends on the input: not piecewise-affine");
  const sym = (a.kind === "sym" ? a : b) as SymTensor;
  const con = (a.kind === "sym" ? b : a) as ConstTensor;
  const is = a.kind === "sym" ? ia : ib;
  const ic = a.kind === "sym" ? ib : ia;
  const factor = (i: number): Rational => {
    const c = con.data[ic[i]!]!;
    if (op === "Mul") return c;
    if (c.n === 0n) throw new OpError("divides by zero");
    return c.inverse();
  };
  const rows: SparseRow[] = [];
  const bias: Rational[] = [];
  for (let i = 0; i < n; i++) {
    const f = factor(i);
    rows.push(scaleRow(sym.rows[is[i]!]!, f));
    bias.push(sym.bias[is[i]!]!.mul(f));
  }
  return { kind: "sym", shape, rows, bias, label };
}

/** -v. */
export function negate(v: Value, label: string): Value {
  return binary("Mul", v, constTensor([], [MINUS_ONE]), label);
}

/** numpy matmul: 1-D operands promoted, leading (batch) dimensions broadcast. At most one operand symbolic. */
export function matmul(a: Value, b: Value, label: string): Value {
  if (a.kind === "sym" && b.kind === "sym") throw new OpError("MatMul of two tensors that both depend on the input is not linear");
  if (a.shape.length === 0 || b.shape.length === 0) throw new OpError("MatMul needs operands of rank at least 1");
  const aShape = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bShape = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const [m, k] = aShape.slice(-2) as [number, number];
  const [k2, nCols] = bShape.slice(-2) as [number, number];
  if (k !== k2) throw new OpError(`MatMul of shapes [${a.shape.join(",")}] and [${b.shape.join(",")}]: inner dimensions ${k} and ${k2} differ`);
  const batch = broadcastShape(aShape.slice(0, -2), bShape.slice(0, -2));
  const batchA = broadcastIndex(batch, aShape.slice(0, -2));
  const batchB = broadcastIndex(batch, bShape.slice(0, -2));
  const count = elementCount(batch) * m * nCols;
  let shape = [...batch, m, nCols];
  if (a.shape.length === 1) shape = [...batch, nCols];
  if (b.shape.length === 1) shape = a.shape.length === 1 ? [...batch] : [...batch, m];
  const symIsA = a.kind === "sym";
  const sym = a.kind === "sym" ? a : b.kind === "sym" ? b : undefined;
  const con = (symIsA ? b : a) as ConstTensor;
  const unit = sym !== undefined && isUnitTensor(sym);
  if (sym && unit && con.floats) return floatMatmul(sym, con.floats, symIsA, { m, k, nCols, count, batchA, batchB }, shape, label);
  const data: Rational[] = [];
  const rows: SparseRow[] = [];
  const bias: Rational[] = [];
  const terms: [number, Rational][] = [];
  for (let flat = 0; flat < count; flat++) {
    const { j, aBase, bBase } = matmulIndex(flat, { m, k, nCols, batchA, batchB });
    if (!sym) {
      let s = ZERO;
      for (let kk = 0; kk < k; kk++) s = s.add((a as ConstTensor).data[aBase + kk]!.mul((b as ConstTensor).data[bBase + kk * nCols]!));
      data.push(s);
      continue;
    }
    terms.length = 0;
    for (let kk = 0; kk < k; kk++) {
      terms.push(symIsA ? [aBase + kk, con.data[bBase + kk * nCols]!] : [bBase + kk * nCols, con.data[aBase + kk]!]);
    }
    if (unit) rows.push(unitCombination(sym, terms));
    else {
      const [row, c] = combine(sym, terms);
      rows.push(row);
      bias.push(c);
    }
  }
  if (!sym) return constTensor(shape, data);
  return { kind: "sym", shape, rows, bias: unit ? new Array<Rational>(count).fill(ZERO) : bias, label };
}

/** Output element `flat` of a batched matmul: its column j, where its row of A starts and its column of B starts. */
function matmulIndex(flat: number, dims: { m: number; k: number; nCols: number; batchA: Int32Array; batchB: Int32Array }): { j: number; aBase: number; bBase: number } {
  const { m, k, nCols, batchA, batchB } = dims;
  const j = flat % nCols;
  const i = Math.floor(flat / nCols) % m;
  const bt = Math.floor(flat / (nCols * m));
  return { j, aBase: batchA[bt]! * m * k + i * k, bBase: batchB[bt]! * k * nCols + j };
}

/**
 * MatMul of a unit tensor (one node output per element, as a layer's input is) by float weights: each row's
 * coefficients are the weights themselves, kept as float64s (floatRow) with no rational built. Rows whose
 * columns would repeat or go down take the exact path (combine). `transposedB`: the weights are Bᵀ of a 2-D B
 * ([nCols, k], Gemm's transB), read in place.
 */
function floatMatmul(
  sym: SymTensor,
  floats: Float64Array,
  symIsA: boolean,
  dims: { m: number; k: number; nCols: number; count: number; batchA: Int32Array; batchB: Int32Array },
  shape: readonly number[],
  label: string,
  transposedB = false,
): SymTensor {
  const { k, nCols, count } = dims;
  const unitCols = Array.from(sym.rows, (r) => r.cols[0]!);
  const rows: SparseRow[] = [];
  const cols: number[] = [];
  const coeffs: number[] = [];
  for (let flat = 0; flat < count; flat++) {
    const { j, aBase, bBase } = matmulIndex(flat, dims);
    cols.length = 0;
    coeffs.length = 0;
    let increasing = true;
    for (let kk = 0; kk < k; kk++) {
      const coeff = floats[!symIsA ? aBase + kk : transposedB ? j * k + kk : bBase + kk * nCols]!;
      if (coeff === 0) continue;
      const col = unitCols[symIsA ? aBase + kk : bBase + kk * nCols]!;
      if (cols.length && col <= cols[cols.length - 1]!) increasing = false;
      cols.push(col);
      coeffs.push(coeff);
    }
    if (increasing) rows.push(floatRow([...cols], Float64Array.from(coeffs)));
    else {
      const terms: [number, Rational][] = [];
      for (let kk = 0; kk < k; kk++) {
        const coeff = rationalFromFloat64(floats[!symIsA ? aBase + kk : transposedB ? j * k + kk : bBase + kk * nCols]!)!;
        terms.push([symIsA ? aBase + kk : bBase + kk * nCols, coeff]);
      }
      rows.push(combine(sym, terms)[0]);
    }
  }
  return { kind: "sym", shape, rows, bias: new Array<Rational>(count).fill(ZERO), label };
}

/** True when every element is one node output with coefficient 1 and no constant (the usual layer input). */
function isUnitTensor(t: SymTensor): boolean {
  return t.rows.every((r, i) => r.cols.length === 1 && isOne(r.coeffs[0]!) && t.bias[i]!.n === 0n);
}

/** Σ coeff · element for a unit tensor: the row is the coefficients themselves (merged if columns repeat). */
function unitCombination(t: SymTensor, terms: readonly (readonly [number, Rational])[]): SparseRow {
  const cols: number[] = [];
  const coeffs: Rational[] = [];
  let increasing = true;
  for (const [index, coeff] of terms) {
    if (coeff.n === 0n) continue;
    const col = t.rows[index]!.cols[0]!;
    if (cols.length && col <= cols[cols.length - 1]!) increasing = false;
    cols.push(col);
    coeffs.push(coeff);
  }
  return increasing ? { cols, coeffs } : combine(t, terms)[0];
}

/** Gemm: alpha · A'·B' + beta · C, A' = Aᵀ when transA, B' = Bᵀ when transB (2-D operands). */
export function gemm(a: Value, b: Value, c: Value | undefined, attrs: { alpha: Rational; beta: Rational; transA: boolean; transB: boolean }, label: string): Value {
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new OpError(`Gemm needs 2-D operands, got [${a.shape.join(",")}] and [${b.shape.join(",")}]`);
  let y: Value;
  if (!attrs.transA && attrs.transB && a.kind === "sym" && b.kind === "const" && b.floats && a.shape[1] === b.shape[1] && isUnitTensor(a)) {
    // x·Bᵀ by float weights (a fully connected layer as PyTorch exports it): read B by rows, no transposed copy.
    const [m, k] = a.shape as [number, number];
    const n = b.shape[0]!;
    y = floatMatmul(a, b.floats, true, { m, k, nCols: n, count: m * n, batchA: Int32Array.of(0), batchB: Int32Array.of(0) }, [m, n], label, true);
  } else {
    const left = attrs.transA ? transposeValue(a, undefined) : a;
    const right = attrs.transB ? transposeValue(b, undefined) : b;
    y = matmul(left, right, label);
  }
  if (!attrs.alpha.equals(ONE)) y = binary("Mul", y, constTensor([], [attrs.alpha]), label);
  if (c && attrs.beta.n !== 0n) {
    const scaled = attrs.beta.equals(ONE) ? c : binary("Mul", c, constTensor([], [attrs.beta]), label);
    y = binary("Add", y, scaled, label);
  }
  return y;
}

/** ReduceSum / ReduceMean over `axes` (all axes when undefined), keeping reduced axes as 1 when `keepdims`. */
export function reduce(x: Value, axes: readonly number[] | undefined, keepdims: boolean, mean: boolean, label: string): Value {
  const rank = x.shape.length;
  const reduced = new Set((axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a)));
  for (const a of reduced) if (a < 0 || a >= rank) throw new OpError(`axis out of range for a tensor of rank ${rank}`);
  const kept = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const inStrides = strides(x.shape);
  const keptStrides = strides(kept);
  const groups: [number, Rational][][] = Array.from({ length: elementCount(kept) }, () => []);
  const total = elementCount(x.shape);
  const weight = mean ? rat(1, total / groups.length) : ONE;
  for (let flat = 0; flat < total; flat++) {
    let out = 0;
    for (let ax = 0; ax < rank; ax++) if (!reduced.has(ax)) out += (Math.floor(flat / inStrides[ax]!) % x.shape[ax]!) * keptStrides[ax]!;
    groups[out]!.push([flat, weight]);
  }
  const shape = keepdims ? kept : x.shape.filter((_, i) => !reduced.has(i));
  if (x.kind === "const") return constTensor(shape, groups.map((g) => g.reduce((s, [i, w]) => s.add(x.data[i]!.mul(w)), ZERO)));
  const rows: SparseRow[] = [];
  const bias: Rational[] = [];
  for (const g of groups) {
    const [row, c] = combine(x, g);
    rows.push(row);
    bias.push(c);
  }
  return { kind: "sym", shape, rows, bias, label };
}

// Values flowing along ONNX graph edges during lowering (a known constant or a symbolic tensor) and the index
// arithmetic shared by the ops: strides, numpy broadcasting, and element re-indexing (reshape, transpose,
// gather, slice, concat), which moves elements without any arithmetic.
import { ZERO, type Rational } from "../../exact/rational.js";
import { EMPTY_ROW, type SparseRow, type SymTensor } from "./symbolic.js";
import { elementCount, floatTensor, type ConstTensor } from "./tensor.js";

export type Value = ConstTensor | SymTensor;

/** Thrown by ops for a problem with the node being lowered; the reader adds the file and the node. */
export class OpError extends Error {
  override name = "OpError";
}

/** The inputs of an ONNX node in order; an optional input left empty is undefined. */
export type OpInputs = readonly (Value | undefined)[];

/** Input `index` of a node, or an OpError saying the op needs it. */
export function inputAt(inputs: OpInputs, index: number, op: string): Value {
  const v = inputs[index];
  if (!v) throw new OpError(`${op} needs input ${index}`);
  return v;
}

export function constTensor(shape: readonly number[], data: readonly Rational[], integer = false): ConstTensor {
  return { kind: "const", shape, data, integer };
}

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/** The numpy broadcast of two shapes, or an OpError. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new OpError(`shapes [${a.join(",")}] and [${b.join(",")}] cannot be broadcast together`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each element of `outShape`, the flat index of the element of `inShape` broadcast onto it. */
export function broadcastIndex(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const total = elementCount(outShape);
  const map = new Int32Array(total);
  const inStrides = strides(inShape);
  const offset = outShape.length - inShape.length;
  const outStrides = strides(outShape);
  for (let flat = 0; flat < total; flat++) {
    let src = 0;
    for (let axis = offset; axis < outShape.length; axis++) {
      const coord = Math.floor(flat / outStrides[axis]!) % outShape[axis]!;
      const inDim = inShape[axis - offset]!;
      if (inDim !== 1) src += coord * inStrides[axis - offset]!;
    }
    map[flat] = src;
  }
  return map;
}

/** The value with new shape whose element i is the old element map[i] (no arithmetic). */
export function reindex(v: Value, shape: readonly number[], map: ArrayLike<number>): Value {
  const pick = <T>(items: readonly T[]): T[] => Array.from({ length: map.length }, (_, i) => items[map[i]!]!);
  if (v.kind === "const" && v.floats) {
    const floats = v.floats;
    return floatTensor(shape, Float64Array.from({ length: map.length }, (_, i) => floats[map[i]!]!));
  }
  if (v.kind === "const") return { ...v, shape, data: pick(v.data) };
  return { ...v, shape, rows: pick(v.rows), bias: pick(v.bias) };
}

/** Same elements, another shape (Reshape, Flatten, Squeeze, Unsqueeze). */
export function withShape(v: Value, shape: readonly number[]): Value {
  if (elementCount(shape) !== elementCount(v.shape)) {
    throw new OpError(`cannot reshape ${elementCount(v.shape)} elements [${v.shape.join(",")}] to [${shape.join(",")}]`);
  }
  if (v.kind === "const" && v.floats) return floatTensor(shape, v.floats);
  return { ...v, shape };
}

/** A constant as a symbolic tensor with no input dependence. */
export function asSym(v: Value, label: string): SymTensor {
  if (v.kind === "sym") return v;
  return { kind: "sym", shape: v.shape, rows: v.data.map((): SparseRow => EMPTY_ROW), bias: v.data, label };
}

/** Permute axes: output axis i is input axis perm[i] (default: reversed). */
export function transposeValue(v: Value, perm: readonly number[] | undefined): Value {
  const rank = v.shape.length;
  const p = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (p.length !== rank || [...p].sort((a, b) => a - b).some((x, i) => x !== i)) throw new OpError(`perm [${p.join(",")}] is not a permutation of ${rank} axes`);
  const shape = p.map((axis) => v.shape[axis]!);
  const inStrides = strides(v.shape);
  const outStrides = strides(shape);
  const total = elementCount(shape);
  const map = new Int32Array(total);
  for (let flat = 0; flat < total; flat++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += (Math.floor(flat / outStrides[i]!) % shape[i]!) * inStrides[p[i]!]!;
    map[flat] = src;
  }
  return reindex(v, shape, map);
}

/** Normalize a possibly negative axis for a tensor of this rank. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new OpError(`axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

/** Concatenate along an axis; constants stay constant, otherwise the result is symbolic. */
export function concatValues(values: readonly Value[], axis: number, label: string): Value {
  const first = values[0]!;
  const rank = first.shape.length;
  const a = normalizeAxis(axis, rank);
  for (const v of values) {
    if (v.shape.length !== rank || v.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new OpError(`cannot concatenate shapes ${values.map((x) => `[${x.shape.join(",")}]`).join(" and ")} along axis ${axis}`);
    }
  }
  const shape = first.shape.map((d, i) => (i === a ? values.reduce((s, v) => s + v.shape[a]!, 0) : d));
  const outer = elementCount(first.shape.slice(0, a));
  const gather = <T>(parts: readonly (readonly T[])[]): T[] => {
    const out: T[] = [];
    for (let o = 0; o < outer; o++) {
      values.forEach((v, k) => {
        const block = elementCount(v.shape.slice(a));
        for (let j = 0; j < block; j++) out.push(parts[k]![o * block + j]!);
      });
    }
    return out;
  };
  if (values.every((v) => v.kind === "const")) {
    return constTensor(shape, gather(values.map((v) => (v as ConstTensor).data)), values.every((v) => (v as ConstTensor).integer));
  }
  const syms = values.map((v) => asSym(v, label));
  return { kind: "sym", shape, rows: gather(syms.map((s) => s.rows)), bias: gather(syms.map((s) => s.bias)), label };
}

/** A constant tensor of zeros. */
export function zerosTensor(shape: readonly number[]): ConstTensor {
  return constTensor(shape, new Array<Rational>(elementCount(shape)).fill(ZERO));
}

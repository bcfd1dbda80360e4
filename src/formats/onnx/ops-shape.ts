// Shape and data-movement ONNX ops, on constants and symbolic tensors alike (elements move, no arithmetic):
// Identity, Dropout, Constant, Shape, Cast, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Gather,
// Slice, Pad (constant mode). Attribute forms of old opsets and input forms of new ones are both read.
import { ZERO, rat } from "../../exact/rational.js";
import { EMPTY_ROW } from "./symbolic.js";
import { constInts, decodeTensor, elementCount, floatAttr, intAttr, intsAttr, onnx, stringAttr, typedAttribute, type NodeProto } from "./tensor.js";
import { OpError, concatValues, constTensor, inputAt, normalizeAxis, reindex, strides, transposeValue, withShape, type OpInputs, type Value } from "./values.js";

/** A constant integer list given as an input (new opsets) or an attribute (old ones). */
export function intsFrom(node: NodeProto, inputs: OpInputs, index: number, attr: string): number[] | undefined {
  const v = inputs[index];
  if (v) {
    if (v.kind !== "const") throw new OpError(`input ${index} (${attr}) must be a constant, not computed from the network input`);
    return constInts(v);
  }
  return intsAttr(node, attr);
}

function constantValue(node: NodeProto): Value {
  const t = typedAttribute(node, "value", 4);
  if (t?.t) return decodeTensor(t.t);
  const f = typedAttribute(node, "value_float", 1);
  if (f) return constTensor([], [decodeTensor({ dims: [], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [f.f ?? 0] }).data[0]!]);
  const fs = typedAttribute(node, "value_floats", 6);
  if (fs) return decodeTensor({ dims: [fs.floats?.length ?? 0], dataType: onnx.TensorProto.DataType.FLOAT, floatData: fs.floats ?? [] });
  const i = typedAttribute(node, "value_int", 2);
  if (i) return constTensor([], [rat(BigInt(String(i.i ?? 0)))], true);
  const is = intsAttr(node, "value_ints");
  if (is) return constTensor([is.length], is.map((x) => rat(x)), true);
  throw new OpError("Constant has no value attribute tessera reads (value, value_float(s), value_int(s))");
}

function reshape(node: NodeProto, x: Value, target: number[]): Value {
  const allowZero = intAttr(node, "allowzero", 0) === 1;
  const dims = target.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] ?? 0) : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const inferred = dims.filter((d) => d === -1).length;
  if (inferred > 1) throw new OpError("Reshape has more than one -1 dimension");
  const total = elementCount(x.shape);
  if (inferred === 1 && (known === 0 || total % known !== 0)) throw new OpError(`cannot reshape ${total} elements to [${target.join(",")}]`);
  return withShape(x, dims.map((d) => (d === -1 ? total / known : d)));
}

function squeeze(x: Value, axes: number[] | undefined): Value {
  const rank = x.shape.length;
  const drop = new Set((axes ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normalizeAxis(a, rank)));
  for (const a of drop) if (x.shape[a] !== 1) throw new OpError(`cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return withShape(x, x.shape.filter((_, i) => !drop.has(i)));
}

function unsqueeze(x: Value, axes: number[]): Value {
  const rank = x.shape.length + axes.length;
  const add = new Set(axes.map((a) => normalizeAxis(a, rank)));
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(add.has(i) ? 1 : x.shape[k++]!);
  return withShape(x, shape);
}

function gather(x: Value, indices: Value, axisAttr: number): Value {
  if (indices.kind !== "const") throw new OpError("Gather indices must be constant");
  const axis = normalizeAxis(axisAttr, x.shape.length);
  const size = x.shape[axis]!;
  const idx = constInts(indices).map((i) => (i < 0 ? i + size : i));
  if (idx.some((i) => i < 0 || i >= size)) throw new OpError(`Gather index out of range for axis of size ${size}`);
  const outer = elementCount(x.shape.slice(0, axis));
  const inner = elementCount(x.shape.slice(axis + 1));
  const map: number[] = [];
  for (let o = 0; o < outer; o++) for (const i of idx) for (let j = 0; j < inner; j++) map.push((o * size + i) * inner + j);
  return reindex(x, [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], map);
}

function slice(node: NodeProto, inputs: OpInputs): Value {
  const x = inputAt(inputs, 0, "Slice");
  const starts = intsFrom(node, inputs, 1, "starts");
  const ends = intsFrom(node, inputs, 2, "ends");
  if (!starts || !ends || starts.length !== ends.length) throw new OpError("Slice needs starts and ends of equal length");
  const axes = (intsFrom(node, inputs, 3, "axes") ?? starts.map((_, i) => i)).map((a) => normalizeAxis(a, x.shape.length));
  const steps = intsFrom(node, inputs, 4, "steps") ?? starts.map(() => 1);
  const picks = x.shape.map((d) => Array.from({ length: d }, (_, i) => i));
  axes.forEach((axis, k) => {
    const d = x.shape[axis]!;
    const step = steps[k]!;
    if (step === 0) throw new OpError("Slice step 0");
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const start = step > 0 ? clamp(starts[k]!, 0, d) : clamp(starts[k]!, -1, d - 1);
    const end = step > 0 ? clamp(ends[k]!, 0, d) : clamp(ends[k]!, -1, d - 1);
    const list: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) list.push(i);
    picks[axis] = list;
  });
  const shape = picks.map((p) => p.length);
  const inStrides = strides(x.shape);
  const outStrides = strides(shape);
  const map = Array.from({ length: elementCount(shape) }, (_, flat) =>
    shape.reduce((src, dim, ax) => src + picks[ax]![Math.floor(flat / outStrides[ax]!) % dim]! * inStrides[ax]!, 0),
  );
  return reindex(x, shape, map);
}

/** Pad in constant mode (pads = all begins, then all ends; negative pads crop). */
function pad(node: NodeProto, inputs: OpInputs, label: string): Value {
  const x = inputAt(inputs, 0, "Pad");
  const mode = stringAttr(node, "mode", "constant");
  if (mode !== "constant") throw new OpError(`Pad mode ${mode} is not supported (only constant)`);
  const rank = x.shape.length;
  const pads = intsFrom(node, inputs, 1, "pads");
  if (!pads || pads.length !== 2 * rank) throw new OpError(`Pad needs ${2 * rank} pads`);
  const valueInput = inputs[2];
  if (valueInput && valueInput.kind !== "const") throw new OpError("Pad constant_value must be a constant");
  const fill = valueInput ? valueInput.data[0] ?? ZERO : floatAttr(node, "value", 0);
  const shape = x.shape.map((d, i) => d + pads[i]! + pads[rank + i]!);
  const inStrides = strides(x.shape);
  const outStrides = strides(shape);
  const map = Array.from({ length: elementCount(shape) }, (_, flat) => {
    let src = 0;
    for (let ax = 0; ax < rank; ax++) {
      const c = (Math.floor(flat / outStrides[ax]!) % shape[ax]!) - pads[ax]!;
      if (c < 0 || c >= x.shape[ax]!) return -1;
      src += c * inStrides[ax]!;
    }
    return src;
  });
  if (x.kind === "const") return constTensor(shape, map.map((i) => (i < 0 ? fill : x.data[i]!)), x.integer);
  const rows = map.map((i) => (i < 0 ? EMPTY_ROW : x.rows[i]!));
  const bias = map.map((i) => (i < 0 ? fill : x.bias[i]!));
  return { kind: "sym", shape, rows, bias, label };
}

const FLOAT_TARGETS = new Set<number>([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.DOUBLE, onnx.TensorProto.DataType.FLOAT16]);

function cast(node: NodeProto, x: Value): Value {
  const to = intAttr(node, "to", 0);
  if (FLOAT_TARGETS.has(to)) return x.kind === "const" ? { ...x, integer: false } : x;
  if (x.kind === "sym") throw new OpError("Cast of a tensor that depends on the input to a non-float type is not piecewise-affine");
  return constTensor(x.shape, x.data.map((r) => rat(r.s * (r.n / r.d))), true);
}

/** The shape/data-movement op handlers, by op type. */
export const SHAPE_OPS: Readonly<Record<string, (node: NodeProto, inputs: OpInputs, label: string) => Value>> = {
  Identity: (_node, inputs) => inputAt(inputs, 0, "Identity"),
  Dropout: (_node, inputs) => inputAt(inputs, 0, "Dropout"),
  Constant: (node) => constantValue(node),
  Cast: (node, inputs) => cast(node, inputAt(inputs, 0, "Cast")),
  Shape: (node, inputs) => {
    const x = inputAt(inputs, 0, "Shape");
    const rank = x.shape.length;
    const start = intAttr(node, "start", 0);
    const end = intAttr(node, "end", rank);
    const dims = x.shape.slice(start < 0 ? start + rank : start, end < 0 ? end + rank : end);
    return constTensor([dims.length], dims.map((d) => rat(d)), true);
  },
  Reshape: (node, inputs) => {
    const target = intsFrom(node, inputs, 1, "shape");
    if (!target) throw new OpError("Reshape needs a shape");
    return reshape(node, inputAt(inputs, 0, "Reshape"), target);
  },
  Flatten: (node, inputs) => {
    const x = inputAt(inputs, 0, "Flatten");
    const axis = intAttr(node, "axis", 1);
    const a = axis < 0 ? axis + x.shape.length : axis;
    return withShape(x, [elementCount(x.shape.slice(0, a)), elementCount(x.shape.slice(a))]);
  },
  Squeeze: (node, inputs) => squeeze(inputAt(inputs, 0, "Squeeze"), intsFrom(node, inputs, 1, "axes")),
  Unsqueeze: (node, inputs) => {
    const axes = intsFrom(node, inputs, 1, "axes");
    if (!axes) throw new OpError("Unsqueeze needs axes");
    return unsqueeze(inputAt(inputs, 0, "Unsqueeze"), axes);
  },
  Transpose: (node, inputs) => transposeValue(inputAt(inputs, 0, "Transpose"), intsAttr(node, "perm")),
  Concat: (node, inputs, label) => {
    const parts = inputs.filter((v): v is Value => v !== undefined);
    if (parts.length === 0) throw new OpError("Concat needs inputs");
    return concatValues(parts, intAttr(node, "axis", 0), label);
  },
  Gather: (node, inputs) => gather(inputAt(inputs, 0, "Gather"), inputAt(inputs, 1, "Gather"), intAttr(node, "axis", 0)),
  Slice: (node, inputs) => slice(node, inputs),
  Pad: (node, inputs, label) => pad(node, inputs, label),
};

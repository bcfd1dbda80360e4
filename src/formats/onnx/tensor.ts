// ONNX bytes to exact values: decoding the protobuf (onnx-proto), taking every stored tensor as its exact
// value (float32/float64/float16 as dyadics, integers as integers, from raw_data or the typed fields), and
// reading node attributes. Nothing here rounds: a float weight is the binary number the runtime uses.
import onnxProto from "onnx-proto";
import { InputError } from "../../errors.js";
import { Rational, ZERO, rat } from "../../exact/rational.js";
import { dyadicFromFloat16Bits, dyadicFromFloat32Bits, dyadicFromFloat64, rationalFromFloat64 } from "../../exact/float.js";
import type { Dyadic } from "../../exact/dyadic.js";

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
type IntLike = number | { toString(): string };

/** A tensor whose value is known while reading (initializers, Constant nodes, and ops folded over them). */
export interface ConstTensor {
  readonly kind: "const";
  readonly shape: readonly number[];
  /** Row-major elements, exact. */
  readonly data: readonly Rational[];
  /** True for integer and boolean element types (division truncates, as ONNX integer Div does). */
  readonly integer: boolean;
  /**
   * The same elements as float64s, for tensors of float elements (float32/float16/float64: each is exactly a
   * float64). MatMul and Gemm read these instead of `data`, which is then built only when something reads it.
   */
  readonly floats?: Float64Array;
}

/**
 * A constant of float elements held as float64s: `data` (the exact rationals) is built on first read. Each
 * element must be a finite float64 (its exact value is the dyadic rational it denotes).
 */
export function floatTensor(shape: readonly number[], floats: Float64Array): ConstTensor {
  let data: Rational[] | undefined;
  return {
    kind: "const",
    shape,
    integer: false,
    floats,
    get data(): Rational[] {
      return (data ??= Array.from(floats, (x) => rationalFromFloat64(x)!));
    },
  };
}


const DT = onnx.TensorProto.DataType;
const INTEGER_TYPES = new Set<number>([DT.UINT8, DT.INT8, DT.UINT16, DT.INT16, DT.INT32, DT.INT64, DT.BOOL, DT.UINT32, DT.UINT64]);
const FLOAT_TYPES = new Set<number>([DT.FLOAT, DT.DOUBLE, DT.FLOAT16]);

/** The name of an ONNX element type, for messages. */
export function dataTypeName(type: number): string {
  return Object.entries(DT).find(([, value]) => value === type)?.[0] ?? `type ${type}`;
}

/** Decode the model, or a one-line InputError when the bytes are not an ONNX model. */
export function decodeModel(bytes: Uint8Array, file: string): ModelProto {
  let model: ModelProto;
  try {
    // A plain Uint8Array view, not a Node Buffer: protobufjs 6 would call the deprecated `new Buffer(0)`
    // for empty fields of a Buffer (DEP0005 warning on stderr).
    model = onnx.ModelProto.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InputError(file, "", `is not an ONNX model (protobuf decoding failed: ${why}); the file may be truncated`);
  }
  const graph = model.graph;
  if (!graph || !graph.node || graph.node.length === 0) {
    throw new InputError(file, "", "is not an ONNX model (it decodes, but has no graph with nodes)");
  }
  if (!model.opsetImport || model.opsetImport.length === 0) {
    throw new InputError(file, "", "is not a complete ONNX model: it declares no opset (the file may be truncated)");
  }
  return model;
}

/** A JS integer from a protobuf int64 (a number, or a Long when long.js is present). */
export function toInt(value: IntLike | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value.toString());
}

function rationalOfDyadic(d: Dyadic | undefined, name: string, index: number): Rational {
  if (d === undefined) throw new RangeError(`tensor "${name}" element ${index} is NaN or infinite`);
  return d.isZero() ? ZERO : d.toRational();
}

/** Exact elements of a tensor proto. Throws RangeError naming the element for NaN/±Inf (callers add the place). */
export function decodeTensor(t: TensorProto): ConstTensor {
  const name = t.name ?? "";
  const shape = (t.dims ?? []).map(toInt);
  const count = elementCount(shape);
  const type = t.dataType ?? 0;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new RangeError(`tensor "${name}" keeps its data in an external file, which tessera does not read`);
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const data: Rational[] = new Array<Rational>(count);
  const need = (bytesEach: number): DataView => {
    if (!view || view.byteLength !== count * bytesEach) {
      throw new RangeError(`tensor "${name}" has ${view?.byteLength ?? 0} data bytes for ${count} elements of ${dataTypeName(type)}`);
    }
    return view;
  };
  const typed = <T>(values: T[] | null | undefined, field: string): T[] => {
    if (!values || values.length !== count) throw new RangeError(`tensor "${name}" has ${values?.length ?? 0} ${field} values for ${count} elements`);
    return values;
  };
  switch (type) {
    case DT.FLOAT: {
      // Float32 elements stay float64s (exact) until something needs their rationals (floatTensor).
      const floats = new Float64Array(count);
      if (raw) {
        const v = need(4);
        for (let i = 0; i < count; i++) floats[i] = v.getFloat32(4 * i, true);
      } else {
        const f = typed(t.floatData, "float_data");
        for (let i = 0; i < count; i++) floats[i] = Math.fround(f[i]!);
      }
      for (let i = 0; i < count; i++) if (!Number.isFinite(floats[i]!)) throw new RangeError(`tensor "${name}" element ${i} is NaN or infinite`);
      return floatTensor(shape, floats);
    }
    case DT.DOUBLE: {
      const v = raw ? need(8) : undefined;
      const floats = v ? Float64Array.from({ length: count }, (_, i) => v.getFloat64(8 * i, true)) : Float64Array.from(typed(t.doubleData, "double_data"));
      for (let i = 0; i < count; i++) if (!Number.isFinite(floats[i]!)) throw new RangeError(`tensor "${name}" element ${i} is NaN or infinite`);
      return floatTensor(shape, floats);
    }
    case DT.FLOAT16: {
      const v = raw ? need(2) : undefined;
      const bits = v ? Array.from({ length: count }, (_, i) => v.getUint16(2 * i, true)) : typed(t.int32Data, "int32_data");
      for (let i = 0; i < count; i++) data[i] = rationalOfDyadic(dyadicFromFloat16Bits(bits[i]! & 0xffff), name, i);
      break;
    }
    default:
      decodeIntegers(t, type, count, need, typed, data);
  }
  return { kind: "const", shape, data, integer: !FLOAT_TYPES.has(type) };
}

function decodeIntegers(
  t: TensorProto,
  type: number,
  count: number,
  need: (bytesEach: number) => DataView,
  typed: <T>(values: T[] | null | undefined, field: string) => T[],
  data: Rational[],
): void {
  if (!INTEGER_TYPES.has(type)) throw new RangeError(`tensor "${t.name ?? ""}" has element type ${dataTypeName(type)}, which tessera does not read`);
  const raw = t.rawData && t.rawData.length > 0;
  const readers: Record<number, [number, (v: DataView, i: number) => bigint | number]> = {
    [DT.UINT8]: [1, (v, i) => v.getUint8(i)],
    [DT.BOOL]: [1, (v, i) => v.getUint8(i)],
    [DT.INT8]: [1, (v, i) => v.getInt8(i)],
    [DT.UINT16]: [2, (v, i) => v.getUint16(2 * i, true)],
    [DT.INT16]: [2, (v, i) => v.getInt16(2 * i, true)],
    [DT.INT32]: [4, (v, i) => v.getInt32(4 * i, true)],
    [DT.UINT32]: [4, (v, i) => v.getUint32(4 * i, true)],
    [DT.INT64]: [8, (v, i) => v.getBigInt64(8 * i, true)],
    [DT.UINT64]: [8, (v, i) => v.getBigUint64(8 * i, true)],
  };
  if (raw) {
    const [size, read] = readers[type]!;
    const v = need(size);
    for (let i = 0; i < count; i++) data[i] = rat(BigInt(read(v, i)));
    return;
  }
  const values: IntLike[] =
    type === DT.INT64 ? typed(t.int64Data, "int64_data") : type === DT.UINT64 || type === DT.UINT32 ? typed(t.uint64Data, "uint64_data") : typed(t.int32Data, "int32_data");
  for (let i = 0; i < count; i++) data[i] = rat(BigInt(values[i]!.toString()));
}

/** The attribute of this name, if the node has it. */
export function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

const ATTRIBUTE_FIELD: Record<number, keyof AttributeProto> = { 1: "f", 2: "i", 3: "s", 4: "t", 6: "floats", 7: "ints", 8: "strings" };
const ATTRIBUTE_TYPE_NAME: Record<number, string> = { 1: "FLOAT", 2: "INT", 3: "STRING", 4: "TENSOR", 5: "GRAPH", 6: "FLOATS", 7: "INTS", 8: "STRINGS" };

/**
 * The attribute of this name when it has the expected type (AttributeProto.type: 1 FLOAT, 2 INT, 3 STRING,
 * 4 TENSOR, 6 FLOATS, 7 INTS); an attribute of another type is refused, never read as the default 0.
 * Files that leave `type` unset (type 0) are accepted when the expected field is present.
 */
export function typedAttribute(node: NodeProto, name: string, type: number): AttributeProto | undefined {
  const a = attribute(node, name);
  if (!a) return undefined;
  const given = a.type ?? 0;
  const field = ATTRIBUTE_FIELD[type]!;
  if (given === type || (given === 0 && Object.prototype.hasOwnProperty.call(a, field))) return a;
  const found = given === 0 ? "no type and no value" : `type ${ATTRIBUTE_TYPE_NAME[given] ?? given}`;
  throw new RangeError(`attribute ${name} has ${found}, expected ${ATTRIBUTE_TYPE_NAME[type]}`);
}

/** An integer attribute, or the default. */
export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = typedAttribute(node, name, 2);
  return a ? toInt(a.i) : fallback;
}

/** An integer-list attribute, or undefined. */
export function intsAttr(node: NodeProto, name: string): number[] | undefined {
  const a = typedAttribute(node, name, 7);
  return a ? (a.ints ?? []).map(toInt) : undefined;
}

/** A float attribute as the exact float32 the runtime uses, or the float32 rounding of the default. */
export function floatAttr(node: NodeProto, name: string, fallback: number): Rational {
  const a = typedAttribute(node, name, 1);
  const value = a ? (a.f ?? 0) : Math.fround(fallback);
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0]!;
  const d = dyadicFromFloat32Bits(bits);
  if (d === undefined) throw new RangeError(`attribute ${name} is NaN or infinite`);
  return d.toRational();
}

/** A string attribute, or the default. */
export function stringAttr(node: NodeProto, name: string, fallback: string): string {
  const a = typedAttribute(node, name, 3);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

/** Number of elements of a shape. */
/**
 * Largest tensor tessera lowers: 2^24 elements. Every element becomes exact rationals in dense affine rows,
 * so anything larger would exhaust memory; a corrupted shape must be an error, not an out-of-memory crash.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 24;

/** Number of elements of a shape; refuses negative or fractional dimensions and tensors over the limit. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw new RangeError(`a tensor of shape [${shape.join(",")}] has an invalid dimension ${dim}`);
    count *= dim;
    if (count > MAX_TENSOR_ELEMENTS) {
      throw new RangeError(`a tensor of shape [${shape.join(",")}] has more than ${MAX_TENSOR_ELEMENTS} elements, tessera's limit`);
    }
  }
  return count;
}

/** The elements of an integer constant as JS numbers (shapes, axes, indices). */
export function constInts(t: ConstTensor): number[] {
  return t.data.map((r) => Number(r.s * (r.n / r.d)));
}

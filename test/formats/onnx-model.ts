// Test helper: small ONNX models written with onnx-proto's encoder, so tests can feed the reader exact
// weights, edge cases and broken graphs that no exporter writes. Not a test file itself.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;

export interface TensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
  /** float32 values (float_data), unless `raw`/`type` say otherwise. */
  readonly values: readonly number[];
  readonly type?: number;
  /** Store as little-endian raw_data instead of the typed field. */
  readonly raw?: boolean;
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attrs?: Readonly<Record<string, number | readonly number[] | { tensor: TensorSpec } | { string: string }>>;
  /** Names of float attributes among attrs (others are ints). */
  readonly floats?: readonly string[];
}

export function tensorProto(t: TensorSpec): onnxProto.onnx.ITensorProto {
  const type = t.type ?? DataType.FLOAT;
  const base = { name: t.name, dims: [...t.dims], dataType: type };
  if (t.raw) {
    const width = type === DataType.DOUBLE || type === DataType.INT64 ? 8 : type === DataType.FLOAT16 ? 2 : 4;
    const view = new DataView(new ArrayBuffer(width * t.values.length));
    t.values.forEach((v, i) => {
      if (type === DataType.FLOAT) view.setFloat32(4 * i, v, true);
      else if (type === DataType.DOUBLE) view.setFloat64(8 * i, v, true);
      else if (type === DataType.FLOAT16) view.setUint16(2 * i, v, true);
      else if (type === DataType.INT64) view.setBigInt64(8 * i, BigInt(v), true);
      else view.setInt32(4 * i, v, true);
    });
    return { ...base, rawData: new Uint8Array(view.buffer) };
  }
  if (type === DataType.DOUBLE) return { ...base, doubleData: [...t.values] };
  if (type === DataType.INT64) return { ...base, int64Data: [...t.values] };
  if (type === DataType.FLOAT) return { ...base, floatData: [...t.values] };
  return { ...base, int32Data: [...t.values] };
}

function valueInfo(name: string, dims: readonly (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** Encode a one-input, one-output model. Initializers are also listed as graph inputs when `listInitializers`. */
export function onnxModel(spec: {
  input: readonly (number | string)[];
  output?: readonly number[];
  nodes: readonly NodeSpec[];
  initializers?: readonly TensorSpec[];
  listInitializers?: boolean;
  opset?: number;
}): Uint8Array {
  const inits = spec.initializers ?? [];
  const nodes = spec.nodes.map((n) => ({
    opType: n.op,
    name: n.name ?? "",
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: Object.entries(n.attrs ?? {}).map(([name, v]) => {
      if (typeof v === "object" && "string" in v) return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v.string) };
      if (typeof v === "object" && "tensor" in v) return { name, type: onnx.AttributeProto.AttributeType.TENSOR, t: tensorProto(v.tensor) };
      if (Array.isArray(v)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...v] };
      return n.floats?.includes(name) ? { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v as number } : { name, type: onnx.AttributeProto.AttributeType.INT, i: v as number };
    }),
  }));
  const last = spec.nodes[spec.nodes.length - 1]!.outputs[0]!;
  const model = {
    irVersion: 7,
    opsetImport: [{ domain: "", version: spec.opset ?? 13 }],
    graph: {
      name: "test",
      node: nodes,
      initializer: inits.map(tensorProto),
      input: [valueInfo("x", spec.input), ...(spec.listInitializers ? inits.map((t) => valueInfo(t.name, t.dims)) : [])],
      output: [valueInfo(last, spec.output ?? [])],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish();
}

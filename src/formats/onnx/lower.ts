// The ONNX reader's front door: decode the model, find the one real input (initializers listed as graph
// inputs are not inputs), walk the nodes the output needs in order, lower each op exactly into the IR, and
// fill the metadata (input shape without the batch dimension, op counts, approximations, warnings).
// Every failure is one InputError naming the file and the ONNX node.
import { InputError, UsageError } from "../../errors.js";
import { ONE } from "../../exact/rational.js";
import { NetworkBuilder } from "../../network/build.js";
import type { Network } from "../../network/ir.js";
import { ACTIVATION_OPS, REFUSED_OPS } from "./ops-activation.js";
import { binary, gemm, matmul, negate, reduce, type BinaryOp } from "./ops-linear.js";
import { SHAPE_OPS, intsFrom } from "./ops-shape.js";
import { averagePool, batchNorm, conv } from "./ops-spatial.js";
import { LoweringGraph } from "./symbolic.js";
import { checkReadDeadline, readLimits, tooManyParametersMessage } from "../limits.js";
import { attribute, decodeModel, decodeTensor, elementCount, floatAttr, intAttr, toInt, type GraphProto, type NodeProto } from "./tensor.js";
import { OpError, inputAt, type OpInputs, type Value } from "./values.js";

/** How a node is named in messages: its name, or its position and first output when it has none. */
function nodeLocation(node: NodeProto, index: number): string {
  const op = node.opType ?? "?";
  return node.name ? `node "${node.name}" (${op})` : `node #${index} (${op}, output "${node.output?.[0] ?? ""}")`;
}

interface ReadState {
  readonly graph: LoweringGraph;
  readonly approximations: string[];
  readonly warnings: string[];
}

/** Lower one node (not a shape or activation op) and return its first output. */
function lowerLinear(state: ReadState, node: NodeProto, inputs: OpInputs, label: string, where: string): Value | undefined {
  const op = node.opType ?? "";
  switch (op) {
    case "Add":
    case "Sub":
    case "Mul":
    case "Div":
      return binary(op as BinaryOp, inputAt(inputs, 0, op), inputAt(inputs, 1, op), label);
    case "Sum":
      return inputs.map((v, i) => v ?? inputAt(inputs, i, op)).reduce((acc, v) => binary("Add", acc, v, label));
    case "ReduceSum":
    case "ReduceMean": {
      const axes = intsFrom(node, inputs, 1, "axes");
      const noop = axes !== undefined && axes.length === 0 ? intAttr(node, "noop_with_empty_axes", 0) === 1 : false;
      const x = inputAt(inputs, 0, op);
      return noop ? x : reduce(x, axes?.length ? axes : undefined, intAttr(node, "keepdims", 1) === 1, op === "ReduceMean", label);
    }
    case "Neg":
      return negate(inputAt(inputs, 0, op), label);
    case "MatMul":
      return matmul(inputAt(inputs, 0, op), inputAt(inputs, 1, op), label);
    case "Gemm":
      return gemm(inputAt(inputs, 0, op), inputAt(inputs, 1, op), inputs[2], {
        alpha: attribute(node, "alpha") ? floatAttr(node, "alpha", 1) : ONE,
        beta: attribute(node, "beta") ? floatAttr(node, "beta", 1) : ONE,
        transA: intAttr(node, "transA", 0) === 1,
        transB: intAttr(node, "transB", 0) === 1,
      }, label);
    case "Conv":
      return conv(node, inputAt(inputs, 0, op), inputAt(inputs, 1, op), inputs[2], label);
    case "AveragePool":
      return averagePool(node, inputAt(inputs, 0, op), false, label);
    case "GlobalAveragePool":
      return averagePool(node, inputAt(inputs, 0, op), true, label);
    case "BatchNormalization": {
      const params = [1, 2, 3, 4].map((i) => inputAt(inputs, i, op));
      const folded = batchNorm(node, inputAt(inputs, 0, op), params, floatAttr(node, "epsilon", 1e-5), where, label);
      if (folded.approximation) state.approximations.push(folded.approximation);
      return folded.value;
    }
    default:
      return undefined;
  }
}

/** The single model input: its name and shape (a dynamic leading batch dimension counts as 1). */
function modelInput(g: GraphProto, initializers: ReadonlySet<string>, file: string): { name: string; shape: number[] } {
  const real = (g.input ?? []).filter((i) => !initializers.has(i.name ?? ""));
  if (real.length !== 1) {
    throw new InputError(file, "graph inputs", `tessera reads networks with one input, this one has ${real.length} (${real.map((i) => i.name).join(", ")})`);
  }
  const input = real[0]!;
  const dims = input.type?.tensorType?.shape?.dim;
  if (!dims) throw new InputError(file, `input "${input.name}"`, "has no tensor shape");
  const shape = dims.map((d, axis) => {
    const value = toInt(d.dimValue);
    if (value > 0) return value;
    const fixed = Object.prototype.hasOwnProperty.call(d, "dimValue");
    if (fixed) throw new InputError(file, `input "${input.name}"`, `dimension ${axis} is ${value}; a dimension must be a positive integer`);
    if (axis === 0 && dims.length > 1) return 1;
    throw new InputError(file, `input "${input.name}"`, `dimension ${axis} is dynamic (${d.dimParam || "unknown"}); tessera needs fixed shapes`);
  });
  return { name: input.name ?? "", shape };
}

/** The nodes the output depends on (by index), so unused branches are neither lowered nor refused. */
function neededNodes(nodes: readonly NodeProto[], output: string, file: string): Set<number> {
  const producer = new Map<string, number>();
  nodes.forEach((node, i) =>
    (node.output ?? []).forEach((o) => {
      const other = producer.get(o);
      if (other !== undefined) throw new InputError(file, nodeLocation(node, i), `its output "${o}" is also produced by ${nodeLocation(nodes[other]!, other)}; an ONNX tensor has one producer`);
      producer.set(o, i);
    }),
  );
  const needed = new Set<number>();
  const stack = [output];
  while (stack.length) {
    const i = producer.get(stack.pop()!);
    if (i === undefined || needed.has(i)) continue;
    needed.add(i);
    for (const name of nodes[i]!.input ?? []) if (name) stack.push(name);
  }
  return needed;
}

/** How the ONNX reader reads a model. */
export interface OnnxOptions {
  /** Drop a final Softmax/LogSoftmax (argmax is unchanged), with a warning. */
  readonly stripSoftmax?: boolean;
}

/** Read an ONNX model into the IR, exactly. */
export function readOnnx(bytes: Uint8Array, file: string, options: OnnxOptions = {}): Network {
  const model = decodeModel(bytes, file);
  const g = model.graph!;
  const nodes = g.node ?? [];
  const values = new Map<string, Value>();
  // The initializers' sizes are known from their shapes: a network beyond the parameter limit is refused before any is decoded.
  const declared = (g.initializer ?? []).reduce((sum, t) => sum + (t.dims ?? []).reduce((p: number, d) => p * Math.max(toInt(d), 0), 1), 0);
  if (declared > readLimits().maxParameters) throw new InputError(file, "initializers", tooManyParametersMessage(declared));
  for (const t of g.initializer ?? []) {
    checkReadDeadline(file);
    try {
      values.set(t.name ?? "", decodeTensor(t));
    } catch (error) {
      throw new InputError(file, `initializer "${t.name ?? ""}"`, (error as Error).message);
    }
  }
  const input = modelInput(g, new Set(values.keys()), file);
  const outputs = g.output ?? [];
  if (outputs.length !== 1) throw new InputError(file, "graph outputs", `tessera reads networks with one output, this one has ${outputs.length}`);
  const outputName = outputs[0]!.name ?? "";

  const builder = new NetworkBuilder(elementCount(input.shape), input.name || "input", readLimits().maxParameters);
  const state: ReadState = { graph: new LoweringGraph(builder, file), approximations: [], warnings: [] };
  values.set(input.name, state.graph.nodeTensor(0, input.shape, input.name));
  const sourceOps: Record<string, number> = {};
  for (const node of nodes) sourceOps[node.opType ?? "?"] = (sourceOps[node.opType ?? "?"] ?? 0) + 1;

  const needed = neededNodes(nodes, outputName, file);
  nodes.forEach((node, index) => {
    if (!needed.has(index)) return;
    checkReadDeadline(file);
    const where = nodeLocation(node, index);
    const op = node.opType ?? "";
    const label = node.name || node.output?.[0] || `${op}${index}`;
    const inputs: OpInputs = (node.input ?? []).map((name) => {
      if (!name) return undefined;
      const v = values.get(name);
      if (!v) throw new InputError(file, where, `its input "${name}" is not produced by any earlier node`);
      return v;
    });
    let result: Value | undefined;
    try {
      if (node.domain && node.domain !== "ai.onnx") throw new OpError(`op ${op} of domain "${node.domain}" is not supported`);
      if ((op === "Softmax" || op === "LogSoftmax") && node.output?.[0] === outputName) {
        if (!options.stripSoftmax) throw new OpError(`a final ${op} is not piecewise-linear; pass --strip-softmax to drop it (argmax is unchanged)`);
        state.warnings.push(`${file}: dropped the final ${op} (${where}); the outputs are its inputs (logits), argmax is unchanged`);
        result = inputAt(inputs, 0, op);
      } else if (Object.hasOwn(REFUSED_OPS, op)) throw new OpError(`${REFUSED_OPS[op]}; tessera analyses piecewise-affine networks only`);
      else if (Object.hasOwn(SHAPE_OPS, op)) result = SHAPE_OPS[op]!(node, inputs, label);
      else if (Object.hasOwn(ACTIVATION_OPS, op)) result = ACTIVATION_OPS[op]!(state.graph, node, inputs, label);
      else result = lowerLinear(state, node, inputs, label, where);
      if (!result) throw new OpError(`unsupported ONNX op ${op}`);
    } catch (error) {
      if (error instanceof OpError || error instanceof RangeError || error instanceof UsageError) {
        throw new InputError(file, where, error.message.replace(/^network\/build: /, ""));
      }
      throw error;
    }
    values.set(node.output![0]!, result);
  });

  const out = values.get(outputName);
  if (!out) throw new InputError(file, `output "${outputName}"`, "is not produced by any node");
  if (out.kind === "const") throw new InputError(file, `output "${outputName}"`, "does not depend on the input");
  let outputId: number;
  try {
    outputId = state.graph.materialize(out, true);
  } catch (error) {
    if (error instanceof UsageError) throw new InputError(file, `output "${outputName}"`, error.message.replace(/^network\/build: [^:]*: /, ""));
    throw error;
  }
  return builder.build({
    output: outputId,
    meta: {
      sourceFormat: "onnx",
      sourceFile: file,
      approximations: state.approximations,
      warnings: state.warnings,
      inputShape: input.shape.length > 1 && input.shape[0] === 1 ? input.shape.slice(1) : input.shape,
      sourceOps,
    },
  });
}

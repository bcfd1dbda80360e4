// Piecewise-linear ONNX ops, each ending the pending affine expression with an activation node: Relu,
// LeakyRelu (alpha, default 0.01 as the float32 the runtime uses), PRelu (slopes broadcast per element),
// Clip (attribute and input forms, one-sided too), Abs, HardSigmoid (clip of an affine), and MaxPool lowered
// exactly to ReLUs with max(a, b) = b + relu(a − b), pairwise in a balanced tree (depth ⌈log2 k⌉), and
// element-wise Max/Min of tensors the same way.
import { ONE, ZERO, type Rational } from "../../exact/rational.js";
import type { ActivationSpec } from "../../network/ir.js";
import { RowAccumulator, type LoweringGraph, type SparseRow, type SymTensor } from "./symbolic.js";
import { elementCount, floatAttr, intsAttr, type ConstTensor, type NodeProto } from "./tensor.js";
import { binary, negate } from "./ops-linear.js";
import { windowGeometry } from "./ops-spatial.js";
import { OpError, asSym, broadcastIndex, broadcastShape, constTensor, type OpInputs, type Value } from "./values.js";

/** Not piecewise-linear (or not a function of the input alone): refused with this reason. */
export const REFUSED_OPS: Readonly<Record<string, string>> = {
  Sigmoid: "Sigmoid is smooth, not piecewise-linear",
  Tanh: "Tanh is smooth, not piecewise-linear",
  Elu: "Elu is exponential for negative inputs, not piecewise-linear",
  Selu: "Selu is exponential for negative inputs, not piecewise-linear",
  Celu: "Celu is exponential for negative inputs, not piecewise-linear",
  Gelu: "Gelu is smooth, not piecewise-linear",
  Softplus: "Softplus is smooth, not piecewise-linear",
  Softsign: "Softsign is not piecewise-linear",
  Exp: "Exp is not piecewise-linear",
  Log: "Log is not piecewise-linear",
  Sqrt: "Sqrt of a tensor that depends on the input is not piecewise-linear",
  Pow: "Pow is not piecewise-linear",
  Erf: "Erf is not piecewise-linear",
  HardSwish: "HardSwish is piecewise-quadratic, not piecewise-linear",
  Mish: "Mish is smooth, not piecewise-linear",
  Softmax: "Softmax inside the network is not piecewise-linear",
  LogSoftmax: "LogSoftmax inside the network is not piecewise-linear",
};

function symInput(inputs: OpInputs, op: string): SymTensor {
  const x = inputs[0];
  if (!x) throw new OpError(`${op} needs an input`);
  if (x.kind !== "sym") throw new OpError(`${op} of a constant tensor is not supported (it does not depend on the input)`);
  return x;
}

function constInput(inputs: OpInputs, index: number, what: string): ConstTensor | undefined {
  const v = inputs[index];
  if (v && v.kind !== "const") throw new OpError(`${what} must be a constant`);
  return v;
}

function scalarOf(t: ConstTensor | undefined, what: string): Rational | undefined {
  if (!t) return undefined;
  if (t.data.length !== 1) throw new OpError(`${what} must be a scalar, got shape [${t.shape.join(",")}]`);
  return t.data[0]!;
}

/** clip to [min, max] with either side possibly absent (one-sided clips are one-breakpoint PWL functions). */
function clipSpec(min: Rational | undefined, max: Rational | undefined): ActivationSpec | undefined {
  if (min && max) {
    if (min.compare(max) > 0) throw new OpError(`Clip min ${min.toFraction()} exceeds max ${max.toFraction()}`);
    return { kind: "clip", min, max };
  }
  if (min) return min.n === 0n ? { kind: "relu" } : { kind: "pwl", pwl: { breakpoints: [min], slopes: [ZERO, ONE], intercepts: [min, ZERO] } };
  if (max) return { kind: "pwl", pwl: { breakpoints: [max], slopes: [ONE, ZERO], intercepts: [ZERO, max] } };
  return undefined;
}

function clip(g: LoweringGraph, node: NodeProto, inputs: OpInputs, label: string): Value {
  const x = symInput(inputs, "Clip");
  const hasAttrs = (node.attribute ?? []).some((a) => a.name === "min" || a.name === "max");
  const min = hasAttrs ? (node.attribute!.some((a) => a.name === "min") ? floatAttr(node, "min", 0) : undefined) : scalarOf(constInput(inputs, 1, "Clip min"), "Clip min");
  const max = hasAttrs ? (node.attribute!.some((a) => a.name === "max") ? floatAttr(node, "max", 0) : undefined) : scalarOf(constInput(inputs, 2, "Clip max"), "Clip max");
  const spec = clipSpec(min, max);
  return spec ? g.activate(x, spec, label) : x;
}

function prelu(g: LoweringGraph, inputs: OpInputs, label: string): Value {
  const x = symInput(inputs, "PRelu");
  const slope = constInput(inputs, 1, "PRelu slope");
  if (!slope) throw new OpError("PRelu needs a slope input");
  const map = broadcastIndex(x.shape, slope.shape);
  const alpha = Array.from(map, (i) => slope.data[i]!);
  const uniform = alpha.every((a) => a.equals(alpha[0]!));
  return g.activate(x, { kind: "prelu", alpha: uniform ? [alpha[0]!] : alpha }, label);
}

/** Element-wise max over each list of elements, exactly, with ReLU layers: max(a, b) = b + relu(a − b). */
export function maxOfGroups(g: LoweringGraph, x: SymTensor, groups: readonly (readonly number[])[], shape: readonly number[], label: string): SymTensor {
  let current: [SparseRow, Rational][][] = groups.map((group) => group.map((i): [SparseRow, Rational] => [x.rows[i]!, x.bias[i]!]));
  let level = 0;
  while (current.some((group) => group.length > 1)) {
    const diffs: [SparseRow, Rational][] = [];
    for (const group of current) {
      for (let k = 0; k + 1 < group.length; k += 2) {
        const acc = new RowAccumulator();
        acc.addScaled(group[k]![0], ONE);
        acc.addScaled(group[k + 1]![0], ONE.neg());
        diffs.push([acc.toRow(), group[k]![1].sub(group[k + 1]![1])]);
      }
    }
    const diffTensor: SymTensor = { kind: "sym", shape: [diffs.length], rows: diffs.map((d) => d[0]), bias: diffs.map((d) => d[1]), label: `${label}_diff${level}` };
    const relu = g.activate(diffTensor, { kind: "relu" }, `${label}_max${level}`);
    let j = 0;
    current = current.map((group) => {
      const next: [SparseRow, Rational][] = [];
      for (let k = 0; k + 1 < group.length; k += 2) {
        const acc = new RowAccumulator();
        acc.addScaled(group[k + 1]![0], ONE);
        acc.addScaled(relu.rows[j++]!, ONE);
        next.push([acc.toRow(), group[k + 1]![1]]);
      }
      if (group.length % 2 === 1) next.push(group[group.length - 1]!);
      return next;
    });
    level++;
  }
  return { kind: "sym", shape, rows: current.map((group) => group[0]![0]), bias: current.map((group) => group[0]![1]), label };
}

/** Element-wise Max (or Min = −max(−a, −b, …)) of several tensors with numpy broadcasting, exactly. */
function elementwiseMax(g: LoweringGraph, inputs: OpInputs, label: string, min: boolean): Value {
  const operands = inputs.filter((v): v is Value => v !== undefined).map((v) => (min ? negate(v, label) : v));
  if (operands.length === 0) throw new OpError(`${min ? "Min" : "Max"} needs inputs`);
  const shape = operands.slice(1).reduce((s, v) => broadcastShape(s, v.shape), operands[0]!.shape);
  const maps = operands.map((v) => broadcastIndex(shape, v.shape));
  const count = elementCount(shape);
  let result: Value;
  if (operands.every((v) => v.kind === "const")) {
    const data = Array.from({ length: count }, (_, i) =>
      operands.map((v, k) => (v as ConstTensor).data[maps[k]![i]!]!).reduce((m, x) => (x.compare(m) > 0 ? x : m)),
    );
    result = constTensor(shape, data);
  } else {
    const syms = operands.map((v) => asSym(v, label));
    const stacked: SymTensor = {
      kind: "sym",
      shape: [operands.length * count],
      rows: syms.flatMap((t, k) => Array.from(maps[k]!, (j) => t.rows[j]!)),
      bias: syms.flatMap((t, k) => Array.from(maps[k]!, (j) => t.bias[j]!)),
      label,
    };
    const groups = Array.from({ length: count }, (_, i) => operands.map((_, k) => k * count + i));
    result = maxOfGroups(g, stacked, groups, shape, label);
  }
  return min ? negate(result, label) : result;
}

function maxPool(g: LoweringGraph, node: NodeProto, inputs: OpInputs, label: string): Value {
  const x = symInput(inputs, "MaxPool");
  if (x.shape.length < 3) throw new OpError(`MaxPool needs an N×C×spatial input, got shape [${x.shape.join(",")}]`);
  const kernel = intsAttr(node, "kernel_shape");
  if (!kernel) throw new OpError("MaxPool needs a kernel_shape attribute");
  const [batch, channels] = x.shape as [number, number];
  const inSpatial = x.shape.slice(2);
  const geo = windowGeometry(node, inSpatial, kernel);
  const inSize = elementCount(inSpatial);
  const groups: number[][] = [];
  for (let plane = 0; plane < batch * channels; plane++) {
    for (const taps of geo.taps) {
      if (taps.length === 0) throw new OpError("a MaxPool window covers only padding");
      groups.push(taps.map(([inFlat]) => plane * inSize + inFlat));
    }
  }
  return maxOfGroups(g, x, groups, [batch, channels, ...geo.outSpatial], label);
}

/** The activation op handlers, by op type. */
export const ACTIVATION_OPS: Readonly<Record<string, (g: LoweringGraph, node: NodeProto, inputs: OpInputs, label: string) => Value>> = {
  Relu: (g, _node, inputs, label) => g.activate(symInput(inputs, "Relu"), { kind: "relu" }, label),
  LeakyRelu: (g, node, inputs, label) => g.activate(symInput(inputs, "LeakyRelu"), { kind: "leaky_relu", alpha: floatAttr(node, "alpha", 0.01) }, label),
  PRelu: (g, _node, inputs, label) => prelu(g, inputs, label),
  Clip: (g, node, inputs, label) => clip(g, node, inputs, label),
  Abs: (g, _node, inputs, label) => g.activate(symInput(inputs, "Abs"), { kind: "abs" }, label),
  HardSigmoid: (g, node, inputs, label) => {
    const x = symInput(inputs, "HardSigmoid");
    const scaled = binary("Mul", x, constTensor([], [floatAttr(node, "alpha", 0.2)]), label);
    const shifted = asSym(binary("Add", scaled, constTensor([], [floatAttr(node, "beta", 0.5)]), label), label);
    return g.activate(shifted, { kind: "clip", min: ZERO, max: ONE }, label);
  },
  MaxPool: (g, node, inputs, label) => maxPool(g, node, inputs, label),
  Max: (g, _node, inputs, label) => elementwiseMax(g, inputs, label, false),
  Min: (g, _node, inputs, label) => elementwiseMax(g, inputs, label, true),
};

// Spatial ONNX ops lowered to exact affine maps on NCHW tensors (any number of spatial axes): Conv (pads,
// strides, dilations, groups, auto_pad), AveragePool, GlobalAveragePool, and BatchNormalization (inference)
// folded into the pending affine expression. The window geometry is shared with MaxPool.
import { ZERO, rat, rationalToNumber, type Rational } from "../../exact/rational.js";
import { rationalFromFloat64 } from "../../exact/float.js";
import type { SparseRow, SymTensor } from "./symbolic.js";
import { attribute, elementCount, intAttr, intsAttr, stringAttr, type ConstTensor, type NodeProto } from "./tensor.js";
import { combine } from "./ops-linear.js";
import { OpError, strides, type Value } from "./values.js";

/** Where each output position of a sliding window reads: input spatial positions (flat) and kernel offsets. */
export interface WindowGeometry {
  readonly outSpatial: readonly number[];
  /** For each output spatial position: [input spatial flat index, kernel flat index] of every in-range tap. */
  readonly taps: readonly (readonly (readonly [number, number])[])[];
  /** For each output position, how many taps fall on the padded input (in range or padding). */
  readonly paddedCounts: readonly number[];
}

/** Sliding-window geometry from the node's pads/strides/dilations/auto_pad/ceil_mode attributes. */
export function windowGeometry(node: NodeProto, inSpatial: readonly number[], kernel: readonly number[]): WindowGeometry {
  const rank = inSpatial.length;
  if (kernel.length !== rank) throw new OpError(`kernel of rank ${kernel.length} for ${rank} spatial axes`);
  const stride = intsAttr(node, "strides") ?? new Array<number>(rank).fill(1);
  const dilation = intsAttr(node, "dilations") ?? new Array<number>(rank).fill(1);
  let pads = intsAttr(node, "pads") ?? new Array<number>(2 * rank).fill(0);
  const autoPad = stringAttr(node, "auto_pad", "NOTSET");
  const ceil = intAttr(node, "ceil_mode", 0) === 1;
  const positive = (values: readonly number[], what: string, length: number): void => {
    if (values.length !== length || values.some((v) => !Number.isSafeInteger(v) || v < 1)) {
      throw new OpError(`${what} [${values.join(",")}] must be ${length} integers ≥ 1`);
    }
  };
  positive(kernel, "kernel_shape", rank);
  positive(stride, "strides", rank);
  positive(dilation, "dilations", rank);
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isSafeInteger(p) || p < 0)) {
    throw new OpError(`pads [${pads.join(",")}] must be ${2 * rank} integers ≥ 0`);
  }
  const span = kernel.map((k, i) => (k - 1) * dilation[i]! + 1);
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const begin: number[] = [];
    const end: number[] = [];
    inSpatial.forEach((size, i) => {
      const out = Math.ceil(size / stride[i]!);
      const total = Math.max(0, (out - 1) * stride[i]! + span[i]! - size);
      const small = Math.floor(total / 2);
      begin.push(autoPad === "SAME_UPPER" ? small : total - small);
      end.push(autoPad === "SAME_UPPER" ? total - small : small);
    });
    pads = [...begin, ...end];
  } else if (autoPad === "VALID") pads = new Array<number>(2 * rank).fill(0);
  else if (autoPad !== "NOTSET") throw new OpError(`auto_pad ${autoPad} is not known`);
  const outSpatial = inSpatial.map((size, i) => {
    const room = size + pads[i]! + pads[rank + i]! - span[i]!;
    if (room < 0) throw new OpError(`the kernel (${span[i]}) is larger than the padded input (${size + pads[i]! + pads[rank + i]!}) on spatial axis ${i}`);
    let out = (ceil ? Math.ceil(room / stride[i]!) : Math.floor(room / stride[i]!)) + 1;
    if (ceil && (out - 1) * stride[i]! >= size + pads[i]!) out--;
    return out;
  });
  const inStrides = strides(inSpatial);
  const outStrides = strides(outSpatial);
  const kStrides = strides(kernel);
  const kCount = elementCount(kernel);
  const taps: (readonly [number, number])[][] = [];
  const paddedCounts: number[] = [];
  for (let o = 0; o < elementCount(outSpatial); o++) {
    const list: [number, number][] = [];
    let padded = 0;
    for (let kf = 0; kf < kCount; kf++) {
      let inFlat = 0;
      let inside = true;
      let insidePadded = true;
      for (let ax = 0; ax < rank; ax++) {
        const oc = Math.floor(o / outStrides[ax]!) % outSpatial[ax]!;
        const kc = Math.floor(kf / kStrides[ax]!) % kernel[ax]!;
        const pos = oc * stride[ax]! + kc * dilation[ax]! - pads[ax]!;
        if (pos < 0 || pos >= inSpatial[ax]!) inside = false;
        if (pos < -pads[ax]! || pos >= inSpatial[ax]! + pads[rank + ax]!) insidePadded = false;
        inFlat += pos * inStrides[ax]!;
      }
      if (inside) list.push([inFlat, kf]);
      if (insidePadded) padded++;
    }
    taps.push(list);
    paddedCounts.push(padded);
  }
  return { outSpatial, taps, paddedCounts };
}

function requireNchw(x: Value, op: string): SymTensor {
  if (x.kind !== "sym") throw new OpError(`${op} of a constant tensor is not supported`);
  if (x.shape.length < 3) throw new OpError(`${op} needs an N×C×spatial input, got shape [${x.shape.join(",")}]`);
  return x;
}

/** Conv: out[n,m,o] = B[m] + Σ W[m,c,k] · X[n, g·C/G + c, tap(o,k)]. */
export function conv(node: NodeProto, xv: Value, w: Value, b: Value | undefined, label: string): SymTensor {
  const x = requireNchw(xv, "Conv");
  if (w.kind !== "const" || (b && b.kind !== "const")) throw new OpError("Conv weights and bias must be constants");
  const [batch, channels] = x.shape as [number, number];
  const inSpatial = x.shape.slice(2);
  const [outChannels, perGroup] = w.shape as [number, number];
  const kernel = intsAttr(node, "kernel_shape") ?? w.shape.slice(2);
  const groups = intAttr(node, "group", 1);
  if (channels !== perGroup * groups || outChannels % groups !== 0) {
    throw new OpError(`Conv with ${groups} group(s): input has ${channels} channels, weights [${w.shape.join(",")}]`);
  }
  // ONNX requires kernel_shape to be the weights' spatial shape; a file that says otherwise would index past them.
  const spatial = w.shape.slice(2);
  if (kernel.length !== spatial.length || kernel.some((k, i) => k !== spatial[i])) {
    throw new OpError(`Conv kernel_shape [${kernel.join(",")}] is not the weights' spatial shape [${spatial.join(",")}]`);
  }
  if (b && (b as ConstTensor).data.length !== outChannels) throw new OpError(`Conv bias has ${(b as ConstTensor).data.length} values for ${outChannels} output channels`);
  const geo = windowGeometry(node, inSpatial, kernel);
  const inSize = elementCount(inSpatial);
  const outSize = elementCount(geo.outSpatial);
  const kSize = elementCount(kernel);
  const outPerGroup = outChannels / groups;
  const rows: SparseRow[] = [];
  const bias: Rational[] = [];
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      const g = Math.floor(m / outPerGroup);
      for (let o = 0; o < outSize; o++) {
        const terms: [number, Rational][] = [];
        for (let c = 0; c < perGroup; c++) {
          const inChannel = g * perGroup + c;
          for (const [inFlat, kf] of geo.taps[o]!) {
            terms.push([(n * channels + inChannel) * inSize + inFlat, w.data[(m * perGroup + c) * kSize + kf]!]);
          }
        }
        const [row, c] = combine(x, terms, b ? (b as ConstTensor).data[m]! : ZERO);
        rows.push(row);
        bias.push(c);
      }
    }
  }
  return { kind: "sym", shape: [batch, outChannels, ...geo.outSpatial], rows, bias, label };
}

/** AveragePool (count_include_pad honoured) or GlobalAveragePool (`global`). */
export function averagePool(node: NodeProto, xv: Value, global: boolean, label: string): SymTensor {
  const x = requireNchw(xv, node.opType ?? "AveragePool");
  const [batch, channels] = x.shape as [number, number];
  const inSpatial = x.shape.slice(2);
  const kernel = global ? inSpatial : intsAttr(node, "kernel_shape");
  if (!kernel) throw new OpError("AveragePool needs a kernel_shape attribute");
  const geo = global ? windowGeometry({}, inSpatial, kernel) : windowGeometry(node, inSpatial, kernel);
  const includePad = !global && intAttr(node, "count_include_pad", 0) === 1;
  const inSize = elementCount(inSpatial);
  const rows: SparseRow[] = [];
  const bias: Rational[] = [];
  for (let plane = 0; plane < batch * channels; plane++) {
    geo.taps.forEach((taps, o) => {
      const divisor = includePad ? geo.paddedCounts[o]! : taps.length;
      if (divisor === 0) throw new OpError("an AveragePool window covers only padding");
      const weight = rat(1, divisor);
      const [row, c] = combine(x, taps.map(([inFlat]): [number, Rational] => [plane * inSize + inFlat, weight]));
      rows.push(row);
      bias.push(c);
    });
  }
  return { kind: "sym", shape: [batch, channels, ...geo.outSpatial], rows, bias, label };
}

/** Result of folding a BatchNormalization: the tensor and, when some sqrt was inexact, a note for the metadata. */
export interface FoldedBatchNorm {
  readonly value: SymTensor;
  readonly approximation?: string;
}

/**
 * BatchNormalization (inference): y = scale·(x − mean)/sqrt(var + ε) + B per channel (axis 1). sqrt(var + ε)
 * is irrational in general; it is taken as the correctly rounded float64 square root (Math.sqrt is correctly
 * rounded by IEEE 754) of the float64 sum, and reported whenever that is not exact.
 */
export function batchNorm(node: NodeProto, xv: Value, params: readonly Value[], epsilon: Rational, nodeName: string, label: string): FoldedBatchNorm {
  if (xv.kind !== "sym") throw new OpError("BatchNormalization of a constant tensor is not supported");
  if (attribute(node, "training_mode") && intAttr(node, "training_mode", 0) === 1) throw new OpError("training_mode BatchNormalization is not an inference network");
  const [scale, shift, mean, variance] = params as ConstTensor[];
  if (params.length !== 4 || params.some((p) => p.kind !== "const")) throw new OpError("BatchNormalization needs constant scale, B, mean and var");
  const channels = xv.shape[1] ?? 1;
  if ([scale, shift, mean, variance].some((p) => p!.data.length !== channels)) throw new OpError(`BatchNormalization parameters must have ${channels} elements`);
  let inexact = 0;
  const factor: Rational[] = [];
  const offset: Rational[] = [];
  for (let c = 0; c < channels; c++) {
    const sum = variance!.data[c]!.add(epsilon);
    const root = rationalFromFloat64(Math.sqrt(rationalToNumber(sum)));
    if (!root || root.n === 0n) throw new OpError(`channel ${c}: var + epsilon is not positive`);
    if (!root.mul(root).equals(sum)) inexact++;
    const f = scale!.data[c]!.div(root);
    factor.push(f);
    offset.push(shift!.data[c]!.sub(mean!.data[c]!.mul(f)));
  }
  const inner = elementCount(xv.shape.slice(2));
  const rows: SparseRow[] = [];
  const bias: Rational[] = [];
  xv.rows.forEach((_, i) => {
    const c = Math.floor(i / inner) % channels;
    const [r, b] = combine(xv, [[i, factor[c]!]], offset[c]!);
    rows.push(r);
    bias.push(b);
  });
  const value: SymTensor = { kind: "sym", shape: xv.shape, rows, bias, label };
  if (inexact === 0) return { value };
  return {
    value,
    approximation: `BatchNormalization ${nodeName}: sqrt(var + epsilon) of ${inexact} of ${channels} channel(s) is irrational and was taken as the correctly rounded float64 square root`,
  };
}

// The sisl NNET format (Julian et al., the ACAS Xu networks): header, normalization constants, then the
// weights and biases of each dense layer as decimal text, read EXACTLY ("5.40062e-02" is 540062/10^7).
// By default the network is the raw one, in normalized coordinates (the same function as the ACAS Xu ONNX
// files), with the header's input minima/maxima, normalized, as its input box. `nnetNormalize` folds the
// input normalization x' = (x − mean)/range and the output scaling y = y'·range + mean into the first and
// last layers instead, exactly, and the box is the raw [min, max].
import { InputError } from "../errors.js";
import { notRationalMessage, tryParseRational, type Rational } from "../exact/rational.js";
import { NetworkBuilder } from "../network/build.js";
import { checkReadDeadline, readLimits, tooManyParametersMessage } from "./limits.js";
import type { Network } from "../network/ir.js";

/** How the NNET reader reads a file. */
export interface NnetOptions {
  /** Fold the input normalization and output scaling into the network (the box is then the raw [min, max]). */
  readonly nnetNormalize?: boolean;
}

interface DenseLayer {
  weights: Rational[][];
  bias: Rational[];
}

/** The numeric lines of the file (comments and blank lines skipped), each with its 1-based line number. */
class LineReader {
  private readonly lines: { line: number; text: string }[] = [];
  private next = 0;

  constructor(text: string, private readonly file: string) {
    text.split(/\r?\n/).forEach((raw, i) => {
      const t = raw.trim();
      if (t !== "" && !t.startsWith("//")) this.lines.push({ line: i + 1, text: t });
    });
  }

  fail(line: number | undefined, reason: string): never {
    throw new InputError(this.file, line === undefined ? "end of file" : `line ${line}`, reason);
  }

  /** The next line's values; `count` (when given) is checked, with `what` naming the line in errors. */
  values(what: string, count?: number): { line: number; values: Rational[] } {
    if ((this.next & 0xfff) === 0xfff) checkReadDeadline(this.file);
    const entry = this.lines[this.next++];
    if (!entry) this.fail(undefined, `the file ends where ${what} should be`);
    const parts = entry.text.split(",").map((p) => p.trim());
    if (parts[parts.length - 1] === "") parts.pop();
    const values = parts.map((p, k) => {
      const r = tryParseRational(p);
      if (r === undefined) this.fail(entry.line, `value ${k + 1} of ${what}: ${notRationalMessage(p)}`);
      return r;
    });
    if (count !== undefined && values.length !== count) {
      this.fail(entry.line, `${what} needs ${count} value${count === 1 ? "" : "s"}, found ${values.length}`);
    }
    return { line: entry.line, values };
  }

  /** The line number of the first unread line, if any remain. */
  remaining(): number | undefined {
    return this.lines[this.next]?.line;
  }
}

function positiveInt(r: LineReader, line: number, value: Rational, what: string): number {
  if (value.d !== 1n || value.s < 0n || value.n < 1n) r.fail(line, `${what} must be a positive integer, found ${value.toFraction()}`);
  return Number(value.n);
}

/** Parse NNET text into the raw dense layers, the input min/max and the normalization constants. */
function parseNnet(text: string, file: string) {
  const r = new LineReader(text, file);
  const head = r.values("the header (layers, inputs, outputs, max layer size)", 4);
  const [layerCount, inputs, outputs] = head.values.slice(0, 3).map((v, k) => positiveInt(r, head.line, v, ["the number of layers", "the input size", "the output size"][k]!)) as [number, number, number];
  const sizesLine = r.values("the layer sizes");
  if (sizesLine.values.length !== layerCount + 1) {
    r.fail(sizesLine.line, `the header declares ${layerCount} layers, so ${layerCount + 1} layer sizes are needed, found ${sizesLine.values.length}`);
  }
  const sizes = sizesLine.values.map((v) => positiveInt(r, sizesLine.line, v, "a layer size"));
  const declared = sizes.slice(1).reduce((sum, rows, l) => sum + rows * (sizes[l]! + 1), 0);
  if (declared > readLimits().maxParameters) r.fail(sizesLine.line, tooManyParametersMessage(declared));
  if (sizes[0] !== inputs || sizes[layerCount] !== outputs) {
    r.fail(sizesLine.line, `the layer sizes start at ${sizes[0]} and end at ${sizes[layerCount]}, but the header declares ${inputs} inputs and ${outputs} outputs`);
  }
  r.values("the symmetric flag");
  const mins = r.values("the input minima", inputs).values;
  const maxs = r.values("the input maxima", inputs).values;
  const meansLine = r.values("the means (one per input, then the output mean)", inputs + 1);
  const rangesLine = r.values("the ranges (one per input, then the output range)", inputs + 1);
  rangesLine.values.forEach((v, k) => {
    if (v.n === 0n) r.fail(rangesLine.line, `range ${k + 1} is zero`);
  });
  const layers: DenseLayer[] = [];
  for (let l = 0; l < layerCount; l++) {
    const rows = sizes[l + 1]!;
    const cols = sizes[l]!;
    const weights = Array.from({ length: rows }, (_, i) => r.values(`weight row ${i + 1} of layer ${l + 1}`, cols).values);
    const bias = Array.from({ length: rows }, (_, i) => r.values(`bias ${i + 1} of layer ${l + 1}`, 1).values[0]!);
    layers.push({ weights, bias });
  }
  const extra = r.remaining();
  if (extra !== undefined) r.fail(extra, `unexpected data after the last of the ${layerCount} layers the header declares`);
  return { layers, inputs, mins, maxs, means: meansLine.values, ranges: rangesLine.values };
}

/** Fold x' = (x − mean)/range into the first layer and y = y'·range_out + mean_out into the last, exactly. */
function foldNormalization(layers: DenseLayer[], means: readonly Rational[], ranges: readonly Rational[], inputs: number): DenseLayer[] {
  const first = layers[0]!;
  const folded: DenseLayer[] = [...layers];
  folded[0] = {
    weights: first.weights.map((row) => row.map((w, j) => w.div(ranges[j]!))),
    bias: first.bias.map((b, i) => first.weights[i]!.reduce((s, w, j) => s.sub(w.mul(means[j]!).div(ranges[j]!)), b)),
  };
  const last = folded[folded.length - 1]!;
  const scale = ranges[inputs]!;
  const shift = means[inputs]!;
  folded[folded.length - 1] = {
    weights: last.weights.map((row) => row.map((w) => w.mul(scale))),
    bias: last.bias.map((b) => b.mul(scale).add(shift)),
  };
  return folded;
}

/** Read an NNET file (text) into the IR. */
export function readNnet(text: string, file: string, options: NnetOptions = {}): Network {
  const { layers, inputs, mins, maxs, means, ranges } = parseNnet(text, file);
  const normalize = Boolean(options.nnetNormalize);
  const dense = normalize ? foldNormalization(layers, means, ranges, inputs) : layers;
  const inputBox = mins.map((lo, j): [Rational, Rational] => {
    const hi = maxs[j]!;
    if (lo.compare(hi) > 0) throw new InputError(file, "input minima/maxima", `input ${j + 1} has minimum ${lo.toFraction()} above maximum ${hi.toFraction()}`);
    return normalize ? [lo, hi] : [lo.sub(means[j]!).div(ranges[j]!), hi.sub(means[j]!).div(ranges[j]!)];
  });
  const b = new NetworkBuilder(inputs, "input", readLimits().maxParameters);
  dense.forEach((layer, l) => {
    b.affine(layer.weights, layer.bias, [b.last], `dense${l + 1}`);
    if (l < dense.length - 1) b.activation({ kind: "relu" }, b.last, `relu${l + 1}`);
  });
  return b.build({
    inputBox,
    meta: {
      sourceFormat: "nnet",
      sourceFile: file,
      approximations: [],
      warnings: [],
      inputShape: [inputs],
      sourceOps: { Dense: dense.length, ReLU: dense.length - 1 },
    },
  });
}

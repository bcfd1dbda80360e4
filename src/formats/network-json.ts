// The tessera network JSON format v1 (docs/formats/network.md, docs/schema/network.schema.json):
// reading it into the IR with errors that name the JSON path, and writing the IR back out exactly.
import { createHash } from "node:crypto";
import { formatRational, ZERO, type Rational } from "../exact/rational.js";
import { InputError, UsageError } from "../errors.js";
import { NetworkBuilder } from "../network/build.js";
import type { ActivationSpec, Network } from "../network/ir.js";
import { pwlProblem } from "../network/activation.js";
import { JsonReader, own, hasOwn, jsonValueCount, parseJsonText, parseInterval, type JsonObject } from "./json-path.js";
import { readLimits, tooManyParametersMessage } from "./limits.js";

export const NETWORK_FORMAT = "tessera-network";
export const NETWORK_VERSION = 1;

/** Activations users may name that are not piecewise-linear: refused with a reason. */
const NOT_PIECEWISE_LINEAR = new Set([
  "elu", "selu", "celu", "sigmoid", "tanh", "gelu", "softmax", "log_softmax", "softplus", "softsign",
  "swish", "silu", "mish", "exp", "log", "hardswish", "logsigmoid",
]);

/** Values of a network document that are not parameters (format, types, names, inputBox, …) the size pre-check allows. */
const MAX_NON_PARAMETER_VALUES = 1 << 16;

const ACTIVATION_TYPES = ["relu", "leaky_relu", "prelu", "hardtanh", "relu6", "clip", "abs", "pwl"] as const;
const LAYER_TYPES = ["dense", ...ACTIVATION_TYPES, "add", "concat"];

/** Parse tessera network JSON text. `file` names the source in errors. */
export function readNetworkJson(text: string, file: string): Network {
  // Each parameter is at least one number or string: a document with more values is refused before it is parsed.
  const values = jsonValueCount(text, readLimits().maxParameters + MAX_NON_PARAMETER_VALUES);
  if (values > readLimits().maxParameters + MAX_NON_PARAMETER_VALUES) throw new InputError(file, "", `has more than ${values} numbers and strings: ${tooManyParametersMessage("more")}`);
  return readNetworkDocument(parseJsonText(text, file), file, undefined);
}

/**
 * A network on its way to a worker thread of this process (structured clone): the JSON document in which a dense
 * layer read from float weights (ONNX, .nnet: network/build.ts, floatAffine) has `weights: {float64: k}`,
 * `floats[k]` holding them row-major. The thread then neither parses ACAS Xu's 13,000 weights as decimal text nor
 * converts them back to floats (about 0.1 s of each thread's start). Never a file format: readNetworkJson
 * refuses that form of `weights`.
 */
export interface NetworkTransfer {
  readonly doc: object;
  readonly floats: readonly Float64Array[];
}

export function networkTransfer(net: Network): NetworkTransfer {
  const floats: Float64Array[] = [];
  return { doc: networkToJson(net, floats), floats };
}

export function networkFromTransfer(transfer: NetworkTransfer, file: string): Network {
  return readNetworkDocument(transfer.doc, file, transfer.floats);
}

function readNetworkDocument(parsed: unknown, file: string, floats: readonly Float64Array[] | undefined): Network {
  const r: JsonReader = new JsonReader(file);
  const doc = r.object(parsed, "(document)");
  const format = own(doc, "format");
  if (format !== NETWORK_FORMAT) r.fail("format", `expected "${NETWORK_FORMAT}", found ${JSON.stringify(format ?? null)}`);
  const version = own(doc, "version");
  if (version !== NETWORK_VERSION) r.fail("version", `this tessera reads version ${NETWORK_VERSION}, found ${JSON.stringify(version ?? null)}`);
  const inputs = r.positiveInteger(own(doc, "inputs"), "inputs");
  const layers = r.array(own(doc, "layers"), "layers");
  if (layers.length === 0) r.fail("layers", "a network needs at least one layer");

  const builder = new NetworkBuilder(inputs, "input", readLimits().maxParameters);
  const byName = new Map<string, number>([["input", 0]]);

  layers.forEach((raw, index) => {
    const path = `layers[${index}]`;
    const layer = r.object(raw, path);
    const type = r.string(own(layer, "type"), `${path}.type`);
    const name = hasOwn(layer, "name") ? r.string(own(layer, "name"), `${path}.name`) : undefined;
    if (name !== undefined && byName.has(name)) r.fail(`${path}.name`, `the name ${JSON.stringify(name)} is already used`);
    const sources = hasOwn(layer, "inputs")
      ? r.array(own(layer, "inputs"), `${path}.inputs`).map((v, k) => {
          const ref = r.string(v, `${path}.inputs[${k}]`);
          const id = byName.get(ref);
          if (id === undefined) r.fail(`${path}.inputs[${k}]`, `no earlier layer is named ${JSON.stringify(ref)}`);
          return id;
        })
      : [builder.last];
    if (sources.length === 0) r.fail(`${path}.inputs`, "needs at least one input");
    const width = sources.reduce((s, id) => s + builder.size(id), 0);
    const label = name ?? `${type}${index}`;

    let id: number;
    try {
      id = addLayer(r, builder, layer, type, path, sources, width, label, floats);
    } catch (error) {
      if (error instanceof UsageError) r.fail(path, error.message.replace(/^network\/build: [^:]*: /, ""));
      throw error;
    }
    if (name !== undefined) byName.set(name, id);
  });

  let inputBox: [Rational, Rational][] | undefined;
  if (hasOwn(doc, "inputBox")) {
    const box = r.array(own(doc, "inputBox"), "inputBox");
    if (box.length !== inputs) r.fail("inputBox", `has ${box.length} intervals for ${inputs} inputs`);
    inputBox = box.map((v, i) => {
      const interval = parseInterval(r.string(v, `inputBox[${i}]`));
      if (!interval) r.fail(`inputBox[${i}]`, `${JSON.stringify(v)} is not an interval "lo:hi" with lo ≤ hi`);
      return interval;
    });
  }
  // A converted network keeps the record of what its source reader had to approximate.
  const approximations = hasOwn(doc, "approximations")
    ? r.array(own(doc, "approximations"), "approximations").map((v, i) => r.string(v, `approximations[${i}]`))
    : [];
  return builder.build({ ...(inputBox ? { inputBox } : {}), meta: { sourceFormat: "tessera-json", sourceFile: file, approximations } });
}

function addLayer(
  r: JsonReader,
  b: NetworkBuilder,
  layer: JsonObject,
  type: string,
  path: string,
  sources: number[],
  width: number,
  label: string,
  floats: readonly Float64Array[] | undefined,
): number {
  const single = (): number => {
    if (sources.length !== 1) r.fail(`${path}.inputs`, `a ${type} layer takes one input, not ${sources.length}`);
    return sources[0]!;
  };
  switch (type) {
    case "dense": {
      const transferred = floats ? floatWeightsOf(r, own(layer, "weights"), floats, `${path}.weights`) : undefined;
      if (transferred) {
        const rows = transferred.length / width;
        const bias = r.rationalVector(own(layer, "bias"), `${path}.bias`);
        if (bias.length !== rows) r.fail(`${path}.bias`, `dimension mismatch: ${bias.length} biases for ${rows} weight rows`);
        return b.floatAffine(transferred, bias, sources, label);
      }
      const weights = r.rationalMatrix(own(layer, "weights"), `${path}.weights`);
      const cols = weights[0]!.length;
      if (cols !== width) r.fail(`${path}.weights`, `dimension mismatch: the weights have ${cols} columns but the layer's input has ${width} values`);
      const bias = hasOwn(layer, "bias") ? r.rationalVector(own(layer, "bias"), `${path}.bias`) : weights.map(() => ZERO);
      if (bias.length !== weights.length) r.fail(`${path}.bias`, `dimension mismatch: ${bias.length} biases for ${weights.length} weight rows`);
      return b.affine(weights, bias, sources, label);
    }
    case "add":
      if (sources.length < 2) r.fail(`${path}.inputs`, "an add layer needs at least two named inputs");
      for (const id of sources) {
        if (b.size(id) !== b.size(sources[0]!)) r.fail(`${path}.inputs`, `dimension mismatch: cannot add inputs of sizes ${sources.map((s) => b.size(s)).join(" and ")}`);
      }
      return b.add(sources, label);
    case "concat":
      return b.concat(sources, label);
    case "relu":
    case "relu6":
    case "abs":
      return b.activation({ kind: type }, single(), label);
    case "leaky_relu":
      return b.activation({ kind: "leaky_relu", alpha: r.rational(own(layer, "alpha") ?? "0.01", `${path}.alpha`) }, single(), label);
    case "prelu": {
      const input = single();
      const alpha = r.rationalVector(own(layer, "alpha"), `${path}.alpha`);
      if (alpha.length !== 1 && alpha.length !== b.size(input)) {
        r.fail(`${path}.alpha`, `dimension mismatch: ${alpha.length} slopes for ${b.size(input)} neurons`);
      }
      return b.activation({ kind: "prelu", alpha }, input, label);
    }
    case "hardtanh":
    case "clip": {
      const defaults = type === "hardtanh" ? ["-1", "1"] : [undefined, undefined];
      const minRaw = own(layer, "min") ?? defaults[0];
      const maxRaw = own(layer, "max") ?? defaults[1];
      if (minRaw === undefined) r.fail(`${path}.min`, "clip needs min");
      if (maxRaw === undefined) r.fail(`${path}.max`, "clip needs max");
      const min = r.rational(minRaw, `${path}.min`);
      const max = r.rational(maxRaw, `${path}.max`);
      if (min.compare(max) > 0) r.fail(path, `min ${formatRational(min)} exceeds max ${formatRational(max)}`);
      return b.activation({ kind: type, min, max }, single(), label);
    }
    case "pwl": {
      const breakpoints = r.rationalVector(own(layer, "breakpoints"), `${path}.breakpoints`);
      const slopes = r.rationalVector(own(layer, "slopes"), `${path}.slopes`);
      const intercepts = r.rationalVector(own(layer, "intercepts"), `${path}.intercepts`);
      const pwl = { breakpoints, slopes, intercepts };
      const problem = pwlProblem(pwl);
      if (problem) r.fail(path, `the pwl function ${problem}`);
      return b.activation({ kind: "pwl", pwl }, single(), label);
    }
    default: {
      const lower = type.toLowerCase();
      if (NOT_PIECEWISE_LINEAR.has(lower)) {
        r.fail(`${path}.type`, `"${type}" is not piecewise-linear and cannot be analysed exactly`);
      }
      r.fail(`${path}.type`, `unknown layer type ${JSON.stringify(type)} (known: ${LAYER_TYPES.join(", ")})`);
    }
  }
}

/** The float weights `{float64: k}` of a transferred dense layer, or undefined when `weights` is the JSON matrix. */
function floatWeightsOf(r: JsonReader, weights: unknown, floats: readonly Float64Array[], path: string): Float64Array | undefined {
  if (typeof weights !== "object" || weights === null || Array.isArray(weights)) return undefined;
  const k = (weights as { float64?: unknown }).float64;
  if (typeof k !== "number" || floats[k] === undefined) r.fail(path, "is not a matrix nor a transferred float64 array");
  return floats[k];
}

/**
 * The network as a tessera network JSON document (exact: every rational in canonical text). With `floats`, a
 * layer that keeps float weights is written `{float64: k}` and its weights appended to `floats` (networkTransfer).
 */
export function networkToJson(net: Network, floats?: Float64Array[]): object {
  const names = net.nodes.map((node, id) => (id === 0 ? "input" : node.name || `n${id}`));
  const used = new Set<string>();
  const unique = names.map((n, id) => {
    let name = id === 0 ? "input" : n === "input" ? "input_" : n;
    while (used.has(name)) name = `${name}_${id}`;
    used.add(name);
    return name;
  });
  const layers: object[] = [];
  net.nodes.forEach((node, id) => {
    if (node.kind === "input") return;
    const inputs = node.kind === "affine" ? node.inputs : [node.input];
    const sequential = inputs.length === 1 && inputs[0] === id - 1;
    const head = { name: unique[id]!, ...(sequential ? {} : { inputs: inputs.map((i) => unique[i]!) }) };
    if (node.kind === "affine") {
      const weights = floats && node.floatWeights ? { float64: floats.push(node.floatWeights) - 1 } : node.weights.map((row) => row.map(formatRational));
      layers.push({ type: "dense", ...head, weights, bias: node.bias.map(formatRational) });
    } else {
      layers.push({ type: node.activation.kind, ...head, ...activationFields(node.activation) });
    }
  });
  if (net.output !== net.nodes.length - 1) {
    throw new UsageError("formats/network-json: the output must be the last node to be written as tessera JSON");
  }
  return {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    inputs: net.nodes[0]!.size,
    ...(net.inputBox ? { inputBox: net.inputBox.map(([lo, hi]) => `${formatRational(lo)}:${formatRational(hi)}`) } : {}),
    ...(net.meta.approximations.length ? { approximations: net.meta.approximations } : {}),
    layers,
  };
}

function activationFields(a: ActivationSpec): object {
  switch (a.kind) {
    case "leaky_relu":
      return { alpha: formatRational(a.alpha) };
    case "prelu":
      return { alpha: a.alpha.map(formatRational) };
    case "hardtanh":
    case "clip":
      return { min: formatRational(a.min), max: formatRational(a.max) };
    case "pwl":
      return {
        breakpoints: a.pwl.breakpoints.map(formatRational),
        slopes: a.pwl.slopes.map(formatRational),
        intercepts: a.pwl.intercepts.map(formatRational),
      };
    default:
      return {};
  }
}

export function writeNetworkJson(net: Network): string {
  return JSON.stringify(networkToJson(net)) + "\n";
}

/** SHA-256 of the network's canonical tessera JSON: identifies the exact function a region map belongs to. */
export function networkSha256(net: Network): string {
  return networkJsonWithSha256(net).sha256;
}

/** writeNetworkJson and networkSha256 from one serialization (the JSON of a large network takes a while to build). */
export function networkJsonWithSha256(net: Network): { readonly text: string; readonly sha256: string } {
  const doc = networkToJson(net) as Record<string, unknown>;
  const text = JSON.stringify(doc);
  const { approximations: _ignored, ...canonical } = doc;
  const hashed = "approximations" in doc ? JSON.stringify(canonical) : text;
  return { text: text + "\n", sha256: createHash("sha256").update(hashed).digest("hex") };
}

// Loading a network file of any supported format, chosen by its extension (or its first bytes).
import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { InputError } from "../errors.js";
import type { Network } from "../network/ir.js";
import { readNetworkJson } from "./network-json.js";
import { readOnnx } from "./onnx/index.js";
import { readNnet } from "./nnet.js";

export interface LoadOptions {
  /** ONNX: drop a final Softmax/LogSoftmax (argmax is unchanged), with a warning. */
  readonly stripSoftmax?: boolean;
  /** NNET: fold the input normalization and output scaling into the network. */
  readonly nnetNormalize?: boolean;
}

/** A reader for one file format: `bytes` is the whole file. */
export type NetworkReader = (bytes: Uint8Array, file: string, options: LoadOptions) => Network;

const readers = new Map<string, NetworkReader>([
  [".json", (bytes, file) => readNetworkJson(new TextDecoder().decode(bytes), file)],
  [".onnx", (bytes, file, options) => readOnnx(bytes, file, options)],
  [".nnet", (bytes, file, options) => readNnet(new TextDecoder().decode(bytes), file, options)],
]);

/** Register the reader of a file extension (".onnx", ".nnet"); formats call this from their index. */
export function registerNetworkReader(extension: string, reader: NetworkReader): void {
  readers.set(extension.toLowerCase(), reader);
}

/** Read the file as bytes, with a one-line InputError when it is missing or unreadable. */
export function readFileBytes(file: string): Uint8Array {
  try {
    if (statSync(file).isDirectory()) throw new InputError(file, "", "is a directory, not a file");
    return readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(file, "", "no such file");
    if (code === "EACCES") throw new InputError(file, "", "permission denied");
    throw new InputError(file, "", `cannot be read (${code ?? (error as Error).message})`);
  }
}

/** Load a network from a file: tessera JSON (.json), and the formats registered by src/formats. */
export function loadNetwork(file: string, options: LoadOptions = {}): Network {
  const bytes = readFileBytes(file);
  const ext = extname(file).toLowerCase();
  const reader = readers.get(ext);
  if (!reader) {
    const known = [...readers.keys()].join(", ");
    throw new InputError(file, "", `unknown network format ${JSON.stringify(ext || "(no extension)")} (known: ${known})`);
  }
  return reader(bytes, file, options);
}

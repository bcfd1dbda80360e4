// Loading a network file of any supported format, chosen by its extension (or its first bytes).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";
import type { Network } from "../network/ir.js";
import { readNetworkJson } from "./network-json.js";
import { readOnnx, type OnnxOptions } from "./onnx/index.js";
import { readNnet, type NnetOptions } from "./nnet.js";

/** The options of every reader (each reader owns its own option type and reads only its options). */
export type LoadOptions = OnnxOptions & NnetOptions;

/** A reader for one file format: `bytes` is the whole file. */
type NetworkReader = (bytes: Uint8Array, file: string, options: LoadOptions) => Network;

const readers = new Map<string, NetworkReader>([
  [".json", (bytes, file) => readNetworkJson(new TextDecoder().decode(bytes), file)],
  [".onnx", (bytes, file, options) => readOnnx(bytes, file, options)],
  [".nnet", (bytes, file, options) => readNnet(new TextDecoder().decode(bytes), file, options)],
]);

/**
 * The largest file any reader reads, in bytes (docs/errors.md, "Limits"): 256 MiB unless raised with
 * `--max-file-size`. It is checked before reading (the size of a regular file) and while reading (devices
 * such as /dev/zero, pipes, links to them), so no input is read without end.
 */
export const DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024;
let maxFileSize = DEFAULT_MAX_FILE_SIZE;

/** Set the file size limit of every reader (the CLI's --max-file-size); returns the previous one. */
export function setMaxFileSize(bytes: number): number {
  const previous = maxFileSize;
  maxFileSize = bytes;
  return previous;
}

function tooLarge(file: string, limit: number): InputError {
  return new InputError(file, "", `is larger than the file size limit of ${limit} bytes (raise it with --max-file-size)`);
}

/** Read the file as bytes, at most the size limit, with a one-line InputError when it is missing, unreadable or too large. */
export function readFileBytes(file: string, limit = maxFileSize): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(file, "", "is a directory, not a file");
    if (stat.isFile() && stat.size > limit) throw tooLarge(file, limit);
    // Read in chunks whatever the stat said: a device or pipe has no size, and a file may grow.
    const chunks: Uint8Array[] = [];
    let total = 0;
    let chunk = Buffer.allocUnsafe(stat.isFile() ? Math.min(Math.max(stat.size + 1, 1), limit + 1) : Math.min(1 << 20, limit + 1));
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw tooLarge(file, limit);
      chunks.push(chunk.subarray(0, n));
      if (n === chunk.length) chunk = Buffer.allocUnsafe(Math.min(1 << 24, limit + 1 - total + 1));
      else chunk = chunk.subarray(n);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(file, "", "no such file");
    if (code === "EACCES") throw new InputError(file, "", "permission denied");
    if (code === "EISDIR") throw new InputError(file, "", "is a directory, not a file");
    throw new InputError(file, "", `cannot be read (${code ?? (error as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Load a network from a file: tessera JSON (.json), ONNX (.onnx) or NNET (.nnet), chosen by the extension. */
export function loadNetwork(file: string, options: LoadOptions = {}): Network {
  return networkFromBytes(readFileBytes(file), file, options);
}

/** Read a network from the bytes of a file named `file` (the format from its extension); no file access. */
export function networkFromBytes(bytes: Uint8Array, file: string, options: LoadOptions = {}): Network {
  const ext = /\.[^./\\]*$/.exec(file)?.[0].toLowerCase() ?? "";
  const reader = readers.get(ext);
  if (!reader) {
    const known = [...readers.keys()].join(", ");
    throw new InputError(file, "", `unknown network format ${JSON.stringify(ext || "(no extension)")} (known: ${known})`);
  }
  return reader(bytes, file, options);
}

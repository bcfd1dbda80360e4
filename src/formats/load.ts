// Loading a network file of any supported format, chosen by its extension (or its first bytes).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";
import type { Network } from "../network/ir.js";
import { readNetworkJson } from "./network-json.js";
import { readOnnx, type OnnxOptions } from "./onnx/index.js";
import { readNnet, type NnetOptions } from "./nnet.js";
import { DEFAULT_READ_LIMITS, readLimits, setReadLimits } from "./limits.js";

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
export const DEFAULT_MAX_FILE_SIZE = DEFAULT_READ_LIMITS.maxFileSize;

/** Set the file size limit of every reader (the CLI's --max-file-size); returns the previous one. */
export function setMaxFileSize(bytes: number): number {
  return setReadLimits({ maxFileSize: bytes }).maxFileSize;
}

function tooLarge(file: string, limit: number): InputError {
  return new InputError(file, "", `is larger than the file size limit of ${limit} bytes (raise it with --max-file-size)`);
}

/** The one-line InputError of a failed open or read. */
function readError(file: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new InputError(file, "", "no such file");
  if (code === "EACCES") return new InputError(file, "", "permission denied");
  if (code === "EISDIR") return new InputError(file, "", "is a directory, not a file");
  return new InputError(file, "", `cannot be read (${code ?? (error as Error).message})`);
}

/** Open a file for reading (not a directory): its descriptor and whether it is a regular file, with its size. */
function openForReading(file: string): { fd: number; size: number | undefined } {
  const fd = openSync(file, "r");
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(file, "", "is a directory, not a file");
    return { fd, size: stat.isFile() ? stat.size : undefined };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Read the file as bytes, at most the size limit, with a one-line InputError when it is missing, unreadable or too large. */
export function readFileBytes(file: string, limit = readLimits().maxFileSize): Uint8Array {
  let fd: number | undefined;
  try {
    const opened = openForReading(file);
    fd = opened.fd;
    const size = opened.size;
    if (size !== undefined && size > limit) throw tooLarge(file, limit);
    // Read in chunks whatever the stat said: a device or pipe has no size, and a file may grow.
    const chunks: Uint8Array[] = [];
    let total = 0;
    let chunk = Buffer.allocUnsafe(size !== undefined ? Math.min(Math.max(size + 1, 1), limit + 1) : Math.min(1 << 20, limit + 1));
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
    throw readError(file, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The lines of a text file (UTF-8, without their "\n"), read in chunks of `chunkBytes` (1 MiB): memory holds one
 * chunk and one line, whatever the file's size, so the size limit applies to each line rather than to the file.
 * The file is closed when the iteration ends or is abandoned. Chunks under 128 KiB stay out of V8's large-object
 * space (the ledger's read-back of waiting regions, regions/unit-ledger.ts, reads 64 KiB at a time).
 */
export function* readLines(file: string, lineLimit = readLimits().maxFileSize, chunkBytes = 1 << 20): Generator<string> {
  let fd: number | undefined;
  try {
    fd = openForReading(file).fd;
  } catch (error) {
    throw readError(file, error);
  }
  try {
    const decoder = new TextDecoder();
    const chunk = Buffer.allocUnsafe(chunkBytes);
    // The current line's pieces: each chunk is searched for newlines once (a line of hundreds of megabytes
    // without one, such as /dev/zero, costs one pass, not one per chunk).
    let parts: string[] = [];
    let length = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw readError(file, error);
      }
      const text = decoder.decode(chunk.subarray(0, n), { stream: n > 0 });
      let start = 0;
      for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
        parts.push(text.slice(start, end));
        yield parts.join("");
        parts = [];
        length = 0;
        start = end + 1;
      }
      if (start < text.length) {
        parts.push(text.slice(start));
        length += text.length - start;
      }
      // A line longer than the limit makes the file larger than it too: the reader's usual message.
      if (length > lineLimit) throw tooLarge(file, lineLimit);
      if (n === 0) break;
    }
    if (length > 0) yield parts.join("");
  } finally {
    closeSync(fd);
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

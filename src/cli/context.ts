// What every command receives: where to write, whether stderr is a terminal, and the exit code it sets.
// Commands never call process.exit or console.log, so the whole CLI runs in-process in tests.
import { writeSync } from "node:fs";
import { writeErrorReason } from "./output-file.js";

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress bars are drawn only when this is true. */
  readonly stderrIsTTY: boolean;
}

export interface CliContext {
  readonly io: CliIO;
  /** Set by a command (0 by default); handleError sets 1 on errors. */
  exitCode: number;
  /** Approximations made while reading the network (set when it is loaded); every JSON output lists them. */
  approximations?: readonly string[];
  /** --exact: human output prints every rational in full (formatReadable in src/exact/readable.ts). */
  exact?: boolean;
  /**
   * Set by a command that loaded a library which can keep the process alive after the command is done
   * (ioredis's reply parser shrinks its buffer on a 50 ms interval for seconds after a large reply): the
   * process then exits as soon as the command returns (bin/tessera, runAsProcess). Every output is written
   * synchronously before that.
   */
  exitWhenDone?: boolean;
}

export const processIO: CliIO = {
  stdout: (text) => writeStdout(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

/** A 1 ms sleep for a full pipe (Atomics.wait on a buffer nobody notifies). */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Standard output written synchronously, waiting while a pipe is full (EAGAIN). process.stdout.write to a pipe
 * queues what the reader has not taken yet: `neurons --json` at the parameter limit (180 MB in 64 KB pieces)
 * grew to 1.6 GB when piped, 320 MB when written to a file. A failed write (ENOSPC on /dev/full, EPIPE when the
 * reader closed the pipe) is one line on stderr and exit code 1, as for every output file (output-file.ts).
 */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, "utf8");
  for (let off = 0; off < bytes.length; ) {
    try {
      off += writeSync(1, bytes, off, bytes.length - off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") Atomics.wait(PAUSE, 0, 0, 1);
      else {
        process.stderr.write(`tessera: error: standard output: cannot be written (${writeErrorReason(error)})\n`);
        process.exit(1);
      }
    }
  }
}

/**
 * Print a value as pretty JSON (the `--json` output of every command). When the network needed
 * approximations (BatchNorm's sqrt, --decimal-weights), an object output lists them, never silently.
 */
export function printJson(ctx: CliContext, value: unknown): void {
  const notes = ctx.approximations ?? [];
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const out = notes.length && isObject && !("approximations" in value) ? { ...value, approximations: notes } : value;
  writePrettyJson(out, (text) => ctx.io.stdout(text));
  ctx.io.stdout("\n");
}

/** Pieces of about this many characters are written at a time. */
const PIECE = 1 << 16;

/**
 * `JSON.stringify(value, null, 2)`, written in pieces of about 64 KB instead of as one string: a large answer
 * (`neurons` at the parameter limit: 180 MB of witnesses) never exists as a whole in memory, and never meets
 * V8's limit on the length of a string. Arrays and plain objects are walked here; every other value is left
 * to JSON.stringify (so numbers, strings, toJSON and the dropped undefined come out exactly as there).
 */
export function writePrettyJson(value: unknown, write: (text: string) => void): void {
  let buffer = "";
  const put = (text: string): void => {
    buffer += text;
    if (buffer.length >= PIECE) {
      write(buffer);
      buffer = "";
    }
  };
  /** v after its toJSON (as JSON.stringify calls it, with the key). */
  const resolve = (v: unknown, key: string): unknown =>
    v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function" ? (v as { toJSON: (k: string) => unknown }).toJSON(key) : v;
  /** What JSON.stringify leaves out of an object (and writes as null in an array). */
  const dropped = (v: unknown): boolean => v === undefined || typeof v === "function" || typeof v === "symbol";
  /** Writes a resolved, not dropped value. */
  const walk = (v: unknown, indent: string): void => {
    if (v === null || typeof v !== "object" || v instanceof Number || v instanceof String || v instanceof Boolean) return put(JSON.stringify(v));
    const inner = indent + "  ";
    if (Array.isArray(v)) {
      if (v.length === 0) return put("[]");
      for (let i = 0; i < v.length; i++) {
        put(i === 0 ? `[\n${inner}` : `,\n${inner}`);
        const item = resolve(v[i], String(i));
        if (dropped(item)) put("null");
        else walk(item, inner);
      }
      return put(`\n${indent}]`);
    }
    let first = true;
    for (const k of Object.keys(v)) {
      const item = resolve((v as Record<string, unknown>)[k], k);
      if (dropped(item)) continue;
      put(`${first ? "{" : ","}\n${inner}${JSON.stringify(k)}: `);
      walk(item, inner);
      first = false;
    }
    put(first ? "{}" : `\n${indent}}`);
  };
  const top = resolve(value, "");
  if (dropped(top)) return write("undefined");
  walk(top, "");
  if (buffer !== "") write(buffer);
}
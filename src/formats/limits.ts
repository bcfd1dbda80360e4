// The limits every reader honours (docs/errors.md, "Limits"): the largest input file, the most parameters a
// network may have, and the deadline of --timeout, which counts loading too. The CLI sets them from its flags
// before a command runs and restores the defaults after it; library callers get the defaults.
import { LimitError } from "../errors.js";

export interface ReadLimits {
  /** The largest input file, in bytes (`--max-file-size`). */
  readonly maxFileSize: number;
  /** The most weights and biases a network may have, counted as `tessera info` counts parameters (`--max-parameters`). */
  readonly maxParameters: number;
  /** The `performance.now()` time after which readers stop (`--timeout`); Infinity for none. */
  readonly deadline: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxFileSize: 256 * 1024 * 1024, maxParameters: 2 ** 22, deadline: Infinity };

let current: ReadLimits = DEFAULT_READ_LIMITS;

/** Change some limits; returns the previous ones (pass them back to restore). */
export function setReadLimits(changes: Partial<ReadLimits>): ReadLimits {
  const previous = current;
  current = { ...current, ...changes };
  return previous;
}

export function readLimits(): ReadLimits {
  return current;
}

/** --timeout ran out while a file was being read (`verify` answers unknown: timeout; other commands stop with one line). */
export class ReadTimeoutError extends LimitError {
  override name = "ReadTimeoutError";
}

/** Throw a ReadTimeoutError naming the file when --timeout ran out while it was being read. */
export function checkReadDeadline(file: string): void {
  if (current.deadline !== Infinity && performance.now() > current.deadline) {
    throw new ReadTimeoutError(`${file}: --timeout ran out while the file was being read (nothing was computed)`);
  }
}

/** A one-line refusal of a network with `count` parameters (a number, or "more"), beyond the limit. */
export function tooManyParametersMessage(count: number | "more"): string {
  const has = count === "more" ? "more parameters than" : `${count} parameters, more than`;
  return `the network has ${has} tessera's limit of ${current.maxParameters} (raise it with --max-parameters)`;
}

/** Of a --timeout of `totalMs`, the time left after loading (at least 1 ms, so a run that has none stops at once). */
export function timeLeftMs(totalMs: number, deadline = current.deadline): number {
  if (deadline === Infinity) return totalMs;
  return Math.max(1, Math.min(totalMs, deadline - performance.now()));
}

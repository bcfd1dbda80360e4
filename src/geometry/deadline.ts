// The running computation's deadline (`--timeout`, an abort signal, a pool's stop flag): long loops ask
// `checkDeadline()` (the float and exact simplex once per pivot, the set-up's per-axis loops, the searches once
// per node), which throws a DeadlineError once it has passed. A caller installs it around synchronous work
// with `withDeadline` and turns the error into its documented partial answer (`complete: false`, verify's
// `unknown`), so a deadline never produces a verdict: it only discards the step it interrupted.
import { LimitError } from "../errors.js";

/** The deadline passed inside a computation: the step under way was abandoned (nothing it found is used). */
export class DeadlineError extends LimitError {
  override name = "DeadlineError";
}

/** True once the computation should stop. */
export type Expired = () => boolean;

let current: Expired | undefined;
/** How many times a deadline ended a computation (tests count that the deadline path was taken). */
let hits = 0;

/** Run `fn` with `expired` as the deadline (restoring the enclosing one after, so calls nest). */
export function withDeadline<R>(expired: Expired | undefined, fn: () => R): R {
  const previous = current;
  current = expired;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** Throw a DeadlineError when the installed deadline has passed (no deadline installed: never). */
export function checkDeadline(): void {
  if (current !== undefined && current()) {
    hits++;
    throw new DeadlineError("the deadline passed during the computation");
  }
}

/** A deadline at `performance.now()` time `at` (Infinity: none), or when `signal` aborts; undefined when neither can happen. */
export function deadlineAt(at: number, signal?: AbortSignal): Expired | undefined {
  if (at === Infinity && !signal) return undefined;
  // Without a time limit only the signal is read (performance.now() at every pivot was ~2% of `regions`).
  if (at === Infinity) return () => signal!.aborted;
  return () => performance.now() >= at || signal?.aborted === true;
}

/** The number of computations a deadline ended in this thread so far. */
export function deadlineHits(): number {
  return hits;
}

// The error typology of tessera (graphology's errors.js style): every failure a user can cause is one of
// these classes, so the CLI maps them to exit codes without parsing messages. Messages start with the module.

/** Base class of every error tessera throws on purpose. */
export class TesseraError extends Error {
  override name = "TesseraError";
}

/** Bad input data: a file (or inline text) that cannot be read as what it claims to be. */
export class InputError extends TesseraError {
  override name = "InputError";
  /** The file (or "--input", "--box", ... for inline text). */
  readonly file: string;
  /** Where in the file: a JSON path such as `layers[2].weights[0][1]`, `line 7`, `line 3, column 12`. */
  readonly location: string;
  readonly reason: string;
  constructor(file: string, location: string, reason: string) {
    super(location ? `${file}: ${location}: ${reason}` : `${file}: ${reason}`);
    this.file = file;
    this.location = location;
    this.reason = reason;
  }
}

/** Wrong use of a command or function: bad flag values, incompatible options, wrong argument sizes. */
export class UsageError extends TesseraError {
  override name = "UsageError";
}

/** A limit (--max-regions, --timeout, SIGINT) stopped a computation that cannot return a partial result. */
export class LimitError extends TesseraError {
  override name = "LimitError";
}

/** An internal invariant failed: a bug in tessera, never the user's fault. */
export class InternalError extends TesseraError {
  override name = "InternalError";
}

/** Throw an InternalError unless `condition` holds. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalError(message);
}

/** The one line the CLI prints for an error (after "tessera: "), also shown by the browser pages. */
export function errorLine(error: unknown): string {
  const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, " ");
  if (error instanceof InternalError) return `internal error (a bug, please report it): ${oneLine(error.message)}`;
  if (error instanceof TesseraError) return `error: ${oneLine(error.message)}`;
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error (a bug, please report it with --debug): ${oneLine(message)}`;
}

// What every command receives: where to write, whether stderr is a terminal, and the exit code it sets.
// Commands never call process.exit or console.log, so the whole CLI runs in-process in tests.
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
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

/**
 * Print a value as pretty JSON (the `--json` output of every command). When the network needed
 * approximations (BatchNorm's sqrt, --decimal-weights), an object output lists them, never silently.
 */
export function printJson(ctx: CliContext, value: unknown): void {
  const notes = ctx.approximations ?? [];
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const out = notes.length && isObject && !("approximations" in value) ? { ...value, approximations: notes } : value;
  ctx.io.stdout(JSON.stringify(out, null, 2) + "\n");
}

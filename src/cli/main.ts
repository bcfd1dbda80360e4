// CLI entry: runs the program on argv and returns the exit code; `bin/tessera` calls this.
import { processIO, type CliContext, type CliIO } from "./context.js";
import { handleError } from "./handle-error.js";
import { writeErrorReason } from "./output-file.js";
import { DEFAULT_READ_LIMITS, setReadLimits } from "../formats/limits.js";
import { createProgram } from "./program.js";

/** Run the CLI in-process with the given arguments (without "node tessera") and return the exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  return (await runCommand(argv, io)).exitCode;
}

async function runCommand(argv: readonly string[], io: CliIO): Promise<CliContext> {
  const ctx: CliContext = { io, exitCode: 0 };
  const debug = argv.includes("--debug");
  try {
    await createProgram(ctx).parseAsync([...argv], { from: "user" });
  } catch (error) {
    handleError(ctx, error, debug);
  } finally {
    setReadLimits(DEFAULT_READ_LIMITS);
  }
  return ctx;
}

/** Run the CLI as the process (what `bin/tessera` calls): argv from the command line, the exit code set. */
export function runAsProcess(): void {
  // A failed write to standard output (`> /dev/full`: ENOSPC; `| head -1` closing the pipe: EPIPE) is one
  // line on stderr and exit code 1, like every other write error (src/cli/output-file.ts).
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    process.stderr.write(`tessera: error: standard output: cannot be written (${writeErrorReason(error)})\n`);
    process.exit(1);
  });
  void runCommand(process.argv.slice(2), processIO).then((ctx) => {
    process.exitCode = ctx.exitCode;
    // Standard output and files are written synchronously; standard error is flushed first.
    if (ctx.exitWhenDone) process.stderr.write("", () => process.exit(ctx.exitCode));
  });
}

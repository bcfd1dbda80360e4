// CLI entry: runs the program on argv and returns the exit code; `bin/tessera` calls this.
import { processIO, type CliContext, type CliIO } from "./context.js";
import { handleError } from "./handle-error.js";
import { createProgram } from "./program.js";

/** Run the CLI in-process with the given arguments (without "node tessera") and return the exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  const debug = argv.includes("--debug");
  try {
    await createProgram(ctx).parseAsync([...argv], { from: "user" });
  } catch (error) {
    handleError(ctx, error, debug);
  }
  return ctx.exitCode;
}

const isEntry = process.argv[1] !== undefined && /[\\/]bin[\\/]tessera$|[\\/]cli[\\/]main\.js$/.test(process.argv[1]);
if (isEntry) {
  // `tessera ... | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

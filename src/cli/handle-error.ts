// The one place that turns a thrown error into an exit code and one line on stderr (no stack trace
// unless --debug): input and usage errors exit 1; anything unexpected is reported as a bug.
import { CommanderError } from "commander";
import { InputError, TesseraError, UsageError, InternalError } from "../errors.js";
import type { CliContext } from "./context.js";

export function handleError(ctx: CliContext, error: unknown, debug: boolean): void {
  if (error instanceof CommanderError) {
    // help and version output are not errors; commander already printed its message.
    ctx.exitCode = error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" ? 0 : 1;
    return;
  }
  ctx.exitCode = 1;
  const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, " ");
  if (error instanceof InputError || error instanceof UsageError) {
    ctx.io.stderr(`tessera: error: ${oneLine(error.message)}\n`);
  } else if (error instanceof InternalError) {
    ctx.io.stderr(`tessera: internal error (a bug, please report it): ${oneLine(error.message)}\n`);
  } else if (error instanceof TesseraError) {
    ctx.io.stderr(`tessera: error: ${oneLine(error.message)}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    ctx.io.stderr(`tessera: unexpected error (a bug, please report it with --debug): ${oneLine(message)}\n`);
  }
  if (debug && error instanceof Error && error.stack) ctx.io.stderr(error.stack + "\n");
}

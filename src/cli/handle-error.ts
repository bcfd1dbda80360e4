// The one place that turns a thrown error into an exit code and one line on stderr (no stack trace
// unless --debug): input and usage errors exit 1; anything unexpected is reported as a bug.
import { CommanderError } from "commander";
import { errorLine } from "../errors.js";
import type { CliContext } from "./context.js";

export function handleError(ctx: CliContext, error: unknown, debug: boolean): void {
  if (error instanceof CommanderError) {
    // help and version output are not errors; commander already printed its message.
    ctx.exitCode = error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" ? 0 : 1;
    return;
  }
  ctx.exitCode = 1;
  ctx.io.stderr(`tessera: ${errorLine(error)}\n`);
  if (debug && error instanceof Error && error.stack) ctx.io.stderr(error.stack + "\n");
}

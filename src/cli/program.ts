// The commander program: registers one command per file in src/cli and nothing else.
import { Command } from "commander";
import { readFileSync } from "node:fs";
import type { CliContext } from "./context.js";
import { infoCommand } from "./info.js";
import { evalCommand } from "./eval.js";

function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

export function createProgram(ctx: CliContext): Command {
  const program = new Command("tessera")
    .description("exact analysis of piecewise-affine (ReLU) neural networks")
    .version(packageVersion(), "-V, --version")
    .option("--debug", "print stack traces on errors")
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) })
    .exitOverride();
  const commands = [infoCommand(ctx), evalCommand(ctx)];
  for (const cmd of commands) {
    cmd.configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) }).exitOverride();
    cmd.option("--debug", "print stack traces on errors");
    program.addCommand(cmd);
  }
  program.addHelpText("after", "\nExamples:\n  $ tessera eval fixtures/seed-three-neurons.json --input \"3,1/2\"\n  $ tessera info fixtures/seed-three-neurons.json --json\n");
  return program;
}

// The commander program: registers one command per file in src/cli and nothing else.
import { Command, type OutputConfiguration } from "commander";
import type { CliContext } from "./context.js";
import { setReadLimits } from "../formats/limits.js";
import { parseByteSize, parsePositiveInteger, parsePositiveSeconds } from "./parse.js";
import { infoCommand } from "./info.js";
import { evalCommand } from "./eval.js";
import { convertCommand } from "./convert.js";
import { countCommand } from "./count.js";
import { regionsCommand } from "./regions.js";
import { checkCommand } from "./check.js";
import { graphCommand } from "./graph.js";
import { clarkeCommand } from "./clarke.js";
import { jumpsCommand } from "./jumps.js";
import { plotCommand } from "./plot.js";
import { viewCommand } from "./view.js";
import { verifyCommand } from "./verify.js";
import { boundsCommand } from "./bounds.js";
import { neuronsCommand } from "./neurons.js";
import { lipschitzCommand } from "./lipschitz.js";
import { gradCommand } from "./grad.js";
import { initCommand } from "./init.js";
import { signalCommand } from "./signal.js";
import { sparsityCommand } from "./sparsity.js";
import { packageVersion } from "./version.js";
import { mergeCommand } from "./merge.js";
import { workerCommand } from "./worker.js";


/** Commander's output, with its usage errors as one line: "tessera: error: <what> (see --help)". */
function output(ctx: CliContext): OutputConfiguration {
  return {
    writeOut: (s) => ctx.io.stdout(s),
    writeErr: (s) => ctx.io.stderr(s),
    outputError: (s, write) => write(`tessera: ${s.trim().replace(/\s*\n\s*/g, " ")} (see --help)\n`),
  };
}

export function createProgram(ctx: CliContext): Command {
  const program = new Command("tessera")
    .description("exact analysis of piecewise-affine (ReLU) neural networks")
    .version(packageVersion(), "-V, --version")
    .option("--debug", "print stack traces on errors")
    .configureOutput(output(ctx))
    .exitOverride();
  const commands = [infoCommand(ctx), evalCommand(ctx), convertCommand(ctx), countCommand(ctx), regionsCommand(ctx), checkCommand(ctx), plotCommand(ctx), viewCommand(ctx), graphCommand(ctx), clarkeCommand(ctx), jumpsCommand(ctx), verifyCommand(ctx), boundsCommand(ctx), neuronsCommand(ctx), lipschitzCommand(ctx), gradCommand(ctx), initCommand(ctx), signalCommand(ctx), sparsityCommand(ctx), mergeCommand(ctx), workerCommand(ctx)];
  for (const cmd of commands) {
    cmd.configureOutput(output(ctx)).exitOverride();
    cmd.option("--debug", "print stack traces on errors");
    cmd.option("--max-file-size <bytes>", "largest input file tessera reads (default 256M; suffixes K, M, G)");
    cmd.option("--max-parameters <count>", "most weights and biases a network may have (default 4194304 = 2^22)");
    cmd.option("--exact", "print every rational in full (human output shortens those of more than 20 digits; --json never does)");
    cmd.hook("preAction", (command) => {
      ctx.exact = Boolean(command.opts().exact);
    });
    program.addCommand(cmd);
  }
  // Limits that every reader honours, set before the command runs (runCli restores the defaults after it).
  program.hook("preAction", (_program, action) => {
    const { maxFileSize, maxParameters, timeout } = action.opts<{ maxFileSize?: string; maxParameters?: string; timeout?: string }>();
    if (maxFileSize !== undefined) setReadLimits({ maxFileSize: parseByteSize(maxFileSize, "--max-file-size") });
    if (maxParameters !== undefined) setReadLimits({ maxParameters: parsePositiveInteger(maxParameters, "--max-parameters") });
    // --timeout counts loading: readers stop at the deadline, and the command gets the time left.
    if (timeout !== undefined) setReadLimits({ deadline: performance.now() + parsePositiveSeconds(timeout, "--timeout") * 1000 });
  });
  program.addHelpText("after", "\nExamples:\n  $ tessera eval fixtures/seed-three-neurons.json --input \"3,1/2\"\n  $ tessera info fixtures/seed-three-neurons.json --json\n");
  return program;
}

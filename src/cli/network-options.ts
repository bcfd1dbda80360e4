// The flags every command that reads a network shares, and loading the network they describe.
import type { Command } from "commander";
import { loadNetwork, type LoadOptions } from "../formats/load.js";
import type { Network } from "../network/ir.js";
import { withDecimalWeights } from "../network/decimal-weights.js";
import type { CliContext } from "./context.js";

export interface NetworkFlags {
  readonly stripSoftmax?: boolean;
  readonly nnetNormalize?: boolean;
  readonly decimalWeights?: boolean;
}

export function addNetworkOptions(cmd: Command): Command {
  return cmd
    .option("--strip-softmax", "ONNX: drop a final Softmax/LogSoftmax (argmax is unchanged); a warning says so")
    .option("--nnet-normalize", "NNET: fold the input normalization and output scaling into the network")
    .option("--decimal-weights", "analyse float weights as their shortest decimal (0.1, not float32(0.1)); the output says so");
}

/** Load the network named on the command line; warnings from the reader go to stderr. */
export function loadNetworkFromFlags(ctx: CliContext, file: string, flags: NetworkFlags): Network {
  const options: LoadOptions = { stripSoftmax: Boolean(flags.stripSoftmax), nnetNormalize: Boolean(flags.nnetNormalize) };
  const loaded = loadNetwork(file, options);
  const net = flags.decimalWeights ? withDecimalWeights(loaded) : loaded;
  for (const warning of net.meta.warnings) ctx.io.stderr(`tessera: warning: ${warning}\n`);
  // Human output: a note on stderr; JSON output: printJson adds "approximations".
  for (const note of net.meta.approximations) ctx.io.stderr(`tessera: note: approximation: ${note}\n`);
  ctx.approximations = net.meta.approximations;
  return net;
}

// `tessera convert NET -o OUT.json`: read a network in any supported format (ONNX, NNET, tessera JSON) and
// write it as exact tessera JSON (every weight as its exact rational; approximations listed in the file).
import { Command } from "commander";
import { networkSha256, writeNetworkJson } from "../formats/network-json.js";
import { inputSize, outputSize } from "../network/ir.js";
import { printJson, type CliContext } from "./context.js";
import { writeTextFile } from "./output-file.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";

interface ConvertFlags extends NetworkFlags {
  readonly output?: string;
  readonly json?: boolean;
}

export function convertCommand(ctx: CliContext): Command {
  const cmd = new Command("convert")
    .description("write a network (.onnx, .nnet, .json) as exact tessera JSON")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("-o, --output <file>", "where to write the tessera JSON (default: standard output)")
    .option("--json", "with -o: print a machine-readable summary (without -o the output is the JSON network itself)")
    .addHelpText(
      "after",
      "\nEvery weight is written as its exact rational (a float32 weight as its exact binary value). Any\n" +
        "approximation the reader had to make (BatchNorm's sqrt) is listed under \"approximations\".\n\n" +
        "Examples:\n  $ tessera convert ACASXU_run2a_1_1_batch_2000.onnx -o acas_1_1.json\n  $ tessera convert net.nnet --nnet-normalize -o net.json\n",
    );
  addNetworkOptions(cmd).action((file: string, flags: ConvertFlags) => {
    const net = loadNetworkFromFlags(ctx, file, flags);
    const text = writeNetworkJson(net);
    if (!flags.output) return ctx.io.stdout(text);
    writeTextFile(flags.output, text);
    if (flags.json) {
      return printJson(ctx, {
        output: flags.output, inputs: inputSize(net), outputs: outputSize(net), layers: net.nodes.length - 1,
        sha256: networkSha256(net), sourceFormat: net.meta.sourceFormat, approximations: net.meta.approximations,
      });
    }
    const notes = net.meta.approximations.length ? ` (${net.meta.approximations.length} approximation(s) listed in the file)` : "";
    ctx.io.stdout(`wrote ${flags.output}: ${inputSize(net)} inputs, ${outputSize(net)} outputs, ${net.nodes.length - 1} layers${notes}\n`);
  });
  return cmd;
}

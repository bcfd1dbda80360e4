// `tessera eval NET --input x`: the exact output, the activation pattern and any ties.
import { Command } from "commander";
import { formatRational } from "../exact/rational.js";
import { evaluate, formatPattern } from "../network/evaluate.js";
import { inputSize } from "../network/ir.js";
import { printJson, type CliContext } from "./context.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { parseRationalList } from "./parse.js";
import { formatReadable } from "../exact/readable.js";

interface EvalFlags extends NetworkFlags {
  readonly input: string;
  readonly json?: boolean;
}

export function evalCommand(ctx: CliContext): Command {
  const cmd = new Command("eval")
    .description("evaluate a network exactly at one input: output, activation pattern, ties")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .requiredOption("--input <values>", 'comma-separated rationals, e.g. "3,1/2" or "0.1,-2.5e-3"')
    .option("--json", "print machine-readable JSON")
    .addHelpText(
      "after",
      '\nThe pattern has one character per neuron (its piece: ReLU 0 inactive, 1 active), activation layers\n' +
        "joined by |. A pre-activation exactly on a breakpoint takes the lower piece and is listed in ties.\n\n" +
        'Examples:\n  $ tessera eval fixtures/seed-three-neurons.json --input "3,1/2"\n  $ tessera eval net.onnx --input "0.1,0.2,0.3,0.4,0.5" --json\n',
    );
  addNetworkOptions(cmd).action((file: string, flags: EvalFlags) => {
    const net = loadNetworkFromFlags(ctx, file, flags);
    const x = parseRationalList(flags.input, "--input", inputSize(net));
    const result = evaluate(net, x);
    const output = result.output.map(formatRational);
    const pattern = formatPattern(result.pattern);
    if (flags.json) return printJson(ctx, { output, pattern, ties: result.ties });
    const lines = [`output   ${result.output.map((v) => formatReadable(v, ctx.exact)).join(", ")}`, `pattern  ${pattern}`];
    if (result.ties.length) lines.push(`ties     ${result.ties.map((t) => `layer ${t.layer} neuron ${t.neuron}`).join("; ")}`);
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}

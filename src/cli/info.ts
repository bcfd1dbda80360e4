// `tessera info NET`: what the network is (sizes, layers, neurons by kind, parameters, provenance).
import { Command } from "commander";
import { describeNetwork } from "../network/describe.js";
import { printJson, type CliContext } from "./context.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { formatReadable } from "../exact/readable.js";

interface InfoFlags extends NetworkFlags {
  readonly json?: boolean;
}

export function infoCommand(ctx: CliContext): Command {
  const cmd = new Command("info")
    .description("describe a network: inputs, outputs, layers, neurons by activation kind, parameters")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--json", "print machine-readable JSON")
    .addHelpText("after", "\nExamples:\n  $ tessera info fixtures/seed-three-neurons.json\n  $ tessera info net.onnx --json\n");
  addNetworkOptions(cmd).action((file: string, flags: InfoFlags) => {
    const net = loadNetworkFromFlags(ctx, file, flags);
    const d = describeNetwork(net);
    if (flags.json) return printJson(ctx, { network: file, ...d });
    const lines = [
      `network     ${file} (${d.sourceFormat})`,
      `inputs      ${d.inputs}${d.inputShape ? ` (shape ${d.inputShape.join("×")})` : ""}`,
      `outputs     ${d.outputs}`,
      `layers      ${d.layers.total} (${d.layers.affine} affine, ${d.layers.activation} activation)`,
      `neurons     ${d.totalNeurons}${d.totalNeurons ? " (" + Object.entries(d.neurons).map(([k, v]) => `${v} ${k}`).join(", ") + ")" : ""}`,
      `parameters  ${d.parameters}`,
    ];
    if (d.activationLayers.length) lines.push(`widths      ${d.activationLayers.map((l) => l.size).join("-")}`);
    if (net.inputBox) lines.push(`input box   ${net.inputBox.map(([lo, hi]) => `${formatReadable(lo, ctx.exact)}:${formatReadable(hi, ctx.exact)}`).join(", ")}`);
    if (d.sourceOps) lines.push(`source ops  ${Object.entries(d.sourceOps).map(([k, v]) => `${k}×${v}`).join(", ")}`);
    for (const a of d.approximations) lines.push(`approximation: ${a}`);
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}

// `tessera signal NET... --samples N --seed S [-o chart.svg]`: per activation layer the variance of the
// pre-activations and the share of active neurons over standard normal inputs (analysis/signal.ts), with the
// mean-field prediction from the weights; several networks side by side and a chart of the variances.
import { Command } from "commander";
import { signalPropagation, type SignalResult } from "../analysis/signal.js";
import { writeLineChartSvg } from "../formats/svg-chart.js";
import { printJson, type CliContext } from "./context.js";
import { parseSeed } from "./init.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { writeTextFile } from "./output-file.js";
import { parsePositiveInteger } from "./parse.js";

interface SignalFlags extends NetworkFlags {
  readonly samples: string;
  readonly seed: string;
  readonly output?: string;
  readonly json?: boolean;
}

/** A float estimate with 4 significant digits (the tables' precision; JSON keeps the full float). */
export const estimate = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : "-");

export function signalCommand(ctx: CliContext): Command {
  const cmd = new Command("signal")
    .description("variance of pre-activations and share of active neurons per layer over Gaussian inputs (estimates)")
    .argument("<networks...>", "one or more network files (.json, .onnx, .nnet), compared side by side")
    .option("--samples <n>", "number of standard normal input samples", "2000")
    .option("--seed <n>", "seed of the input sampler", "1")
    .option("-o, --output <file>", "also write an SVG chart of E[z²] per layer, measured and predicted (log scale)")
    .option("--json", "print machine-readable JSON");
  cmd.addHelpText(
    "after",
    "\nEvery number is a sample estimate over the inputs (float arithmetic), except `predicted`, the mean-field\n" +
      "formula from the network's own weights: E[z²] = fan_in·mean(w²)·E[a²] + mean(b²) with E[relu(z)²] = E[z²]/2.\n" +
      "He initialisation (Var w = 2/n) keeps the variance about constant with depth; Xavier (1/n) halves it per layer.\n\n" +
      "Examples:\n  $ tessera init --layers 2,64,64,64,1 --init he -o he.json && tessera init --layers 2,64,64,64,1 --init xavier -o xavier.json\n" +
      "  $ tessera signal he.json xavier.json --samples 2000 --seed 1 -o signal.svg\n  $ tessera signal net.onnx --json\n",
  );
  addNetworkOptions(cmd).action((files: string[], flags: SignalFlags) => {
    const samples = parsePositiveInteger(flags.samples, "--samples");
    const seed = parseSeed(flags.seed);
    const results: { file: string; result: SignalResult }[] = files.map((file) => ({ file, result: signalPropagation(loadNetworkFromFlags(ctx, file, flags), { samples, seed }) }));
    if (flags.output) {
      const name = (file: string): string => file.replace(/^.*\//, "");
      const series = [
        ...results.map(({ file, result }) => ({ name: `${name(file)} E[z²]`, points: result.layers.map((l, k) => [k + 1, l.meanSquare] as const) })),
        ...results.map(({ file, result }) => ({
          name: `${name(file)} predicted`, dashed: true,
          points: result.layers.flatMap((l, k) => (l.predictedMeanSquare !== undefined ? [[k + 1, l.predictedMeanSquare] as const] : [])),
        })),
      ];
      writeTextFile(flags.output, writeLineChartSvg(series, {
        title: "mean square of pre-activations per layer", xLabel: "layer (last: output)", yLabel: "E[z²], log₂ scale", logY: true, integerX: true,
        caption: [`${samples} standard normal inputs, seed ${seed}; solid: sample estimates, dashed: mean-field prediction`],
      }));
    }
    if (flags.json) {
      return printJson(ctx, {
        samples, seed, estimates: true,
        networks: results.map(({ file, result }) => ({ file, layers: result.layers.map((l) => ({ ...l, activeShare: Number.isNaN(l.activeShare) ? null : l.activeShare })) })),
        ...(flags.output ? { chart: flags.output } : {}),
      });
    }
    const lines: string[] = [`${samples} standard normal inputs, seed ${seed} (sample estimates; predicted: mean-field formula)`];
    for (const { file, result } of results) {
      lines.push(file, "  layer   neurons  Var(z)     E[z²]      predicted  active");
      for (const l of result.layers) {
        const name = l.layer < 0 ? "output" : String(l.layer);
        lines.push(`  ${name.padEnd(7)} ${String(l.neurons).padEnd(8)} ${estimate(l.variance).padEnd(10)} ${estimate(l.meanSquare).padEnd(10)} ${estimate(l.predictedMeanSquare ?? Number.NaN).padEnd(10)} ${Number.isNaN(l.activeShare) ? "-" : estimate(l.activeShare)}`);
      }
    }
    if (flags.output) lines.push(`wrote ${flags.output}`);
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}

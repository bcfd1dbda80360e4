// `tessera init --layers 2,64,64,1 --init he|xavier|pytorch --seed S [--bias B] -o net.json`: a reproducible random
// dense ReLU network (analysis/initialisation.ts) written as tessera network JSON with exact float32 weights.
import { Command } from "commander";
import { InputError, UsageError } from "../errors.js";
import { formatRational, rationalToNumber, tryParseRational } from "../exact/rational.js";
import { rationalFromFloat32 } from "../exact/float.js";
import { writeNetworkJson } from "../formats/network-json.js";
import { INIT_SCHEMES, initialiseNetwork, weightVariance, type InitScheme } from "../analysis/initialisation.js";
import { printJson, type CliContext } from "./context.js";
import { writeTextFile } from "./output-file.js";

interface InitFlags {
  readonly layers: string;
  readonly init: string;
  readonly seed: string;
  readonly bias?: string;
  readonly biasStd?: string;
  readonly output: string;
  readonly json?: boolean;
}

/** "2,64,64,1" → widths; each a positive integer, at least two. */
export function parseWidths(text: string, flag: string): number[] {
  const parts = text.split(",");
  if (parts.length < 2) throw new InputError(flag, "", `${JSON.stringify(text)} needs at least an input and an output width, e.g. "2,64,64,1"`);
  return parts.map((p, i) => {
    const s = p.trim();
    if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) throw new InputError(flag, `width ${i + 1}`, `${JSON.stringify(s)} is not an integer`);
    if (Number(s) < 1) throw new InputError(flag, `width ${i + 1}`, `is ${Number(s)}; widths must be positive`);
    return Number(s);
  });
}

/** A non-negative integer seed. */
export function parseSeed(text: string, flag = "--seed"): number {
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) throw new InputError(flag, "", `${JSON.stringify(text)} is not a non-negative integer`);
  return Number(text);
}

export function initCommand(ctx: CliContext): Command {
  const cmd = new Command("init")
    .description("write a reproducible random dense ReLU network (He, Xavier or PyTorch's default init; exact float32 weights)")
    .requiredOption("--layers <widths>", 'widths from input to output, e.g. "2,64,64,1" (ReLU after every layer but the last)')
    .option("--init <scheme>", "he: N(0, 2/fan_in); xavier: N(0, 1/fan_in); pytorch: nn.Linear's default U(±1/√fan_in) for weights and biases", "he")
    .option("--seed <n>", "seed of tessera's generator (mulberry32 + Box–Muller): the same seed gives the same network", "1")
    .option("--bias <b>", "a constant bias for every neuron (rounded to float32); default 0 (he, xavier) or uniform (pytorch)")
    .option("--bias-std <s>", "instead of a constant: biases drawn N(0, s²) from the same generator")
    .requiredOption("-o, --output <file>", "the tessera network JSON file to write")
    .option("--json", "print a machine-readable summary");
  cmd.addHelpText(
    "after",
    "\nEvery weight is drawn as a float64, rounded to float32 and stored as its exact value (a dyadic rational),\n" +
      "as a PyTorch float32 export would hold it. Layer k uses its own stream (seed·1000 + k).\n\n" +
      "Examples:\n  $ tessera init --layers 2,64,64,1 --init he --seed 7 -o he.json\n" +
      "  $ tessera init --layers 2,16,16,1 --init pytorch --seed 1 -o torch.json --json\n" +
      "  $ tessera init --layers 4,32,1 --init xavier --bias=-0.5 -o sparse.json\n",
  );
  cmd.action((flags: InitFlags) => {
    const layers = parseWidths(flags.layers, "--layers");
    if (!(INIT_SCHEMES as readonly string[]).includes(flags.init)) {
      throw new UsageError(`--init: ${JSON.stringify(flags.init)} is not one of ${INIT_SCHEMES.join(", ")}`);
    }
    const scheme = flags.init as InitScheme;
    const seed = parseSeed(flags.seed);
    let bias: number | undefined;
    if (flags.bias !== undefined) {
      const b = tryParseRational(flags.bias);
      if (!b) throw new InputError("--bias", "", `${JSON.stringify(flags.bias)} is not a number`);
      bias = rationalToNumber(b);
    }
    let biasStd: number | undefined;
    if (flags.biasStd !== undefined) {
      const s = tryParseRational(flags.biasStd);
      if (!s || s.compare(0) < 0) throw new InputError("--bias-std", "", `${JSON.stringify(flags.biasStd)} is not a non-negative number`);
      if (bias !== undefined) throw new UsageError("init: give --bias or --bias-std, not both");
      biasStd = rationalToNumber(s);
    }
    const net = initialiseNetwork({ layers, scheme, seed, ...(bias !== undefined ? { bias } : {}), ...(biasStd !== undefined ? { biasStd } : {}) });
    writeTextFile(flags.output, writeNetworkJson(net));
    const summary = {
      file: flags.output, layers, init: scheme, seed, ...(bias !== undefined ? { bias: formatRational(rationalFromFloat32(Math.fround(bias))!) } : {}), ...(biasStd !== undefined ? { biasStd } : {}),
      targetWeightVariance: layers.slice(0, -1).map((fanIn) => weightVariance(scheme, fanIn)),
    };
    if (flags.json) return printJson(ctx, summary);
    ctx.io.stdout(`wrote ${flags.output}: ${layers.join("-")} ReLU network, ${scheme} init, seed ${seed}\n`);
  });
  return cmd;
}

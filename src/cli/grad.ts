// `tessera grad NET --at X (--target Y [--loss mse] | --output-weights V)` and `tessera grad NET --data CSV`:
// the exact gradient of a loss with respect to every weight and bias (analysis/weight-gradient.ts), per neuron
// the gated Hebbian update (dL/da)·1[z>0]·xᵀ, and at ties the one-sided derivatives (the Clarke interval).
import { Command } from "commander";
import { UsageError } from "../errors.js";
import { formatRational, minRational, maxRational, type Rational } from "../exact/rational.js";
import { inputSize, outputSize } from "../network/ir.js";
import { dataWeightGradient, SMOOTH_LOSSES, weightGradient, type GradientLoss, type OneSided } from "../analysis/weight-gradient.js";
import { printJson, type CliContext } from "./context.js";
import { readCsvRows } from "./neurons.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { parseRationalList } from "./parse.js";
import { formatReadable } from "../exact/readable.js";

interface GradFlags extends NetworkFlags {
  readonly at?: string;
  readonly target?: string;
  readonly loss?: string;
  readonly outputWeights?: string;
  readonly data?: string;
  readonly json?: boolean;
}

/** JSON of one derivative: the exact value, or the one-sided pair with its Clarke interval. */
export function oneSidedJson(d: OneSided): string | { right: string; left: string; clarke: [string, string] } {
  if (d.right.equals(d.left)) return formatRational(d.right);
  return { right: formatRational(d.right), left: formatRational(d.left), clarke: [formatRational(minRational(d.right, d.left)), formatRational(maxRational(d.right, d.left))] };
}

function oneSidedText(d: OneSided, exact?: boolean): string {
  const f = (v: Rational): string => formatReadable(v, exact);
  if (d.right.equals(d.left)) return `= ${f(d.right)}`;
  return `∈ [${f(minRational(d.right, d.left))}, ${f(maxRational(d.right, d.left))}] (right ${f(d.right)}, left ${f(d.left)})`;
}

/** Rows and vectors longer than this are summarised in human output (`--json` lists every entry). */
const SHOWN = 8;

/** "∇w: [0] = 27/10  [1] = 9/20   ∇b = 9/10"; a long row lists its nonzero entries up to SHOWN. */
function weightsText(row: readonly OneSided[], bias: OneSided, exact?: boolean): string {
  const entries = row.map((v, c) => ({ v, c }));
  const shown = row.length <= SHOWN ? entries : entries.filter(({ v }) => !(v.right.equals(0) && v.left.equals(0)));
  const text = shown.slice(0, SHOWN).map(({ v, c }) => `[${c}] ${oneSidedText(v, exact)}`).join("  ");
  const rest = row.length <= SHOWN ? "" : ` (${row.length} entries, ${shown.length} nonzero${shown.length > SHOWN ? `, first ${SHOWN} shown` : ""}; --json lists all)`;
  return `∇w: ${text || "all 0"}${rest}   ∇b ${oneSidedText(bias, exact)}`;
}

/** "(3, 1/2)", or the first SHOWN values and the count (long rationals shortened unless `exact`). */
function vectorText(values: readonly Rational[], exact?: boolean): string {
  const head = values.slice(0, SHOWN).map((v) => formatReadable(v, exact)).join(", ");
  return values.length <= SHOWN ? `(${head})` : `(${head}, … ${values.length} values)`;
}

function checkLossName(flags: GradFlags): void {
  const name = (flags.loss ?? "mse").toLowerCase();
  if (name in SMOOTH_LOSSES) throw new UsageError(`--loss: ${name} is refused: ${SMOOTH_LOSSES[name]}; use --loss mse or --output-weights V`);
  if (name !== "mse") throw new UsageError(`--loss: ${JSON.stringify(flags.loss)} is not a loss tessera knows (mse; or --output-weights V for V·y)`);
}

export function gradCommand(ctx: CliContext): Command {
  const cmd = new Command("grad")
    .description("exact gradient of a loss with respect to every weight and bias (the gated Hebbian rule), Clarke intervals at ties")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--at <values>", 'the input, comma-separated rationals, e.g. "3,1/2"')
    .option("--target <values>", "with --loss mse: the target output, comma-separated rationals")
    .option("--loss <name>", "mse (mean over outputs of (y − t)²); smooth losses such as cross-entropy are refused", "mse")
    .option("--output-weights <values>", "instead of a loss: the gradient of V·y for these output weights V")
    .option("--data <file>", "CSV, one row per sample: the inputs then the targets; the mse gradient summed over the rows")
    .option("--json", "print machine-readable JSON");
  cmd.addHelpText(
    "after",
    "\nPer neuron the update is (dL/da)·slope(z)·xᵀ with x the dense layer's input: for ReLU zero when the neuron\n" +
      "is inactive, proportional to the input when it is active. At a tie (z exactly on a breakpoint) the loss is\n" +
      "not differentiable in the weights upstream of it: each such weight gets its right and left derivatives and\n" +
      "the interval between them (the Clarke subdifferential in that weight). Every number is exact.\n\n" +
      "Examples:\n" +
      '  $ tessera grad fixtures/seed-three-neurons.json --at "3,1/2" --target 2\n' +
      '  $ tessera grad fixtures/seed-three-neurons.json --at "2,1" --output-weights 1 --json\n' +
      "  $ tessera grad net.json --data train.csv --loss mse\n",
  );
  addNetworkOptions(cmd).action((file: string, flags: GradFlags) => {
    const net = loadNetworkFromFlags(ctx, file, flags);
    const n = inputSize(net);
    const m = outputSize(net);
    if (flags.data) {
      if (flags.at || flags.outputWeights || flags.target) throw new UsageError("grad: --data takes its inputs and targets from the file; drop --at, --target and --output-weights");
      checkLossName(flags);
      const rows = readCsvRows(flags.data, n + m, `each row needs ${n} inputs then ${m} target${m === 1 ? "" : "s"} (${n + m} values)`)
        .map((r) => ({ input: r.slice(0, n), target: r.slice(n) }));
      const g = dataWeightGradient(net, rows);
      const out = {
        rows: g.rows, loss: { kind: "mse", sum: formatRational(g.loss) }, differentiable: g.differentiable, rowsWithTies: g.rowsWithTies,
        dense: g.dense.map((d) => ({ node: d.node, name: d.name, weights: d.weights.map((r) => r.map(oneSidedJson)), bias: d.bias.map(oneSidedJson) })),
        noUpdate: g.noUpdate, neverActive: g.neverActive,
      };
      if (flags.json) return printJson(ctx, out);
      const lines = [`data       ${g.rows} rows; summed mse loss ${formatReadable(g.loss, ctx.exact)}${g.rowsWithTies ? `; ${g.rowsWithTies} rows with ties` : ""}`];
      for (const d of g.dense) {
        lines.push(`${d.name} (node ${d.node})`);
        d.weights.forEach((row, r) => lines.push(`  row ${r}: ${weightsText(row, d.bias[r]!)}`));
      }
      const refs = (list: readonly { layer: number; neuron: number }[]) => (list.length ? list.map((x) => `layer ${x.layer} neuron ${x.neuron}`).join("; ") : "none");
      lines.push(`no update on any row: ${refs(g.noUpdate)}`, `never active on the data (dead on it): ${refs(g.neverActive)}`);
      ctx.io.stdout(lines.join("\n") + "\n");
      return;
    }
    if (!flags.at) throw new UsageError("grad: give the input with --at (or a data set with --data)");
    const x = parseRationalList(flags.at, "--at", n);
    let loss: GradientLoss;
    if (flags.outputWeights) {
      if (flags.target) throw new UsageError("grad: give either --target (with --loss) or --output-weights, not both");
      const weights = parseRationalList(flags.outputWeights, "--output-weights");
      if (weights.length !== m) throw new UsageError(`--output-weights: has ${weights.length} value${weights.length === 1 ? "" : "s"}, the network has ${m} output${m === 1 ? "" : "s"}`);
      loss = { kind: "output-weights", weights };
    } else {
      checkLossName(flags);
      if (!flags.target) throw new UsageError("grad: --loss mse needs --target (or use --output-weights V for the gradient of V·y)");
      const target = parseRationalList(flags.target, "--target");
      if (target.length !== m) throw new UsageError(`--target: has ${target.length} value${target.length === 1 ? "" : "s"}, the network has ${m} output${m === 1 ? "" : "s"}`);
      loss = { kind: "mse", target };
    }
    const g = weightGradient(net, x, loss);
    const lossJson = loss.kind === "mse" ? { kind: "mse", target: loss.target.map(formatRational) } : { kind: "output-weights", weights: loss.weights.map(formatRational) };
    if (flags.json) {
      return printJson(ctx, {
        input: x.map(formatRational), output: g.output.map(formatRational), loss: { ...lossJson, value: formatRational(g.loss) },
        differentiable: g.differentiable, ties: g.ties,
        dense: g.dense.map((d) => ({ node: d.node, name: d.name, argument: d.argument.map(formatRational), weights: d.weights.map((r) => r.map(oneSidedJson)), bias: d.bias.map(oneSidedJson) })),
        neurons: g.neurons.map((u) => ({
          layer: u.layer, neuron: u.neuron, ...(u.denseNode !== undefined ? { denseNode: u.denseNode } : {}),
          preActivation: formatRational(u.preActivation), piece: u.piece, tie: u.tie, slope: oneSidedJson(u.slope),
          dLossdOutput: oneSidedJson(u.dLossdOutput), dLossdPreActivation: oneSidedJson(u.dLossdPreActivation), noUpdate: u.noUpdate,
        })),
      });
    }
    const f = (v: Rational): string => formatReadable(v, ctx.exact);
    const lines = [
      `output     ${vectorText(g.output, ctx.exact).slice(1, -1)}`,
      `loss       ${loss.kind === "mse" ? `mse to (${loss.target.map(f).join(", ")})` : `V·y with V = (${loss.weights.map(f).join(", ")})`} = ${f(g.loss)}`,
    ];
    if (g.ties.length) lines.push(`ties       ${g.ties.map((t) => `layer ${t.layer} neuron ${t.neuron}`).join("; ")}: one-sided derivatives below`);
    for (const d of g.dense) {
      lines.push(`${d.name} (node ${d.node}), input x = ${vectorText(d.argument, ctx.exact)}`);
      d.weights.forEach((row, r) => {
        const u = g.neurons.find((v) => v.denseNode === d.node && v.neuron === r);
        const state = u ? `  [z = ${f(u.preActivation)}, ${u.tie ? "tie" : `piece ${u.piece}`}, slope ${oneSidedText(u.slope, ctx.exact)}, dL/da ${oneSidedText(u.dLossdOutput, ctx.exact)}]` : "";
        const head = `  row ${r}: dL/dz ${oneSidedText(d.bias[r]!, ctx.exact)}${state}`;
        lines.push(u?.noUpdate ? `${head}  no update` : `${head}\n    ${weightsText(row, d.bias[r]!, ctx.exact)}`);
      });
    }
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}

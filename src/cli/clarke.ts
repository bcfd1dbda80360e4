// `tessera clarke NET --at x`: the Clarke generalized Jacobian at one point — every distinct Jacobian of the
// regions whose closure contains the point (found locally from the neurons tied there), whether the point is a
// kink, and for one output and one input the interval the Jacobian spans.
import { Command } from "commander";
import { formatRational, type Rational } from "../exact/rational.js";
import { clarkeJacobian } from "../graph/clarke.js";
import { formatPattern } from "../network/evaluate.js";
import { inputSize } from "../network/ir.js";
import { printJson, type CliContext } from "./context.js";
import { addLimitOptions, limitsFromFlags, type LimitFlags } from "./domain-options.js";
import { addNetworkOptions, loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";
import { parseRationalList } from "./parse.js";
import { formatReadable } from "../exact/readable.js";

interface ClarkeFlags extends NetworkFlags, LimitFlags {
  readonly at: string;
  readonly json?: boolean;
}

const matrix = (J: readonly (readonly Rational[])[]): string[][] => J.map((row) => row.map(formatRational));
const matrixText = (J: readonly (readonly Rational[])[], exact?: boolean): string => `[${J.map((row) => row.map((v) => formatReadable(v, exact)).join(", ")).join("; ")}]`;

export function clarkeCommand(ctx: CliContext): Command {
  const cmd = new Command("clarke")
    .description("the Clarke generalized Jacobian at a point: the Jacobians of every region touching it, exactly")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .requiredOption("--at <point>", 'the point, comma-separated rationals, e.g. "2,1" or "0.5,-1/3"')
    .option("--json", "print machine-readable JSON");
  addLimitOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nOnly the neurons tied at the point (pre-activation exactly on a breakpoint) are split, so this is fast even\n" +
      "for large networks. The Clarke Jacobian is the convex hull of the listed Jacobians.\n\n" +
      'Examples:\n  $ tessera clarke fixtures/seed-three-neurons.json --at "2,1"\n  $ tessera clarke relu.json --at 0 --json\n',
  );
  addNetworkOptions(cmd).action(async (file: string, flags: ClarkeFlags) => {
    const net = loadNetworkFromFlags(ctx, file, flags);
    const x = parseRationalList(flags.at, "--at", inputSize(net));
    const { maxRegions, timeoutMs } = limitsFromFlags(flags);
    const c = await clarkeJacobian(net, x, { maxRegions, timeoutMs });
    if (!c.complete) ctx.io.stderr("tessera: stopped early; some regions touching the point may be missing (complete: false)\n");
    const out = {
      point: c.point.map(formatRational),
      value: c.value.map(formatRational),
      ties: c.ties,
      kink: c.kink,
      regions: c.regions.map((r) => ({ pattern: formatPattern(r.pattern), jacobian: matrix(r.jacobian) })),
      jacobians: c.jacobians.map(matrix),
      ...(c.interval ? { interval: c.interval.map(formatRational) } : {}),
      complete: c.complete,
    };
    if (flags.json) return printJson(ctx, out);
    const readable = (v: Rational): string => formatReadable(v, ctx.exact);
    const lines = [
      `point      (${c.point.map(readable).join(", ")})`,
      `value      ${c.value.map(readable).join(", ")}`,
      `ties       ${c.ties.length ? c.ties.map((t) => `layer ${t.layer} neuron ${t.neuron}`).join("; ") : "none"}`,
      `regions    ${c.regions.length} touch the point${c.complete ? "" : " (incomplete)"}`,
      ...c.regions.map((r) => `  ${formatPattern(r.pattern)}  J = ${matrixText(r.jacobian, ctx.exact)}`),
      `jacobians  ${c.jacobians.length} distinct; the Clarke Jacobian is their convex hull`,
      `kink       ${c.kink ? "yes (not differentiable here)" : "no (differentiable here)"}`,
    ];
    if (c.interval) lines.push(`interval   [${c.interval.map(readable).join(", ")}]`);
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}

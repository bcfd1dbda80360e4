// `tessera jumps NET [domain]`: per-neuron statistics of the gradient jumps across the region graph's facets —
// how many facets each neuron bends, alone or with coincident neurons, how many leave the map unchanged, and its
// largest jump (exact squared Frobenius norm and largest entry).
import { Command } from "commander";
import { formatRational } from "../exact/rational.js";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { jumpStatistics } from "../graph/jump-stats.js";
import { printJson, type CliContext } from "./context.js";
import { addDomainOptions, addHFormLimitOption, addLimitOptions, type DomainFlags, type HFormLimitFlags, type LimitFlags } from "./domain-options.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { runRegionGraph } from "./graph-run.js";
import { readCommandInput, type CommandInput } from "./command-input.js";
import { addShardOption, runShard, type ReportRun, type UnitFlags } from "./work-units.js";
import { GRAPH_UNIT_SETTINGS } from "./graph.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { formatReadable, sqrtApproximation } from "../exact/readable.js";

interface JumpsFlags extends NetworkFlags, DomainFlags, LimitFlags, HFormLimitFlags, WorkersFlags, UnitFlags {
  readonly json?: boolean;
}

export function jumpsCommand(ctx: CliContext): Command {
  const cmd = new Command("jumps")
    .description("per-neuron statistics of the exact gradient jumps across shared facets of the regions")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--json", "print machine-readable JSON");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addHFormLimitOption(cmd);
  addWorkersOption(cmd);
  cmd.addHelpText(
    "after",
    "\nfacets: edges of the region graph where the neuron flips; alone: of those, where no other neuron flips;\n" +
      "flat: where the affine map does not change; max |J|²: the largest squared Frobenius norm of a jump.\n" +
      "For a slice (--line, --plane) jumps are in slice coordinates.\n\n" +
      "Examples:\n  $ tessera jumps fixtures/seed-three-neurons.json\n  $ tessera jumps net.json --box=-1:1 --json\n  $ tessera jumps net.json --box=-1:1 --shard 1/4 -o part-1.json   (then: tessera merge part-*.json)\n",
  );
  addShardOption(cmd);
  addNetworkOptions(cmd).action(async (file: string, flags: JumpsFlags) => {
    const input = readCommandInput(ctx, file, flags, { hform: true });
    const { net, domain, domainLabel, maxRegions, timeoutMs } = input;
    const workers = workersFromFlags(flags, process.env, net);
    if (await runShard(ctx, flags, { command: "jumps", net, file, domain, settings: GRAPH_UNIT_SETTINGS, run: { domainLabel, maxRegions, timeoutMs, workers } })) return;
    await jumpsReport(ctx, input, flags, { workers });
  });
  return cmd;
}

/** The statistics, computed and printed (the command, and `tessera merge` of its shards through a replay runner). */
export async function jumpsReport(ctx: CliContext, input: CommandInput, flags: { readonly json?: boolean }, workersOf: ReportRun): Promise<void> {
  const run = await runRegionGraph(ctx, input, false, workersOf.workers, workersOf.runner);
  const stats = jumpStatistics(run.enumeration.domain.network, run.graph.graph);
  const out = {
    complete: run.graph.complete,
    status: run.enumeration.status,
    domain: domainToJson(run.domain),
    counts: { regions: run.graph.graph.order, edges: stats.edges, linearPieces: run.graph.linearPieces },
    multiNeuronEdges: stats.multiNeuronEdges,
    flatEdges: stats.flatEdges,
    neurons: stats.neurons.map((n) => ({
      layer: n.layer,
      neuron: n.neuron,
      facets: n.facets,
      alone: n.alone,
      flat: n.flat,
      distinctJumps: n.distinctJumps,
      maxFrobeniusSquared: formatRational(n.maxFrobeniusSquared),
      maxAbsEntry: formatRational(n.maxAbsEntry),
    })),
  };
  if (flags.json) return printJson(ctx, out);
  const lines = [
    `regions ${out.counts.regions}, edges ${out.counts.edges}, linear pieces ${out.counts.linearPieces}${out.complete ? "" : ` (incomplete: ${out.status})`}`,
    `domain  ${describeDomain(run.domain, ctx.exact)}`,
    `edges where several neurons flip: ${out.multiNeuronEdges}; edges with no change of map: ${out.flatEdges}`,
    "",
    "layer  neuron  facets  alone  flat  distinct  max |J|² (≈ max |J|)  max |entry|",
  ];
  stats.neurons.forEach((n) => {
    const approx = sqrtApproximation(n.maxFrobeniusSquared);
    lines.push(
      `${String(n.layer).padStart(5)}  ${String(n.neuron).padStart(6)}  ${String(n.facets).padStart(6)}  ${String(n.alone).padStart(5)}  ${String(n.flat).padStart(4)}  ${String(n.distinctJumps).padStart(8)}  ${formatReadable(n.maxFrobeniusSquared, ctx.exact)} (≈ ${approx})  ${formatReadable(n.maxAbsEntry, ctx.exact)}`,
    );
  });
  ctx.io.stdout(lines.join("\n") + "\n");
}

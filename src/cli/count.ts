// `tessera count NET [domain]`: the number of linear regions over a domain, exactly (every region
// certified), or a lower bound marked complete: false when a limit stopped the search.
import { Command } from "commander";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { readCommandInput } from "./command-input.js";
import { printJson, type CliContext } from "./context.js";
import { addDomainOptions, addLimitOptions, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { runEnumeration } from "./enumeration-run.js";
import { LinearPieceTracker } from "../graph/piece-tracker.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";

interface CountFlags extends NetworkFlags, DomainFlags, LimitFlags {
  readonly json?: boolean;
  readonly certify: boolean;
}

export function countCommand(ctx: CliContext): Command {
  const cmd = new Command("count")
    .description("count the linear regions of a network over a domain (exact, every region certified)")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--json", "print machine-readable JSON")
    .option("--no-certify", "benchmark only: decide with floats, no exact certificates");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nThe default domain is the network's input box when it names one, else all of R^d.\n\n" +
      "Examples:\n  $ tessera count fixtures/seed-three-neurons.json\n  $ tessera count net.json --box=-1:1 --json\n  $ tessera count net.json --plane \"0,0,0;1,0,0;0,1,0\" --timeout 60\n",
  );
  addNetworkOptions(cmd).action(async (file: string, flags: CountFlags) => {
    const { net, domain, domainLabel, maxRegions, timeoutMs } = readCommandInput(ctx, file, flags);
    const pieces = new LinearPieceTracker();
    const result = await runEnumeration(ctx, net, { domain, domainLabel, maxRegions, timeoutMs, certify: flags.certify, irredundant: false, collectVertices: false, onRegion: (r) => pieces.add(r) });
    const [, linearPieces] = pieces.finish(result.domain.network, result.domain.polyhedron);
    const out = {
      regions: result.regions,
      linearPieces,
      complete: result.complete,
      status: result.status,
      domain: domainToJson(domain),
      elapsedMs: Math.round(result.elapsedMs * 10) / 10,
      certified: result.certified,
      neurons: result.neurons,
      arithmetic: result.arithmetic,
      stats: { decisions: result.stats.decisions, splits: result.stats.splits, lp: result.stats.lp },
    };
    if (flags.json) return printJson(ctx, out);
    const lines = [
      `regions   ${result.regions}${result.complete ? "" : ` (incomplete: ${result.status}; at least this many)`}`,
      `pieces    ${linearPieces} linear pieces (adjacent regions with equal affine maps merged)`,
      `domain    ${describeDomain(domain, ctx.exact)}`,
      `neurons   ${result.neurons}`,
      `time      ${(result.elapsedMs / 1000).toFixed(3)} s (${result.certified ? "every region certified" : "NOT certified (--no-certify)"})`,
    ];
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}

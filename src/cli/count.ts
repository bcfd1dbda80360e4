// `tessera count NET [domain]`: the number of linear regions over a domain, exactly (every region
// certified), or a lower bound marked complete: false when a limit stopped the search.
import { Command } from "commander";
import { InputError } from "../errors.js";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { readCommandInput } from "./command-input.js";
import { printJson, type CliContext } from "./context.js";
import { addDomainOptions, addLimitOptions, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { afterSearch, runEnumeration } from "./enumeration-run.js";
import { LinearPieceTracker } from "../graph/piece-tracker.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { addUnitOptions, planUnits, type UnitFlags } from "./work-units.js";
import { addQueueOptions, planQueue, type QueueFlags } from "./queue-options.js";
import type { UnitSettings } from "../regions/unit-runner.js";

interface CountFlags extends NetworkFlags, DomainFlags, LimitFlags, WorkersFlags, UnitFlags, QueueFlags {
  readonly json?: boolean;
  readonly certify: boolean;
}

export function countCommand(ctx: CliContext): Command {
  const cmd = new Command("count")
    .description("count the linear regions of a network over a domain (exact, every region certified)")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--json", "print machine-readable JSON")
    .option("--no-certify", "benchmark only: decide with floats, no exact certificates")
    .option("-o, --output <file>", "with --shard: the part file to write");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addWorkersOption(cmd);
  addUnitOptions(cmd);
  addQueueOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nThe default domain is the network's input box when it names one, else all of R^d.\n\n" +
      "Examples:\n  $ tessera count fixtures/seed-three-neurons.json\n  $ tessera count net.json --box=-1:1 --json\n  $ tessera count net.json --plane \"0,0,0;1,0,0;0,1,0\" --timeout 60\n  $ tessera count net.json --workers 8\n  $ tessera count net.json --shard 2/8 -o part-2.json   (then: tessera merge part-*.json)\n  $ tessera count net.json --checkpoint run.ckpt   (after a kill: --resume run.ckpt)\n  $ tessera count net.json --queue redis://127.0.0.1:6379   (units run on `tessera worker` processes)\n",
  );
  addNetworkOptions(cmd).action(async (file: string, flags: CountFlags) => {
    const { net, domain, domainLabel, maxRegions, timeoutMs } = readCommandInput(ctx, file, flags);
    const pieces = new LinearPieceTracker();
    const workers = workersFromFlags(flags, process.env, net);
    if (flags.output && !flags.shard) throw new InputError("-o", "", "is the part file of --shard; count prints its answer (use --json)");
    // Counting needs no region's certificate records: every decision is still certified exactly.
    const settings: UnitSettings = { certify: flags.certify, irredundant: false, keepCertificates: false, collectVertices: false, detail: "key" };
    const plan = planUnits(flags, { command: "count", net, file, domain, settings, warn: (line) => ctx.io.stderr(line) });
    const queue = await planQueue(ctx, flags, { command: "count", net, file, domain, settings, unitsNeeded: plan.unitsNeeded });
    const result = await runEnumeration(ctx, net, { domain, domainLabel, maxRegions, timeoutMs, ...settings, workers, ...plan.run, ...(queue ? { runner: queue.runner } : {}), onRegionKey: (id, key) => pieces.addKey(id, key.pattern, key.digest) });
    if (plan.unitsNeeded) afterSearch(ctx, plan.shard ? "writing the part file" : "writing the checkpoint", () => plan.finish(result, workers));
    queue?.finish(result);
    if (plan.shard) {
      ctx.io.stderr(`tessera: shard ${plan.shard.index}/${plan.shard.count}: ${result.regions} regions written to ${flags.output}${result.complete ? "" : " (complete: false)"}\n`);
      if (flags.json) printJson(ctx, { shard: plan.shard, regions: result.regions, complete: result.complete, status: result.status, part: flags.output });
      return;
    }
    const linearPieces = afterSearch(ctx, "counting linear pieces", () => pieces.finish(result.domain.network, result.domain.polyhedron)[1]);
    // Without its piece count the answer is not whole: complete: false, status "failed", linearPieces null.
    const complete = result.complete && linearPieces !== undefined;
    const status = linearPieces === undefined ? "failed" : result.status;
    const out = {
      regions: result.regions,
      linearPieces: linearPieces ?? null,
      complete,
      status,
      domain: domainToJson(domain),
      elapsedMs: Math.round(result.elapsedMs * 10) / 10,
      certified: result.certified,
      neurons: result.neurons,
      arithmetic: result.arithmetic,
      stats: { decisions: result.stats.decisions, splits: result.stats.splits, lp: result.stats.lp, ...result.parallel },
    };
    if (flags.json) return printJson(ctx, out);
    const lines = [
      `regions   ${result.regions}${result.complete ? "" : ` (incomplete: ${result.status}; at least this many)`}`,
      linearPieces === undefined ? "pieces    not counted (the count failed: see the error above)" : `pieces    ${linearPieces} linear pieces (adjacent regions with equal affine maps merged)`,
      `domain    ${describeDomain(domain, ctx.exact)}`,
      `neurons   ${result.neurons}`,
      `time      ${(result.elapsedMs / 1000).toFixed(3)} s (${result.certified ? "every region certified" : "NOT certified (--no-certify)"})`,
    ];
    ctx.io.stdout(lines.join("\n") + "\n");
  });
  return cmd;
}

// `tessera bounds NET [domain]`: the exact minimum and maximum of every output over the domain, each with a
// rational input that attains it (re-checked by an exact forward pass before printing).
import { Command } from "commander";
import { InternalError } from "../errors.js";
import { formatRational } from "../exact/rational.js";
import { attains, outputBounds, type Extreme } from "../analysis/bounds.js";
import { printJson, type CliContext } from "./context.js";
import { readCommandInput, type CommandInput } from "./command-input.js";
import { addShardOption, runShard, type ReportRun, type UnitFlags } from "./work-units.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { addQueueOptions, planQueue, type QueueFlags } from "./queue-options.js";
import { addDomainOptions, addHFormLimitOption, addLimitOptions, type DomainFlags, type HFormLimitFlags, type LimitFlags } from "./domain-options.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { formatReadable } from "../exact/readable.js";

interface BoundsFlags extends NetworkFlags, DomainFlags, LimitFlags, HFormLimitFlags, WorkersFlags, QueueFlags, UnitFlags {
  readonly json?: boolean;
}

const valueText = (e: Extreme, side: "min" | "max", exact?: boolean): string =>
  e.kind === "attained" ? formatReadable(e.value, exact) : e.kind === "unbounded" ? (side === "max" ? "+inf" : "-inf") : "none";

export function boundsCommand(ctx: CliContext): Command {
  const cmd = new Command("bounds")
    .description("exact minimum and maximum of every output over a domain, each with an input attaining it")
    .argument("<network>", "network file (.onnx, .nnet, .json)")
    .option("--json", "print machine-readable JSON");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addHFormLimitOption(cmd);
  addWorkersOption(cmd);
  addQueueOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nThe regions of the domain are enumerated; on each the output is affine and its extremes are exact LPs.\n" +
      "With a limit hit the values are bounds over the regions seen (complete: false).\n\n" +
      "Examples:\n  $ tessera bounds test_small.onnx --box=-1:1\n  $ tessera bounds net.json --box=-1:1 --shard 2/4 -o part-2.json   (then: tessera merge part-*.json)\n  $ tessera bounds net.json --property spec.vnnlib --json\n  $ tessera bounds net.json --box=-1:1 --queue redis://127.0.0.1:6379\n",
  );
  addShardOption(cmd);
  addNetworkOptions(cmd).action(async (file: string, flags: BoundsFlags) => {
    const input = readCommandInput(ctx, file, flags, { hform: true });
    const { net, domain, domainLabel, maxRegions, timeoutMs } = input;
    const workers = workersFromFlags(flags, process.env, net);
    if (await runShard(ctx, flags, { command: "bounds", net, file, domain, settings: BOUNDS_UNIT_SETTINGS, run: { domainLabel, maxRegions, timeoutMs, workers } })) return;
    const queue = await planQueue(ctx, flags, { command: "bounds", net, file, domain, settings: BOUNDS_UNIT_SETTINGS, unitsNeeded: false });
    await boundsReport(ctx, input, flags, { workers, ...(queue ? { runner: queue.runner, finished: (e) => queue.finish(e) } : {}) });
  });
  return cmd;
}

/** The engine settings of the regions bounds reads (a shard's part holds them). */
const BOUNDS_UNIT_SETTINGS = { certify: true, irredundant: true, keepCertificates: true, collectVertices: false, detail: "json" } as const;

/** Compute and print the bounds (the command, and `tessera merge` of its shards through a replay runner). */
export async function boundsReport(ctx: CliContext, input: Pick<CommandInput, "net" | "domain" | "maxRegions" | "timeoutMs">, flags: { readonly json?: boolean }, run: ReportRun): Promise<void> {
  const { net, domain, maxRegions, timeoutMs } = input;
  const r = await outputBounds(net, domain, { maxRegions, timeoutMs, workers: run.workers, ...(run.runner ? { runner: run.runner } : {}) });
  run.finished?.(r.enumeration);
  r.outputs.forEach((o, i) => {
    if (!attains(net, i, o.min) || !attains(net, i, o.max)) throw new InternalError(`analysis/bounds: output ${i}: an extreme failed its exact re-check`);
  });
  const side = (e: Extreme, s: "min" | "max"): Record<string, unknown> =>
    e.kind === "attained"
      ? { [s]: formatRational(e.value), [`arg${s}`]: e.point.map(formatRational) }
      : e.kind === "unbounded"
        ? { [s]: s === "max" ? "+inf" : "-inf", [`${s}Ray`]: e.ray.map(formatRational) }
        : { [s]: null };
  if (flags.json) {
    return printJson(ctx, {
      outputs: r.outputs.map((o) => ({ ...side(o.min, "min"), ...side(o.max, "max") })),
      complete: r.complete,
      regions: r.enumeration.regions,
      elapsedMs: Math.round(r.enumeration.elapsedMs),
    });
  }
  const lines = r.outputs.map((o, i) => {
    const at = (e: Extreme): string => (e.kind === "attained" ? ` at (${e.point.map((v) => formatReadable(v, ctx.exact)).join(", ")})` : "");
    return `Y_${i}  min ${valueText(o.min, "min", ctx.exact)}${at(o.min)}\n     max ${valueText(o.max, "max", ctx.exact)}${at(o.max)}`;
  });
  lines.push(`${r.enumeration.regions} regions${r.complete ? ", exact" : ` (incomplete: ${r.enumeration.status}; bounds over the regions seen)`}`);
  ctx.io.stdout(lines.join("\n") + "\n");
}

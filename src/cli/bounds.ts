// `tessera bounds NET [domain]`: the exact minimum and maximum of every output over the domain, each with a
// rational input that attains it (re-checked by an exact forward pass before printing).
import { Command } from "commander";
import { InternalError } from "../errors.js";
import { formatRational } from "../exact/rational.js";
import { attains, outputBounds, type Extreme } from "../analysis/bounds.js";
import { printJson, type CliContext } from "./context.js";
import { readCommandInput } from "./command-input.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { addQueueOptions, planQueue, type QueueFlags } from "./queue-options.js";
import { addDomainOptions, addLimitOptions, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { formatReadable } from "../exact/readable.js";

interface BoundsFlags extends NetworkFlags, DomainFlags, LimitFlags, WorkersFlags, QueueFlags {
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
  addWorkersOption(cmd);
  addQueueOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nThe regions of the domain are enumerated; on each the output is affine and its extremes are exact LPs.\n" +
      "With a limit hit the values are bounds over the regions seen (complete: false).\n\n" +
      "Examples:\n  $ tessera bounds test_small.onnx --box=-1:1\n  $ tessera bounds net.json --property spec.vnnlib --json\n  $ tessera bounds net.json --box=-1:1 --queue redis://127.0.0.1:6379\n",
  );
  addNetworkOptions(cmd).action(async (file: string, flags: BoundsFlags) => {
    const { net, domain, maxRegions, timeoutMs } = readCommandInput(ctx, file, flags);
    const settings = { certify: true, irredundant: true, keepCertificates: true, collectVertices: false, detail: "json" } as const;
    const queue = await planQueue(ctx, flags, { command: "bounds", net, file, domain, settings, unitsNeeded: false });
    const r = await outputBounds(net, domain, { maxRegions, timeoutMs, workers: workersFromFlags(flags), ...(queue ? { runner: queue.runner } : {}) });
    queue?.finish(r.enumeration);
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
  });
  return cmd;
}

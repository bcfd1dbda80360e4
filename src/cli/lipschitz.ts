// `tessera lipschitz NET [domain] --norm inf|1`: the exact Lipschitz constant on the domain (largest induced
// norm of a region's Jacobian), with the attaining region and an interior point.
import { Command } from "commander";
import { InputError } from "../errors.js";
import { formatRational, type Rational } from "../exact/rational.js";
import { formatPattern } from "../network/evaluate.js";
import { lipschitzConstant, type LipschitzNorm } from "../analysis/lipschitz.js";
import { printJson, type CliContext } from "./context.js";
import { readCommandInput, type CommandInput } from "./command-input.js";
import { addShardOption, runShard, type ReportRun, type UnitFlags } from "./work-units.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { addDomainOptions, addLimitOptions, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { formatReadable } from "../exact/readable.js";

interface LipschitzFlags extends NetworkFlags, DomainFlags, LimitFlags, WorkersFlags, UnitFlags {
  readonly norm: string;
  readonly json?: boolean;
}

export function lipschitzCommand(ctx: CliContext): Command {
  const cmd = new Command("lipschitz")
    .description("exact Lipschitz constant on a domain in the l-inf or l1 norm, with the attaining region and point")
    .argument("<network>", "network file (.onnx, .nnet, .json)")
    .option("--norm <norm>", "inf (max row sum of the Jacobian) or 1 (max column sum)", "inf")
    .option("--json", "print machine-readable JSON");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addWorkersOption(cmd);
  cmd.addHelpText(
    "after",
    "\nThe constant is max over the regions of the induced norm of the region's Jacobian (the same norm on inputs\n" +
      "and outputs); on a --line/--plane slice it is the constant of t -> f(x0 + U t).\n\n" +
      "Examples:\n  $ tessera lipschitz net.json --box=-1:1 --norm inf\n  $ tessera lipschitz net.onnx --property spec.vnnlib --norm 1 --json\n  $ tessera lipschitz net.json --box=-1:1 --shard 1/4 -o part-1.json   (then: tessera merge part-*.json)\n",
  );
  addShardOption(cmd);
  addNetworkOptions(cmd).action(async (file: string, flags: LipschitzFlags) => {
    if (flags.norm !== "inf" && flags.norm !== "1") throw new InputError("--norm", "", `${JSON.stringify(flags.norm)} is not a norm tessera computes (inf or 1)`);
    const input = readCommandInput(ctx, file, flags);
    const { net, domain, domainLabel, maxRegions, timeoutMs } = input;
    const workers = workersFromFlags(flags, process.env, net);
    if (await runShard(ctx, flags, { command: "lipschitz", net, file, domain, settings: LIPSCHITZ_UNIT_SETTINGS, options: { norm: flags.norm }, run: { domainLabel, maxRegions, timeoutMs, workers } })) return;
    await lipschitzReport(ctx, input, flags, { workers });
  });
  return cmd;
}

/** The engine settings of the regions lipschitz reads (a shard's part holds them). */
const LIPSCHITZ_UNIT_SETTINGS = { certify: true, irredundant: false, keepCertificates: true, collectVertices: false, detail: "json" } as const;

/** Compute and print the constant (the command, and `tessera merge` of its shards through a replay runner). */
export async function lipschitzReport(ctx: CliContext, input: Pick<CommandInput, "net" | "domain" | "maxRegions" | "timeoutMs">, flags: { readonly norm: string; readonly json?: boolean }, run: ReportRun): Promise<void> {
  const { net, domain, maxRegions, timeoutMs } = input;
  const r = await lipschitzConstant(net, domain, flags.norm as LipschitzNorm, { maxRegions, timeoutMs, workers: run.workers, ...(run.runner ? { runner: run.runner } : {}) });
  run.finished?.(r.enumeration);
  const region = r.region && {
    id: r.region.id,
    pattern: formatPattern(r.region.pattern),
    jacobian: r.region.jacobian.map((row) => row.map(formatRational)),
    point: r.region.point.map(formatRational),
  };
  if (flags.json) return printJson(ctx, { norm: r.norm, constant: formatRational(r.constant), region: region ?? null, complete: r.complete, regions: r.enumeration.regions });
  const readable = (v: Rational): string => formatReadable(v, ctx.exact);
  const lines = [`lipschitz  ${readable(r.constant)} (l-${r.norm} norm)${r.complete ? "" : ` — a lower bound (incomplete: ${r.enumeration.status})`}`];
  if (r.region) lines.push(`region     ${r.region.id} (pattern ${formatPattern(r.region.pattern)})`, `point      (${r.region.point.map(readable).join(", ")})`, `jacobian   [${r.region.jacobian.map((row) => row.map(readable).join(", ")).join("; ")}]`);
  lines.push(`regions    ${r.enumeration.regions}`);
  ctx.io.stdout(lines.join("\n") + "\n");
}

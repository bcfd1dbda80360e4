// `tessera neurons NET [domain] [--data FILE.csv]`: every neuron dead, always active, stable or unstable on the
// domain, each certified (exact bounds, witnesses, or the region enumeration); with --data, activity counts
// and the share of active neurons per row.
import { Command } from "commander";
import { InputError } from "../errors.js";
import { formatRational, notRationalMessage, tryParseRational, type Rational } from "../exact/rational.js";
import { readFileBytes } from "../formats/load.js";
import { inputSize } from "../network/ir.js";
import { classifyNeurons, dataActivity } from "../analysis/neurons.js";
import { printJson, type CliContext } from "./context.js";
import { readCommandInput, type CommandInput } from "./command-input.js";
import { addShardOption, runShard, type ReportRun, type UnitFlags } from "./work-units.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { addDomainOptions, addLimitOptions, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { formatReadable } from "../exact/readable.js";

interface NeuronsFlags extends NetworkFlags, DomainFlags, LimitFlags, WorkersFlags, UnitFlags {
  readonly data?: string;
  readonly json?: boolean;
}

/** Rows of n comma-separated rationals (`expected` says what they are); a first line that is not numeric is a header. */
export function readCsvRows(file: string, n: number, expected = `the network takes ${n} inputs`): Rational[][] {
  const lines = new TextDecoder().decode(readFileBytes(file)).split(/\r?\n/);
  const rows: Rational[][] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const cells = line.split(",");
    const values = cells.map((c) => tryParseRational(c));
    if (i === 0 && values.some((v) => v === undefined)) return;
    const bad = values.findIndex((v) => v === undefined);
    if (bad >= 0) throw new InputError(file, `line ${i + 1}, column ${bad + 1}`, notRationalMessage(cells[bad]!));
    if (values.length !== n) throw new InputError(file, `line ${i + 1}`, `has ${values.length} values, ${expected}`);
    rows.push(values as Rational[]);
  });
  if (rows.length === 0) throw new InputError(file, "", "has no data rows");
  return rows;
}

export function neuronsCommand(ctx: CliContext): Command {
  const cmd = new Command("neurons")
    .description("classify every neuron on a domain (dead, always active, stable, unstable), each certified")
    .argument("<network>", "network file (.onnx, .nnet, .json)")
    .option("--data <file>", "CSV of inputs (one row per input): activity counts and the share of active neurons per row")
    .option("--json", "print machine-readable JSON");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addWorkersOption(cmd);
  cmd.addHelpText(
    "after",
    "\nDead: never leaves its lowest piece (a ReLU that never fires). Always active: always on its highest piece\n" +
      "(it acts linearly). Unstable: witnesses on both sides. Proofs: exact pre-activation bounds on a box,\n" +
      "exactly evaluated witnesses, or the complete region enumeration.\n\n" +
      "Examples:\n  $ tessera neurons net.json --box=-1:1\n  $ tessera neurons net.onnx --box=0:1 --data inputs.csv --json\n  $ tessera neurons net.json --box=-1:1 --shard 3/4 -o part-3.json   (then: tessera merge part-*.json)\n",
  );
  addShardOption(cmd);
  addNetworkOptions(cmd).action(async (file: string, flags: NeuronsFlags) => {
    const input = readCommandInput(ctx, file, flags);
    const { net, domain, domainLabel, maxRegions, timeoutMs } = input;
    const workers = workersFromFlags(flags, process.env, net);
    if (flags.shard !== undefined && flags.data !== undefined) throw new InputError("--data", "", "cannot be combined with --shard (the data counts need no region enumeration: run `tessera neurons --data` on its own)");
    if (await runShard(ctx, flags, { command: "neurons", net, file, domain, settings: NEURONS_UNIT_SETTINGS, run: { domainLabel, maxRegions, timeoutMs, workers } })) return;
    await neuronsReport(ctx, input, flags, { workers });
  });
  return cmd;
}

/** The engine settings of the regions neurons reads when bounds and witnesses leave a neuron undecided (a shard's part holds them). */
const NEURONS_UNIT_SETTINGS = { certify: true, irredundant: false, keepCertificates: true, collectVertices: false, detail: "json" } as const;

/** Classify and print (the command, and `tessera merge` of its shards through a replay runner). */
export async function neuronsReport(ctx: CliContext, input: Pick<CommandInput, "net" | "domain" | "maxRegions" | "timeoutMs">, flags: { readonly data?: string; readonly json?: boolean }, run: ReportRun): Promise<void> {
  const { net, domain, maxRegions, timeoutMs } = input;
  const data = flags.data ? dataActivity(net, readCsvRows(flags.data, inputSize(net))) : undefined;
  const r = await classifyNeurons(net, domain, { maxRegions, timeoutMs, workers: run.workers, ...(run.runner ? { runner: run.runner } : {}) });
  // Many neurons share a witness (the box's centre, one sample): its coordinates are formatted once.
  const formatted = new Map<readonly Rational[], string[]>();
  const point = (x: readonly Rational[]): string[] => formatted.get(x) ?? (formatted.set(x, x.map(formatRational)), formatted.get(x)!);
  const neurons = r.neurons.map((n) => ({
    layer: n.layer,
    neuron: n.neuron,
    status: n.status,
    pieces: n.pieces,
    proof: n.proof,
    witnesses: n.witnesses.map((w) => ({ piece: w.piece, point: point(w.point) })),
    ...(n.preActivation ? { preActivation: { lo: formatRational(n.preActivation.lo), hi: formatRational(n.preActivation.hi) } } : {}),
    ...(data ? { activeOnData: data.activeCounts[n.layer]![n.neuron]! } : {}),
  }));
  const meanActiveShare = data && data.activeShare.reduce((s, v) => s.add(v), data.activeShare[0]!.mul(0)).div(data.rows);
  const dataOut = data && meanActiveShare && {
    rows: data.rows,
    deadOnData: data.deadOnData,
    activeShare: data.activeShare.map(formatRational),
    meanActiveShare: formatRational(meanActiveShare),
  };
  if (flags.json) return printJson(ctx, { neurons, counts: r.counts, complete: r.complete, ...(dataOut ? { data: dataOut } : {}) });
  const c = r.counts;
  const lines = [`neurons    ${r.neurons.length}: ${c.dead} dead, ${c["always-active"]} always active, ${c.stable} stable, ${c.unstable} unstable, ${c.undecided} undecided`];
  for (const n of r.neurons) {
    if (n.status === "unstable") continue;
    lines.push(`  layer ${n.layer} neuron ${n.neuron}: ${n.status} (proof: ${n.proof})`);
  }
  if (dataOut && meanActiveShare) lines.push(`data       ${dataOut.rows} rows; never active on the data: ${dataOut.deadOnData.length}; mean share of active neurons ${formatReadable(meanActiveShare, ctx.exact)}`);
  ctx.io.stdout(lines.join("\n") + "\n");
}

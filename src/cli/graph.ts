// `tessera graph NET [domain]`: the adjacency graph of the regions with flipped neurons, facet points and exact
// gradient jumps, as text, JSON (docs/formats/graph.md), GEXF, GraphML or DOT.
import { extname } from "node:path";
import { Command } from "commander";
import { InputError } from "../errors.js";
import type { Rational } from "../exact/rational.js";
import { describeDomain, domainToJson } from "../formats/domain.js";
import { graphToJson } from "../graph/to-json.js";
import { writeDot } from "../graph/write-dot.js";
import { writeGexf } from "../graph/write-gexf.js";
import { edgeText, writeGraphml } from "../graph/write-graphml.js";
import { inputSize, outputSize } from "../network/ir.js";
import { writeTextFile } from "./output-file.js";
import { printJson, type CliContext } from "./context.js";
import { addDomainOptions, addHFormLimitOption, addLimitOptions, type DomainFlags, type HFormLimitFlags, type LimitFlags } from "./domain-options.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { addQueueOptions, planQueue, type QueueFlags } from "./queue-options.js";
import { runRegionGraph } from "./graph-run.js";
import { readCommandInput, type CommandInput } from "./command-input.js";
import { addShardOption, runShard, type ReportRun, type UnitFlags } from "./work-units.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { formatReadable } from "../exact/readable.js";

const FORMATS = ["json", "gexf", "graphml", "dot"] as const;
export type GraphFormat = (typeof FORMATS)[number];
const EXTENSIONS: Record<string, GraphFormat> = { ".json": "json", ".gexf": "gexf", ".graphml": "graphml", ".dot": "dot", ".gv": "dot" };

interface GraphFlags extends NetworkFlags, DomainFlags, LimitFlags, HFormLimitFlags, WorkersFlags, QueueFlags, UnitFlags {
  readonly json?: boolean;
  readonly format?: string;
  readonly output?: string;
}

/** Build the graph and write it (the command, and `tessera merge` of its shards through a replay runner). */
export async function graphReport(ctx: CliContext, input: CommandInput, file: string, flags: { readonly format: GraphFormat | undefined; readonly output?: string }, workersOf: ReportRun): Promise<void> {
  const run = await runRegionGraph(ctx, input, true, workersOf.workers, workersOf.runner);
  workersOf.finished?.(run.enumeration);
  const format = flags.format;
  const { graph } = run.graph;
  let text: string;
  if (format === "json" || format === undefined) {
    const doc = {
      ...graphToJson(run.graph),
      network: { file, inputs: inputSize(input.net), outputs: outputSize(input.net) },
      domain: domainToJson(run.domain),
      status: run.enumeration.status,
      elapsedMs: Math.round((run.enumeration.elapsedMs + run.graphMs) * 10) / 10,
    };
    if (format === undefined) return printText(ctx, doc.counts, describeDomain(run.domain, ctx.exact), run);
    if (!flags.output) return printJson(ctx, doc);
    text = JSON.stringify(doc, null, 2) + "\n";
  } else text = format === "gexf" ? writeGexf(graph) : format === "graphml" ? writeGraphml(graph) : writeDot(graph);
  if (!flags.output) return ctx.io.stdout(text);
  writeTextFile(flags.output, text);
  ctx.io.stderr(`tessera: wrote ${graph.order} regions and ${graph.size} edges to ${flags.output} (${format})${run.graph.complete ? "" : " (complete: false)"}\n`);
}

/** The output format: --format, else --json, else the -o file's extension; undefined means human text. */
export function graphFormat(flags: { readonly json?: boolean; readonly format?: string; readonly output?: string }): GraphFormat | undefined {
  if (flags.format !== undefined) {
    const f = flags.format.trim().toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f)) throw new InputError("--format", "", `unknown format ${JSON.stringify(flags.format)} (known: ${FORMATS.join(", ")})`);
    if (flags.json && f !== "json") throw new InputError("--json", "", `cannot be combined with --format ${f}`);
    return f as GraphFormat;
  }
  if (flags.json) return "json";
  if (flags.output) return EXTENSIONS[extname(flags.output).toLowerCase()] ?? "json";
  return undefined;
}

/** The engine settings of the graph's regions (irredundant constraints and certificates, as `regions`). */
export const GRAPH_UNIT_SETTINGS = { certify: true, irredundant: true, keepCertificates: true, collectVertices: false, detail: "json" } as const;

export function graphCommand(ctx: CliContext): Command {
  const cmd = new Command("graph")
    .description("the graph of adjacent regions: flipped neurons, a point on each shared facet, exact gradient jumps")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--json", "print the graph as JSON (docs/formats/graph.md)")
    .option("--format <format>", `output format: ${FORMATS.join(", ")} (GEXF for Gephi, GraphML for Cytoscape, DOT for Graphviz)`)
    .option("-o, --output <file>", "write the graph to a file (format from --format, else from the extension); with --shard: the part file");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addHFormLimitOption(cmd);
  addWorkersOption(cmd);
  addQueueOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nEdges point from the side where the flipped neuron has the lower piece (ReLU: inactive → active); the jump is\n" +
      "J_target − J_source. Nodes carry their linear piece (adjacent regions with exactly equal affine maps).\n\n" +
      "Examples:\n  $ tessera graph fixtures/seed-three-neurons.json\n  $ tessera graph net.json --box=-1:1 --json\n" +
      "  $ tessera graph net.json --plane \"0,0,0;1,0,0;0,1,0\" --format gexf -o regions.gexf\n" +
      "  $ tessera graph net.json --box=-1:1 --json --queue redis://127.0.0.1:6379   (regions found by `tessera worker` processes)\n" +
      "  $ tessera graph net.json --box=-1:1 --shard 2/4 -o part-2.json   (then: tessera merge part-*.json --json)\n",
  );
  addShardOption(cmd, false);
  addNetworkOptions(cmd).action(async (file: string, flags: GraphFlags) => {
    const input = readCommandInput(ctx, file, flags, { hform: true });
    const { net, domain, domainLabel, maxRegions, timeoutMs } = input;
    const workers = workersFromFlags(flags, process.env, net);
    if (await runShard(ctx, flags, { command: "graph", net, file, domain, settings: GRAPH_UNIT_SETTINGS, ownOutput: true, run: { domainLabel, maxRegions, timeoutMs, workers } })) return;
    const format = graphFormat(flags);
    const queue = await planQueue(ctx, flags, { command: "graph", net, file, domain, settings: GRAPH_UNIT_SETTINGS, unitsNeeded: false });
    await graphReport(ctx, input, file, { ...flags, format }, { workers, ...(queue ? { runner: queue.runner, finished: (e) => queue.finish(e) } : {}) });
  });
  return cmd;
}

function printText(
  ctx: CliContext,
  counts: { regions: number; edges: number; linearPieces: number },
  domain: string,
  run: Awaited<ReturnType<typeof runRegionGraph>>,
): void {
  const incomplete = run.graph.complete ? "" : ` (incomplete: ${run.enumeration.status})`;
  const lines = [
    `regions        ${counts.regions}${incomplete}`,
    `edges          ${counts.edges}`,
    `linear pieces  ${counts.linearPieces}`,
    `domain         ${domain}`,
    "",
    "source -> target  neurons  point  jump",
  ];
  run.graph.graph.forEachEdge((_key, attrs, source, target) => {
    const f = (v: Rational): string => formatReadable(v, ctx.exact);
    const jump = attrs.jump.map((row) => row.map(f).join(",")).join(";");
    lines.push(`${source} -> ${target}  ${edgeText(attrs).neurons}  (${attrs.point!.map(f).join(", ")})  [${jump}]${attrs.sameMap ? "  (same map)" : ""}`);
  });
  ctx.io.stdout(lines.join("\n") + "\n");
}

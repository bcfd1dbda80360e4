// `tessera regions NET [domain]`: every linear region with its exact map, constraints, witness and the
// split-tree certificate, as a region map (JSON, or NDJSON with --ndjson), streamed as regions are found.
import { openTextFile } from "./output-file.js";
import { Command } from "commander";
import { formatReadable } from "../exact/readable.js";
import { parseWrittenRational } from "../exact/rational.js";
import { RegionMapWriter, mapDigest, regionMapHeader, type RegionJson } from "../regions/region-map.js";
import type { UnitSettings } from "../regions/unit-runner.js";
import type { CliContext } from "./context.js";
import { addDomainOptions, addHFormLimitOption, addLimitOptions, type DomainFlags, type HFormLimitFlags, type LimitFlags } from "./domain-options.js";
import { afterSearch, runEnumeration } from "./enumeration-run.js";
import { LinearPieceTracker } from "../graph/piece-tracker.js";
import { addNetworkOptions, type NetworkFlags } from "./network-options.js";
import { describeDomain } from "../formats/domain.js";
import { affineText, mapVariables } from "./affine-text.js";
import { readCommandInput } from "./command-input.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";
import { addUnitOptions, planUnits, type UnitFlags } from "./work-units.js";
import { addQueueOptions, planQueue, type QueueFlags } from "./queue-options.js";

interface RegionsFlags extends NetworkFlags, DomainFlags, LimitFlags, HFormLimitFlags, WorkersFlags, UnitFlags, QueueFlags {
  readonly json?: boolean;
  readonly output?: string;
  readonly ndjson?: boolean;
  readonly vertices?: boolean;
  readonly certify: boolean;
}


export function regionsCommand(ctx: CliContext): Command {
  const cmd = new Command("regions")
    .description("list every linear region: exact affine map, irredundant constraints, witness, certificate")
    .argument("<network>", "network file (.json tessera network, .onnx, .nnet)")
    .option("--json", "print the region map as JSON on standard output")
    .option("-o, --output <file>", "write the region map (JSON, or NDJSON with --ndjson) to a file")
    .option("--ndjson", "region map as NDJSON: a header line, one region a line, a closing line")
    .option("--vertices", "exact vertices of bounded regions (inputs or slice of dimension ≤ 3)")
    .option("--no-certify", "benchmark only: decide with floats, no exact certificates (the map cannot be checked)");
  addDomainOptions(cmd);
  addLimitOptions(cmd);
  addHFormLimitOption(cmd);
  addWorkersOption(cmd);
  addUnitOptions(cmd);
  addQueueOptions(cmd);
  cmd.addHelpText(
    "after",
    "\nThe map is documented in docs/formats/region-map.md; `tessera check MAP NET` re-verifies it.\n\n" +
      "Examples:\n  $ tessera regions fixtures/seed-three-neurons.json --json\n  $ tessera regions net.json --box=-1:1 --vertices -o map.json\n  $ tessera regions net.json --plane \"0,0,0;1,0,0;0,1,0\" --ndjson -o map.ndjson\n  $ tessera regions wide.json --box=-1:1 --max-regions 1 --max-hform-entries 16777216 --timeout 600   (H-forms in many dimensions)\n  $ tessera regions net.json --shard 3/8 -o part-3.json   (then: tessera merge part-*.json -o map.json)\n  $ TESSERA_QUEUE=redis://:PASSWORD@redis:6379 tessera regions net.json -o map.json --queue\n",
  );
  addNetworkOptions(cmd).action(async (file: string, flags: RegionsFlags) => {
    const { net, domain, domainLabel, maxRegions, timeoutMs } = readCommandInput(ctx, file, flags, { hform: true });
    const workers = workersFromFlags(flags, process.env, net);
    const settings: UnitSettings = { certify: flags.certify, irredundant: true, keepCertificates: true, collectVertices: Boolean(flags.vertices), detail: "json" };
    const plan = planUnits(flags, { command: "regions", net, file, domain, settings, warn: (line) => ctx.io.stderr(line) });
    const queue = await planQueue(ctx, flags, { command: "regions", net, file, domain, settings, unitsNeeded: plan.unitsNeeded });
    const run = { domain, domainLabel, maxRegions, timeoutMs, ...settings, workers, ...plan.run, ...(queue ? { runner: queue.runner } : {}) };
    if (plan.shard) {
      // A shard writes its part (-o) for `tessera merge`, not a map.
      const result = await runEnumeration(ctx, net, { ...run, onRegionJson: () => undefined });
      plan.finish(result, workers);
      ctx.io.stderr(`tessera: shard ${plan.shard.index}/${plan.shard.count}: ${result.regions} regions written to ${flags.output}${result.complete ? "" : " (complete: false)"}\n`);
      return;
    }
    const machine = Boolean(flags.json || flags.output || flags.ndjson);
    const sink = flags.output ? openTextFile(flags.output) : { write: (t: string) => ctx.io.stdout(t), close: () => undefined, discard: () => undefined };
    try {
      let onRegionJson: (r: RegionJson) => void;
      let writer: RegionMapWriter | undefined;
      // Linear pieces (src/graph/piece-tracker.ts): a JSON map holds its regions until the end to give each its
      // "piece"; NDJSON streams them and lists the pieces by region id in its closing line.
      const pieces = new LinearPieceTracker();
      const held: RegionJson[] = [];
      const track = (r: RegionJson): void => pieces.addKey(r.id, r.pattern, mapDigest(r.map));
      if (machine) {
        writer = new RegionMapWriter(sink.write, flags.ndjson ? "ndjson" : "json", regionMapHeader(net, domain, file));
        onRegionJson = (r) => (track(r), flags.ndjson ? writer!.entry(r) : void held.push(r));
      } else {
        ctx.io.stdout(`domain ${describeDomain(domain, ctx.exact)}\n`);
        const variables = mapVariables(domain, net.nodes[0]!.size);
        onRegionJson = (r) => (track(r), ctx.io.stdout(`${r.id}\t${r.pattern}\t${r.bounded ? "bounded" : "unbounded"}\t${r.constraints.length} constraints\twitness (${r.witness.map((v) => formatReadable(parseWrittenRational(v), ctx.exact)).join(", ")})\t${affineText(r.map, variables, ctx.exact)}\n`));
      }
      const result = await runEnumeration(ctx, net, { ...run, onRegionJson });
      if (plan.unitsNeeded) afterSearch(ctx, "writing the checkpoint", () => plan.finish(result, workers));
      queue?.finish(result);
      // Without the piece count, the map is written without pieces and marked complete: false, status "failed".
      const finished = afterSearch(ctx, "counting linear pieces", () => pieces.finish(result.domain.network, result.domain.polyhedron));
      const [pieceOf, linearPieces] = finished ?? [[], undefined];
      const ended = finished ? result : { ...result, complete: false, status: "failed" as const };
      for (const r of held) writer!.entry(r, pieceOf[r.id]);
      if (writer) writer.end(ended, linearPieces === undefined ? undefined : { count: linearPieces, ...(flags.ndjson ? { ofId: pieceOf } : {}) }, result.parallel);
      else ctx.io.stdout(`${result.regions} regions, ${linearPieces ?? "(not counted)"} linear pieces${ended.complete ? "" : ` (incomplete: ${ended.status})`}\n`);
      sink.close();
      if (flags.output) ctx.io.stderr(`tessera: wrote ${result.regions} regions to ${flags.output}${result.complete ? "" : " (complete: false)"}\n`);
    } catch (error) {
      sink.discard();
      throw error;
    }
  });
  return cmd;
}

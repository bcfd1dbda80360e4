// `tessera merge PART... [-o OUT] [--json]`: the part files of `count --shard i/N` or `regions --shard i/N`
// joined into exactly what one run prints: regions in tree order with ids renumbered globally, bounding boxes
// renumbered, linear pieces counted over the whole map (a merged region map passes `tessera check`). Parts
// must come from one network, domain, tessera version and shard count; a missing shard gives the result
// marked "complete": false with "missingShards" (exit 0).
import { Command } from "commander";
import { InputError } from "../errors.js";
import { resolveDomain } from "../geometry/domain.js";
import { describeDomain, domainFromJson } from "../formats/domain.js";
import { readFileBytes } from "../formats/load.js";
import { readNetworkJson } from "../formats/network-json.js";
import { LinearPieceTracker } from "../graph/piece-tracker.js";
import { activationNodeIds } from "../network/ir.js";
import { arithmeticOf, type EnumerationResult } from "../regions/enumerate.js";
import { PART_FORMAT, gapsIn, readPart, segmentFromJson, type PartDoc } from "../regions/part-file.js";
import { RegionMapWriter, mapDigest, regionMapHeader, type RegionJson } from "../regions/region-map.js";
import { UnitLedger, isKey } from "../regions/unit-ledger.js";
import { newLpStats } from "../geometry/lp.js";
import { unitFromJson, type WorkUnit } from "../regions/work-unit.js";
import { printJson, type CliContext } from "./context.js";
import { openTextFile } from "./output-file.js";
import { replayRunner } from "../regions/replay.js";
import type { CommandInput } from "./command-input.js";
import type { ReportRun } from "./work-units.js";
import { boundsReport } from "./bounds.js";
import { lipschitzReport } from "./lipschitz.js";
import { neuronsReport } from "./neurons.js";
import { graphFormat, graphReport } from "./graph.js";
import { jumpsReport } from "./jumps.js";

interface MergeFlags {
  readonly json?: boolean;
  readonly output?: string;
  readonly format?: string;
}

/** The answer of a command built on the region enumeration, computed from the merged regions by its own report. */
async function mergeReport(ctx: CliContext, part: PartDoc, input: CommandInput, flags: MergeFlags, run: ReportRun): Promise<void> {
  if (flags.output !== undefined && part.command !== "graph") throw new InputError("-o", "", `writes a region map or a graph; merge prints the answer of ${part.command} (use --json)`);
  if (flags.format !== undefined && part.command !== "graph") throw new InputError("--format", "", `is the format of a merged graph, not of ${part.command}`);
  switch (part.command) {
    case "bounds":
      return boundsReport(ctx, input, flags, run);
    case "lipschitz":
      return lipschitzReport(ctx, input, { norm: part.options?.norm ?? "inf", ...(flags.json ? { json: true } : {}) }, run);
    case "neurons":
      return neuronsReport(ctx, input, flags.json ? { json: true } : {}, run);
    case "graph":
      return graphReport(ctx, input, part.network.file ?? "", { format: graphFormat(flags), ...(flags.output ? { output: flags.output } : {}) }, run);
    case "jumps":
      return jumpsReport(ctx, input, flags, run);
    default:
      throw new InputError("command", "", `${part.command} parts are merged as region maps`);
  }
}

/** The fields every part of one run shares, each with how to name it in an error. */
const SAME: [keyof PartDoc, string, (d: PartDoc) => unknown][] = [
  ["network", "is another network", (d) => d.network.sha256],
  ["domain", "is another domain", (d) => JSON.stringify(d.domain)],
  ["tessera", "is another tessera version", (d) => d.tessera],
  ["command", "is another command", (d) => d.command],
  ["settings", "are other engine settings", (d) => JSON.stringify(d.settings)],
];

/** Read the parts and check that they belong together; the shard indices that are missing. */
function readParts(files: readonly string[]): { parts: PartDoc[]; missing: number[] } {
  const parts = files.map((file) => readPart(new TextDecoder().decode(readFileBytes(file)), file, PART_FORMAT));
  const first = parts[0]!;
  const seen = new Map<number, string>();
  parts.forEach((part, k) => {
    const file = files[k]!;
    if (!part.shard) throw new InputError(file, "shard", "is missing: not the part of a sharded run");
    for (const [field, what, value] of SAME) {
      if (value(part) !== value(first)) throw new InputError(file, field, `${what} than in ${files[0]} (${JSON.stringify(value(part))} vs ${JSON.stringify(value(first))}); parts of different runs cannot be merged`);
    }
    if (part.shard.count !== first.shard!.count) throw new InputError(file, "shard.count", `is ${part.shard.count} but ${files[0]} was cut into ${first.shard!.count} shards`);
    const other = seen.get(part.shard.index);
    if (other !== undefined) throw new InputError(file, "shard.index", `shard ${part.shard.index}/${part.shard.count} is also ${other}: a shard given twice`);
    seen.set(part.shard.index, file);
  });
  const missing: number[] = [];
  for (let i = 1; i <= first.shard!.count; i++) if (!seen.has(i)) missing.push(i);
  return { parts, missing };
}

export function mergeCommand(ctx: CliContext): Command {
  return new Command("merge")
    .description("join the part files of a sharded run (count, regions, bounds, lipschitz, neurons, graph, jumps) into one run's answer")
    .argument("<parts...>", "part files written by `COMMAND --shard i/N -o PART`")
    .option("--json", "print machine-readable JSON (a region map for regions parts)")
    .option("-o, --output <file>", "write the result (a region map for regions parts, the graph for graph parts) to a file")
    .option("--format <format>", "graph parts: the graph's format (json, gexf, graphml, dot), as `tessera graph --format`")
    .addHelpText(
      "after",
      "\nSee docs/scale.md for Slurm job arrays, Kubernetes Indexed Jobs and GNU parallel.\n\n" +
        "Examples:\n  $ for i in 1 2 3 4; do tessera count net.onnx --shard $i/4 -o part-$i.json; done\n  $ tessera merge part-*.json --json\n" +
        "  $ tessera regions net.json --shard 1/2 -o a.json && tessera regions net.json --shard 2/2 -o b.json\n  $ tessera merge a.json b.json -o map.json && tessera check map.json net.json\n" +
        "  $ tessera bounds net.json --box=-1:1 --shard 1/2 -o b1.json && tessera bounds net.json --box=-1:1 --shard 2/2 -o b2.json\n  $ tessera merge b1.json b2.json --json   (what `tessera bounds net.json --box=-1:1 --json` prints)\n",
    )
    .action(async (files: string[], flags: MergeFlags) => {
      const { parts, missing } = readParts(files);
      const first = parts[0]!;
      const net = readNetworkJson(JSON.stringify(first.networkJson), `${files[0]}: networkJson`);
      const domain = domainFromJson(first.domain, files[0]!);
      const resolved = resolveDomain(net, domain);
      const segments = parts.flatMap((p) => p.segments.map(segmentFromJson));
      const open = parts.flatMap((p, k) => p.open.map((u, i) => unitFromJson(u, files[k]!, `open[${i}]`)));
      // Missing shards and open units leave gaps in the tree: the answer is then a lower bound.
      const gaps = gapsIn([...segments, ...open] as WorkUnit[], files.join(", "));
      const complete = gaps.length === 0 && open.length === 0;
      const status = complete ? "complete" : parts.find((p) => !p.complete)?.status ?? "incomplete";
      if (first.command !== "count" && first.command !== "regions") {
        if (!complete) ctx.io.stderr(`tessera: merged ${parts.length} of ${first.shard!.count} shards${missing.length ? ` (missing: ${missing.join(", ")})` : ""}${open.length ? `, ${open.length} units left open` : ""}; the result says complete: false\n`);
        const stopped = (["max-regions", "timeout", "interrupted"] as const).find((s) => s === status) ?? "interrupted";
        const run = { workers: 1, runner: replayRunner(segments, [...gaps, ...open], stopped) };
        return mergeReport(ctx, first, { net, domain, domainLabel: files[0]!, maxRegions: Infinity, timeoutMs: Infinity }, flags, run);
      }
      const pieces = new LinearPieceTracker();
      const held: RegionJson[] = [];
      const ledger = new UnitLedger((item, id) => {
        if (isKey(item)) pieces.addKey(id, item.pattern, item.digest);
        else {
          pieces.addKey(id, item.pattern, mapDigest(item.map));
          held.push(item);
        }
      }, false);
      segments.forEach((s, i) => ledger.add(i, s, s));
      ledger.drain();
      const [pieceOf, linearPieces] = pieces.finish(resolved.network, resolved.polyhedron);
      const neurons = activationNodeIds(resolved.network).reduce((s, id) => s + resolved.network.nodes[id]!.size, 0);
      const stats = { workers: Math.max(...parts.map((p) => p.stats.workers)), units: parts.reduce((s, p) => s + p.stats.units, 0), donations: parts.reduce((s, p) => s + p.stats.donations, 0) };
      const shards = { count: first.shard!.count, merged: parts.length, ...(missing.length ? { missingShards: missing } : {}) };
      const result: EnumerationResult = {
        status: status as EnumerationResult["status"],
        complete,
        regions: ledger.regions,
        neurons,
        elapsedMs: parts.reduce((s, p) => s + p.stats.elapsedMs, 0),
        domain: resolved,
        arithmetic: arithmeticOf(resolved),
        certified: first.settings.certify,
        stats: { decisions: ledger.decisions, splits: ledger.splits, lp: newLpStats(), depth: 0, neurons },
      };
      if (!complete) ctx.io.stderr(`tessera: merged ${parts.length} of ${first.shard!.count} shards${missing.length ? ` (missing: ${missing.join(", ")})` : ""}${open.length ? `, ${open.length} units left open` : ""}; the result says complete: false\n`);
      if (first.command === "regions" && (flags.json || flags.output)) {
        const sink = flags.output ? openTextFile(flags.output, "-o") : { write: (t: string) => ctx.io.stdout(t), close: () => undefined, discard: () => undefined };
        try {
          const header = { ...regionMapHeader(net, domain, first.network.file), domain: first.domain };
          const writer = new RegionMapWriter(sink.write, "json", header);
          for (const r of held) writer.entry(r, pieceOf[r.id]);
          writer.end(result, { count: linearPieces }, stats, missing.length ? missing : undefined);
          sink.close();
        } catch (error) {
          sink.discard();
          throw error;
        }
        return;
      }
      const out = {
        regions: result.regions,
        linearPieces,
        complete,
        status,
        ...shards,
        domain: first.domain,
        elapsedMs: result.elapsedMs,
        certified: result.certified,
        neurons,
        arithmetic: result.arithmetic,
        stats: { decisions: result.stats.decisions, splits: result.stats.splits, ...stats },
      };
      if (flags.json) return printJson(ctx, out);
      const lines = [
        `regions   ${result.regions}${complete ? "" : ` (incomplete: ${status}; at least this many)`}`,
        `pieces    ${linearPieces} linear pieces (adjacent regions with equal affine maps merged)`,
        `shards    ${parts.length} of ${first.shard!.count} merged${missing.length ? `; missing: ${missing.join(", ")}` : ""}`,
        `domain    ${describeDomain(domain, ctx.exact)}`,
        `neurons   ${neurons}`,
      ];
      ctx.io.stdout(lines.join("\n") + "\n");
    });
}

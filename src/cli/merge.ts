// `tessera merge PART... [-o OUT] [--json]`: the part files of `count --shard i/N` or `regions --shard i/N`
// joined into exactly what one run prints: regions in tree order with ids renumbered globally, bounding boxes
// renumbered, linear pieces counted over the whole map (a merged region map passes `tessera check`). Parts
// must come from one network, domain, tessera version and shard count; a missing shard gives the result
// marked "complete": false with "missingShards" (exit 0). Parts of `verify --shard` give verify's verdict
// (src/analysis/verify-shard.ts), printed and with exit codes as `verify`'s.
import { Command } from "commander";
import { InputError } from "../errors.js";
import { resolveDomain } from "../geometry/domain.js";
import { describeDomain, domainFromJson } from "../formats/domain.js";
import { networkSha256, readNetworkJson } from "../formats/network-json.js";
import { mergeVerifyShards } from "../analysis/verify-shard.js";
import { readVerifyPart, type VerifyPartDoc } from "./verify-part.js";
import { reportVerify } from "./verify.js";
import { LinearPieceTracker } from "../graph/piece-tracker.js";
import { activationNodeIds } from "../network/ir.js";
import { arithmeticOf, type EnumerationResult } from "../regions/enumerate.js";
import { PART_FORMAT, gapsIn, parsePartText, readPartFile, readPartJson, segmentFromJson, type PartDoc } from "../regions/part-file.js";
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
  readonly certificate?: string;
  readonly resultFile?: string;
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
const SAME: [string, string, (d: PartDoc) => unknown][] = [
  ["network", "is another network", (d) => d.network.sha256],
  ["domain", "is another domain", (d) => JSON.stringify(d.domain)],
  ["tessera", "is another tessera version", (d) => d.tessera],
  ["command", "is another command", (d) => d.command],
  ["settings", "are other engine settings", (d) => JSON.stringify(d.settings)],
];

/** What every verify part of one run shares. */
const SAME_VERIFY: [string, string, (d: VerifyPartDoc) => unknown][] = [
  ["network", "is another network", (d) => d.network.sha256],
  ["property", "is another property", (d) => d.property.sha256],
  ["tessera", "is another tessera version", (d) => d.tessera],
  ["settings", "are other verify settings", (d) => JSON.stringify(d.settings)],
];

/** Check that the parts belong together (the `same` fields, one shard count, each shard once); the missing shard indices. */
function checkTogether<D extends { readonly shard?: { readonly index: number; readonly count: number } }>(parts: readonly D[], files: readonly string[], same: readonly (readonly [string, string, (d: D) => unknown])[]): number[] {
  const first = parts[0]!;
  const seen = new Map<number, string>();
  parts.forEach((part, k) => {
    const file = files[k]!;
    if (!part.shard) throw new InputError(file, "shard", "is missing: not the part of a sharded run");
    for (const [field, what, value] of same) {
      if (value(part) !== value(first)) throw new InputError(file, field, `${what} than in ${files[0]} (${JSON.stringify(value(part))} vs ${JSON.stringify(value(first))}); parts of different runs cannot be merged`);
    }
    if (part.shard.count !== first.shard!.count) throw new InputError(file, "shard.count", `is ${part.shard.count} but ${files[0]} was cut into ${first.shard!.count} shards`);
    const other = seen.get(part.shard.index);
    if (other !== undefined) throw new InputError(file, "shard.index", `shard ${part.shard.index}/${part.shard.count} is also ${other}: a shard given twice`);
    seen.set(part.shard.index, file);
  });
  const missing: number[] = [];
  for (let i = 1; i <= first.shard!.count; i++) if (!seen.has(i)) missing.push(i);
  return missing;
}

const commandOf = (json: unknown): unknown => (typeof json === "object" && json !== null ? (json as { command?: unknown }).command : undefined);

/** The verdict of `verify --shard` parts, printed as `verify` prints it (exit codes 0 holds, 10 violated, 20 unknown). */
function mergeVerify(ctx: CliContext, files: readonly string[], jsons: readonly unknown[], flags: MergeFlags): void {
  if (flags.output !== undefined) throw new InputError("-o", "", "writes a region map or a graph; the merge of verify parts writes its certificate with --certificate FILE");
  if (flags.format !== undefined) throw new InputError("--format", "", "is the format of a merged graph, not of verify parts");
  const read = jsons.map((json, k) => readVerifyPart(json, files[k]!));
  const docs = read.map((r) => r.doc);
  const missing = checkTogether(docs, files, SAME_VERIFY);
  const first = docs[0]!;
  const net = readNetworkJson(JSON.stringify(first.networkJson), `${files[0]}: networkJson`);
  if (networkSha256(net) !== first.network.sha256) throw new InputError(files[0]!, "networkJson", "does not hash to network.sha256: the part was altered");
  const count = first.shard.count;
  const merged = mergeVerifyShards(net, read[0]!.problem, read.map((r, k) => ({ file: files[k]!, index: r.doc.shard.index, shard: r.shard })), count, {
    certificate: flags.certificate !== undefined,
    files: { ...(first.network.file !== undefined ? { network: first.network.file } : {}), ...(first.property.file !== undefined ? { property: first.property.file } : {}) },
  });
  if (!merged.complete) ctx.io.stderr(`tessera: merged ${docs.length} of ${count} shards${missing.length ? ` (missing: ${missing.join(", ")})` : ""}${docs.some((d) => !d.complete) ? "; a shard was stopped by a limit" : ""}; the result says complete: false\n`);
  const input = { file: first.network.file ?? files[0]!, property: first.property.file ?? "(the property embedded in the parts)", net, problem: read[0]!.problem };
  reportVerify(ctx, merged.outcome, input, flags, { complete: merged.complete, shards: { count, merged: docs.length }, ...(missing.length ? { missingShards: missing } : {}) });
}

/** Read the parts and check that they belong together; the shard indices that are missing. */
function readParts(files: readonly string[], jsons: readonly unknown[]): { parts: PartDoc[]; missing: number[] } {
  const parts = jsons.map((json, k) => readPartJson(json, files[k]!, PART_FORMAT));
  return { parts, missing: checkTogether(parts, files, SAME) };
}

export function mergeCommand(ctx: CliContext): Command {
  return new Command("merge")
    .description("join the part files of a sharded run (count, regions, bounds, lipschitz, neurons, graph, jumps, verify) into one run's answer")
    .argument("<parts...>", "part files written by `COMMAND --shard i/N -o PART`")
    .option("--json", "print machine-readable JSON (a region map for regions parts)")
    .option("-o, --output <file>", "write the result (a region map for regions parts, the graph for graph parts) to a file")
    .option("--format <format>", "graph parts: the graph's format (json, gexf, graphml, dot), as `tessera graph --format`")
    .option("--certificate <file>", "verify parts: write the holds certificate (for `tessera check`), as `tessera verify --certificate`")
    .option("--result-file <file>", "verify parts: write the VNN-COMP result, as `tessera verify --result-file`")
    .addHelpText(
      "after",
      "\nSee docs/scale.md for Slurm job arrays, Kubernetes Indexed Jobs and GNU parallel.\n\n" +
        "Examples:\n  $ for i in 1 2 3 4; do tessera count net.onnx --shard $i/4 -o part-$i.json; done\n  $ tessera merge part-*.json --json\n" +
        "  $ tessera regions net.json --shard 1/2 -o a.json && tessera regions net.json --shard 2/2 -o b.json\n  $ tessera merge a.json b.json -o map.json && tessera check map.json net.json\n" +
        "  $ tessera bounds net.json --box=-1:1 --shard 1/2 -o b1.json && tessera bounds net.json --box=-1:1 --shard 2/2 -o b2.json\n  $ tessera merge b1.json b2.json --json   (what `tessera bounds net.json --box=-1:1 --json` prints)\n" +
        "  $ for i in 1 2 3; do tessera verify net.onnx --property p.vnnlib --shard $i/3 -o v-$i.json; done\n  $ tessera merge v-*.json --certificate cert.json   (verify's verdict and exit code: 0 holds, 10 violated, 20 unknown)\n",
    )
    .action(async (files: string[], flags: MergeFlags) => {
      const jsons = files.map((file) => parsePartText(readPartFile(file), file));
      // Parts of verify and of the region commands hold different things: a mix is refused before either reader.
      const other = jsons.findIndex((json) => (commandOf(json) === "verify") !== (commandOf(jsons[0]) === "verify"));
      if (other > 0) throw new InputError(files[other]!, "command", `is another command (${JSON.stringify(commandOf(jsons[other]))}) than in ${files[0]} (${JSON.stringify(commandOf(jsons[0]))}); parts of different runs cannot be merged`);
      if (commandOf(jsons[0]) === "verify") return mergeVerify(ctx, files, jsons, flags);
      for (const flag of ["certificate", "resultFile"] as const) {
        if (flags[flag] !== undefined) throw new InputError(flag === "certificate" ? "--certificate" : "--result-file", "", "is for the merge of verify parts");
      }
      const { parts, missing } = readParts(files, jsons);
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

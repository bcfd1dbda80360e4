// The work-unit flags of `count` and `regions` (docs/scale.md): --shard i/N (a deterministic share of the
// tree, written as a part file for `tessera merge`), --checkpoint FILE (the finished segments and the open
// units, rewritten atomically every few seconds) and --resume FILE (continue a checkpoint after a kill).
import type { Command } from "commander";
import { InputError, errorLine } from "../errors.js";
import { domainToJson } from "../formats/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { networkSha256, networkToJson } from "../formats/network-json.js";
import { inputSize, outputSize, type Network } from "../network/ir.js";
import { CHECKPOINT_FORMAT, PART_FORMAT, PART_VERSION, partJsonChunks, readPart, readPartFile, segmentFromJson, segmentToJson, type PartCommand, type PartDoc } from "../regions/part-file.js";
import type { RunResult, RunOptions } from "../regions/run.js";
import type { EnumerationResult } from "../regions/enumerate.js";
import { shardUnits } from "../regions/shards.js";
import type { LedgerSnapshot } from "../regions/unit-ledger.js";
import { UnitEngine, type UnitSettings } from "../regions/unit-runner.js";
import { WORK_UNIT_VERSION, unitFromJson, unitToJson, type WorkUnit } from "../regions/work-unit.js";
import { openTextFile } from "./output-file.js";
import { parsePositiveSeconds } from "./parse.js";
import { packageVersion } from "./version.js";
import type { CliContext } from "./context.js";
import { runEnumeration, type RunSettings } from "./enumeration-run.js";

export interface UnitFlags {
  readonly shard?: string;
  readonly checkpoint?: string;
  readonly checkpointEvery?: string;
  readonly resume?: string;
  readonly output?: string;
}

export function addUnitOptions(cmd: Command): Command {
  return cmd
    .option("--shard <i/N>", "run shard i of N (1 ≤ i ≤ N) and write a part file with -o, for `tessera merge`")
    .option("--checkpoint <file>", "save the run's state to this file every few seconds (atomically), for --resume")
    .option("--checkpoint-every <seconds>", "seconds between checkpoints (default 5)")
    .option("--resume <file>", "continue the run saved in this checkpoint (same network, domain and flags)");
}

/** "i/N" with 1 ≤ i ≤ N, as vitest --shard. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError("--shard", "", `${JSON.stringify(text)} is not of the form i/N (e.g. 2/8)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new InputError("--shard", "", `${JSON.stringify(text)}: the number of shards N must be at least 1`);
  if (index < 1 || index > count) throw new InputError("--shard", "", `${JSON.stringify(text)}: the shard index i must be between 1 and N = ${count}`);
  return { index, count };
}

/** What the flags ask of a run: the units to run and joined segments, checkpoint writes, and what to do at the end. */
export interface UnitPlan {
  readonly run: Pick<RunOptions, "units" | "segments" | "checkpoint" | "retain">;
  /** True when the run must go through work units even on one thread. */
  readonly unitsNeeded: boolean;
  readonly shard?: { index: number; count: number };
  /** After the run: write the part file or the last checkpoint. */
  finish(result: RunResult, workers: number): void;
}

interface PlanInput {
  readonly command: PartCommand;
  readonly net: Network;
  readonly file: string;
  readonly domain: DomainSpec;
  readonly settings: UnitSettings;
  /** The command's own flags that change its answer (written into parts for `tessera merge`). */
  readonly options?: Record<string, string>;
  /** Where a warning during the run goes (a checkpoint that could not be written). */
  readonly warn?: (line: string) => void;
}

/** Write a part or checkpoint streamed (part-file.ts, partJsonChunks): no single string of the whole document. */
function writePart(file: string, doc: PartDoc, flag: string): void {
  const out = openTextFile(file, flag);
  try {
    for (const piece of partJsonChunks(doc)) out.write(piece);
    out.close();
  } catch (error) {
    out.discard();
    throw error;
  }
}

export function planUnits(flags: UnitFlags, input: PlanInput): UnitPlan {
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  if (shard && (flags.checkpoint || flags.resume)) throw new InputError("--shard", "", "cannot be combined with --checkpoint or --resume (checkpoint a whole run, or rerun the shard)");
  if (shard && !flags.output) throw new InputError("--shard", "", "needs -o PART: the file the shard's part is written to");
  const everyMs = flags.checkpointEvery !== undefined ? parsePositiveSeconds(flags.checkpointEvery, "--checkpoint-every") * 1000 : 5000;
  if (flags.checkpointEvery !== undefined && !flags.checkpoint) throw new InputError("--checkpoint-every", "", "needs --checkpoint FILE");
  const start = performance.now();
  const doc = (format: PartDoc["format"], units: readonly WorkUnit[], snapshot: LedgerSnapshot, complete: boolean, status: string, stats: Omit<PartDoc["stats"], "elapsedMs">): PartDoc => ({
    format,
    version: PART_VERSION,
    workUnitVersion: WORK_UNIT_VERSION,
    tessera: packageVersion(),
    command: input.command,
    ...(shard ? { shard } : {}),
    ...(input.options ? { options: input.options } : {}),
    network: { sha256: networkSha256(input.net), inputs: inputSize(input.net), outputs: outputSize(input.net), file: input.file },
    networkJson: networkToJson(input.net),
    domain: domainToJson(input.domain),
    settings: input.settings,
    complete,
    status,
    units: units.map(unitToJson),
    open: snapshot.open.map(unitToJson),
    segments: snapshot.segments.map(segmentToJson),
    stats: { ...stats, elapsedMs: Math.round(performance.now() - start) },
  });
  let units: WorkUnit[] | undefined;
  let segments: RunOptions["segments"];
  let resumed: PartDoc | undefined;
  if (shard) {
    const engine = new UnitEngine(input.net, input.domain, input.settings);
    units = shardUnits(engine, shard.index, shard.count);
  } else if (flags.resume) {
    resumed = readCheckpoint(flags.resume, input);
    units = resumed.open.map((u, i) => unitFromJson(u, flags.resume!, `open[${i}]`));
    segments = resumed.segments.map(segmentFromJson);
  }
  const rootUnits: WorkUnit[] = [{ start: [] }];
  const checkpointFile = flags.checkpoint;
  let checkpointFailed = false;
  return {
    unitsNeeded: Boolean(shard || flags.checkpoint || flags.resume),
    ...(shard ? { shard } : {}),
    run: {
      retain: Boolean(shard || checkpointFile),
      ...(units ? { units } : {}),
      ...(segments ? { segments } : {}),
      ...(checkpointFile
        ? {
            checkpoint: {
              everyMs,
              // A checkpoint that cannot be written (a full disk) does not stop the run: it is said once, and the
              // previous checkpoint stays in place (written under a temporary name, renamed when whole).
              write: (snapshot: LedgerSnapshot) => {
                try {
                  writePart(checkpointFile, doc(CHECKPOINT_FORMAT, rootUnits, snapshot, false, "running", { workers: 0, units: 0, donations: 0 }), "--checkpoint");
                } catch (error) {
                  if (checkpointFailed) return;
                  checkpointFailed = true;
                  input.warn?.(`tessera: the checkpoint could not be written; the run goes on (the previous checkpoint, if any, stays). ${errorLine(error)}\n`);
                }
              },
            },
          }
        : {}),
    },
    finish: (result, workers) => {
      const snapshot = result.snapshot!;
      const stats = { workers, units: result.parallel.units, donations: result.parallel.donations };
      const complete = snapshot.open.length === 0;
      if (shard) writePart(flags.output!, doc(PART_FORMAT, units!, snapshot, complete, complete ? "complete" : result.status, stats), "-o");
      if (checkpointFile) writePart(checkpointFile, doc(CHECKPOINT_FORMAT, rootUnits, snapshot, complete, complete ? "complete" : result.status, stats), "--checkpoint");
    },
  };
}

/** How a command's report runs its enumeration: threads here, or another runner (the queue; merge's replay of parts). */
export interface ReportRun {
  readonly workers: number;
  readonly runner?: RunOptions["runner"];
  /** Called with the enumeration's result before the report is printed (the queue's summary). */
  readonly finished?: (result: EnumerationResult) => void;
}

/** `--shard i/N -o PART` alone: the option of the commands built on the region enumeration (bounds, lipschitz, ...). */
export function addShardOption(cmd: Command, output = true): Command {
  cmd.option("--shard <i/N>", "run shard i of N (1 ≤ i ≤ N) of the region enumeration and write a part file with -o, for `tessera merge`");
  return output ? cmd.option("-o, --output <file>", "with --shard: the part file to write") : cmd;
}

/**
 * A shard of a command: its share of the region enumeration, run with the command's engine settings and written
 * as a part file (region map entries); `tessera merge` then computes the command's answer from all the parts.
 * False (nothing done) without --shard.
 */
export async function runShard(
  ctx: CliContext,
  flags: UnitFlags,
  input: PlanInput & { readonly run: Omit<RunSettings, "domain" | "certify" | "irredundant" | "collectVertices">; readonly ownOutput?: boolean },
): Promise<boolean> {
  if (flags.shard === undefined) {
    if (flags.output !== undefined && !input.ownOutput) throw new InputError("-o", "", `is the part file of --shard; ${input.command} prints its answer (use --json)`);
    return false;
  }
  const plan = planUnits(flags, input);
  const shard = plan.shard!;
  const result = await runEnumeration(ctx, input.net, { ...input.run, domain: input.domain, ...input.settings, ...plan.run, onRegionJson: () => undefined });
  plan.finish(result, input.run.workers ?? 1);
  ctx.io.stderr(`tessera: shard ${shard.index}/${shard.count}: ${result.regions} regions written to ${flags.output}${result.complete ? "" : " (complete: false)"}\n`);
  return true;
}

/** A checkpoint to resume: of this network, this domain, this command and these settings. */
function readCheckpoint(file: string, input: PlanInput): PartDoc {
  const doc = readPart(readPartFile(file), file, CHECKPOINT_FORMAT);
  if (doc.network.sha256 !== networkSha256(input.net)) throw new InputError(file, "network.sha256", `is the checkpoint of another network (${doc.network.file ?? "unnamed"}), not of ${input.file}`);
  if (JSON.stringify(doc.domain) !== JSON.stringify(domainToJson(input.domain))) throw new InputError(file, "domain", "is another domain than the one these flags give");
  if (doc.command !== input.command) throw new InputError(file, "command", `is a checkpoint of \`${doc.command}\`, not of \`${input.command}\``);
  if (JSON.stringify(doc.settings) !== JSON.stringify(input.settings)) throw new InputError(file, "settings", "were other engine settings (--no-certify, --vertices) than these flags give");
  return doc;
}

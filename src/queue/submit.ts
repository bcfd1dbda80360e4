// The submitting side of a queued run (`count|regions NET --queue URL`, docs/distributed.md): it stores the
// network (keyed by its canonical hash) and the run's settings in Redis, puts the root unit on the BullMQ
// queue, and joins the workers' answers in tree order with the same ledger the threads use, so the output is
// exactly a local run's. It alone decides which units exist: a worker's answer is accepted once per unit
// (keyed by the unit's start path; a unit run twice after a stall or a lost message never counts twice),
// only when its parts tile the unit exactly, and its open units are enqueued here. Limits, SIGINT and a
// failed unit cancel the remaining units; a finished or cancelled run deletes its keys.
import type { Redis } from "ioredis";
import { TesseraError } from "../errors.js";
import { domainToJson } from "../formats/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { newLpStats } from "../geometry/lp.js";
import type { Network } from "../network/ir.js";
import { segmentFromJson } from "../regions/part-file.js";
import type { PoolOptions, PoolResult } from "../regions/pool.js";
import type { UnitRunner } from "../regions/run.js";
import type { EnumerationStatus } from "../regions/types.js";
import { UnitLedger } from "../regions/unit-ledger.js";
import { UnitEngine, type UnitItem } from "../regions/unit-runner.js";
import { cutTree } from "../regions/shards.js";
import { WORK_UNIT_VERSION, pathKey, unitFromJson, unitToJson, type WorkUnit } from "../regions/work-unit.js";
import { jobId, readResult, type RunInfo } from "./protocol.js";
import { QueueSession, type PendingJob } from "./session.js";

export interface QueueRunConfig {
  readonly url: string;
  /** Where the URL came from, for messages (--queue or TESSERA_QUEUE). */
  readonly from: string;
  /** Default: a random UUID. */
  readonly runId?: string;
  readonly version: string;
  readonly command: string;
  readonly budget: RunInfo["budget"];
  /** How often the run's state in Redis is checked (lost jobs re-enqueued, a lost run detected). */
  readonly watchMs?: number;
  /** Each region as it is joined in tree order, before the command sees it (--check-parts); not the regions after a gap of a run cut short. */
  readonly check?: (item: UnitItem, id: number) => void;
  /** Called once with the error when the run fails (a unit refused or failed): the output is then incomplete. */
  readonly onFailure: (error: TesseraError) => void;
  /** Informational: how the run went (units, results, duplicates, worker CPU). */
  readonly onStats?: (stats: QueueStats) => void;
}

export interface QueueStats {
  readonly runId: string;
  readonly units: number;
  readonly duplicates: number;
  readonly workerCpuMs: number;
  readonly workers: string[];
}

/** Units the top of the tree is cut into before the run starts. */
export const INITIAL_UNITS = 8;

/** A UnitRunner (regions/run.ts) whose units run on `tessera worker` processes through Redis. */
export function queueRunner(client: Redis, config: QueueRunConfig): UnitRunner {
  return async (net: Network, domain: DomainSpec | undefined, options: PoolOptions): Promise<PoolResult> => {
    const start = performance.now();
    const info = (sha: string): RunInfo => ({
      format: "tessera-queue-run",
      tessera: config.version,
      workUnitVersion: WORK_UNIT_VERSION,
      command: config.command,
      network: sha,
      domain: domain ? domainToJson(domain) : null,
      settings: options.settings,
      budget: config.budget,
    });
    const session = await QueueSession.open(client, config, net, info);
    const runId = session.runId;
    const maxRegions = options.maxRegions ?? Infinity;
    let joining = true;
    const ledger = new UnitLedger((item, id) => {
      if (joining) config.check?.(item, id);
      options.onItem(item, id);
    }, options.retain === true);
    /** Units enqueued and not answered yet, by start path. */
    const pending = new Map<string, PendingJob & { id: number; unit: WorkUnit }>();
    let nextId = 0;
    let units = 0;
    let duplicates = 0;
    let workerCpuMs = 0;
    const workers = new Set<string>();
    let stopReason: EnumerationStatus | undefined;
    let failure: TesseraError | undefined;
    const stop = (reason: EnumerationStatus): void => void (stopReason ??= reason);
    const fail = (error: TesseraError): void => {
      failure ??= error;
      stop("failed");
    };
    const enqueue = async (list: readonly { id: number; unit: WorkUnit }[]): Promise<void> => {
      const jobs = list.map(({ id, unit }) => {
        const entry = { id, unit, job: jobId(runId, unit.start), data: { run: runId, tessera: config.version, workUnitVersion: WORK_UNIT_VERSION, unit: unitToJson(unit) } };
        pending.set(pathKey(unit.start), entry);
        units++;
        return entry;
      });
      await session.enqueue(jobs);
    };
    const timers: NodeJS.Timeout[] = [];
    const onAbort = (): void => stop("interrupted");
    try {
      for (const s of options.segments ?? []) ledger.add(nextId++, s, s);
      // The top of the tree is cut into a few units at once (as shards cut it), so that every worker has work
      // from the start. Putting the root alone on the queue, for the first worker to split for the others
      // after 30 ms, saved this cut (0.1-0.2 CPU s) but gave units of very unequal size (the waiting subtrees
      // along one path: half the tree, a quarter, …), and the workers of ACAS Xu 1_1 used more CPU in 7 of 9
      // runs side by side (docs/performance.md, "Distributed runs").
      const top = options.units ?? cutTree(new UnitEngine(net, domain, options.settings), INITIAL_UNITS);
      const roots = top.map((unit) => ({ id: nextId++, unit }));
      for (const r of roots) ledger.add(r.id, r.unit);
      ledger.flush();
      options.signal?.addEventListener("abort", onAbort);
      if (options.signal?.aborted) stop("interrupted");
      if (maxRegions <= 0) stop("max-regions");
      if (Number.isFinite(options.timeoutMs ?? Infinity)) timers.push(setTimeout(() => stop("timeout"), options.timeoutMs));
      if (options.onProgress) {
        timers.push(setInterval(() => options.onProgress!({ regions: ledger.regions, elapsedMs: performance.now() - start, depth: 0, neurons: 0 }), options.progressIntervalMs ?? 100));
      }
      await enqueue(roots);
      const watchMs = config.watchMs ?? 2000;
      let lastWatch = performance.now();
      const unitOf = (path: readonly number[]): WorkUnit | undefined => pending.get(pathKey(path))?.unit;
      while (!stopReason && pending.size > 0) {
        const text = await session.next(0.5);
        if (text !== null) {
          let read: ReturnType<typeof readResult>;
          try {
            read = readResult(text, unitOf, options.settings.detail);
          } catch (error) {
            fail(error instanceof TesseraError ? error : new TesseraError(String(error)));
            break;
          }
          const { result, unit } = read;
          workers.add(result.worker);
          const entry = result.start ? pending.get(pathKey(result.start)) : undefined;
          if (!result.ok) {
            // An error about a unit of this run that is still pending stops the run; others were answered already.
            if (entry || !result.start) fail(new TesseraError(`queue: ${result.error}`));
            continue;
          }
          if (!entry || !unit) {
            duplicates++;
            continue;
          }
          pending.delete(pathKey(unit.start));
          workerCpuMs += result.cpuMs;
          const finished = result.segments.map((s) => ({ id: nextId++, unit: unitFromJson({ start: s.start, end: s.end }, "queue result", "segment"), finished: segmentFromJson(s) }));
          const open = result.open.map((u) => ({ id: nextId++, unit: unitFromJson(u, "queue result", "open") }));
          // The open units first: a worker may be waiting for them while the finished regions are joined.
          await enqueue(open);
          ledger.replace(entry.id, [...finished, ...open]);
          if (ledger.regions >= maxRegions) stop("max-regions");
        }
        if (performance.now() - lastWatch >= watchMs && !stopReason) {
          lastWatch = performance.now();
          const lost = await session.watch([...pending.values()], (p) => pathKey(p.unit.start));
          if (lost) fail(lost);
        }
      }
    } catch (error) {
      if (error instanceof TesseraError) fail(error);
      else fail(new TesseraError(`queue: ${(error as Error).message}`));
    } finally {
      for (const t of timers) clearInterval(t);
      options.signal?.removeEventListener("abort", onAbort);
      await session.close([...pending.values()].map((p) => p.job));
    }
    if (failure) config.onFailure(failure);

    joining = false;
    const totals = ledger.totals(stopReason, failure !== undefined);
    config.onStats?.({ runId, units, duplicates, workerCpuMs, workers: [...workers].sort() });
    return {
      ...totals,
      lp: newLpStats(),
      elapsedMs: performance.now() - start,
      workers: workers.size,
      units,
      donations: 0,
      threadCpuMs: [],
    };
  };
}

// `tessera worker` (docs/distributed.md): a long-lived process that takes work units from the Redis queue
// (BullMQ), runs each with the work-unit engine (in this thread, or on its own worker threads), and pushes
// the finished segments and the still-open units back to the run that enqueued it. A unit that runs past the
// run's budget (seconds or decisions) gives away its waiting subtrees nearest the root and stops: its open
// frontier goes back to the submitter as new units (Marabou's divide and conquer). A unit the worker cannot
// run (another tessera version, a network it cannot read, a corrupted payload) is refused with an error
// that reaches the submitter; the worker goes on with the next unit. SIGTERM: the running unit is finished
// (its budget bounds how long that takes), then the worker leaves.
import { hostname } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { TesseraError } from "../errors.js";
import { domainFromJson } from "../formats/domain.js";
import { networkSha256, readNetworkJson } from "../formats/network-json.js";
import type { Network } from "../network/ir.js";
import { segmentToJson, type SegmentJson } from "../regions/part-file.js";
import { runPool } from "../regions/pool.js";
import { UnitEngine, type UnitItem } from "../regions/unit-runner.js";
import { WORK_UNIT_VERSION, comparePaths, pathKey, unitFromJson, unitToJson, type WorkUnit, type WorkUnitJson } from "../regions/work-unit.js";
import { newClient } from "./connection.js";
import { QUEUE_NAME, QUEUE_PREFIX, RUN_ID, networkKey, resultsKey, runKey, type RunInfo, type UnitResult } from "./protocol.js";

export interface QueueWorkerOptions {
  readonly url: string;
  /** This tessera's version: units of runs submitted by another version are refused. */
  readonly version: string;
  /** Worker threads per unit (1: this thread). */
  readonly threads: number;
  /** BullMQ lock duration: a unit whose worker stops renewing its lock this long is run again by another worker. */
  readonly lockMs: number;
  /** Units of different runs this process runs at once (BullMQ concurrency; default 1). */
  readonly concurrency?: number;
  readonly name?: string;
  readonly log: (line: string) => void;
  /** Aborting it closes the worker gracefully (the running unit finishes first). */
  readonly signal: AbortSignal;
}

/** A unit past its budget splits into at most this many units (its waiting subtrees nearest the root, then the rest). */
export const SPLIT_INTO = 8;

/** Push a message to a run's results, only while the run exists (a cancelled run gets nothing more). */
const PUSH_IF_RUN = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) return 1 else return 0 end`;

interface Ready {
  readonly info: RunInfo;
  readonly engine: UnitEngine;
  readonly net: Network;
}

/** What a unit became: its finished part(s) and the units still open (they tile the unit). */
interface UnitAnswer {
  readonly segments: SegmentJson[];
  readonly open: WorkUnitJson[];
}

/**
 * Run `unit` in this thread until it ends or its budget is spent; then split the open frontier. The budget is
 * CPU time of this process (not wall time: on a loaded machine a wall-clock budget would cut units too small),
 * but a unit also stops after `maxWallMs` (a third of the lock), since its job's lock cannot be renewed while
 * it runs: a longer unit would be taken for a dead worker's and run twice.
 */
export function runUnitInThread(engine: UnitEngine, unit: WorkUnit, budget: RunInfo["budget"], maxWallMs: number): UnitAnswer {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const budgetMicros = budget.seconds * 1e6;
  const cpuMicros = (): number => {
    const used = process.cpuUsage(cpu0);
    return used.user + used.system;
  };
  let decisions = 0;
  let over = false;
  let dry = false;
  const given: WorkUnit[] = [];
  const items: UnitItem[] = [];
  const boxes = new Map<number, string>();
  const outcome = engine.run(unit, {
    poll: () => {
      decisions++;
      // The CPU clock is read every 32 decisions (a system call each time would cost more than a cheap decision).
      // Also stop after maxWallMs of wall time: the unit runs synchronously, so BullMQ cannot renew its lock meanwhile.
      if (!over) over = (budget.decisions !== null && decisions >= budget.decisions) || (decisions % 32 === 0 && (cpuMicros() >= budgetMicros || performance.now() - t0 >= maxWallMs));
      if (!over) return undefined;
      return !dry && given.length < SPLIT_INTO - 1 ? "donate" : "stop";
    },
    item: (item) => void items.push(item),
    box: (id, key) => void boxes.set(id, key),
    donated: (u) => (u ? void given.push(u) : void (dry = true)),
    cursor: () => undefined,
  });
  let end = given.length > 0 ? given[given.length - 1]!.start : unit.end;
  const open: WorkUnit[] = [...given];
  // A unit stopped where it would have ended anyway has nothing left.
  if (outcome.rest && (end === undefined || comparePaths(outcome.rest.path, end) < 0)) {
    open.push({ start: outcome.rest.path, ...(end ? { end } : {}) });
    end = outcome.rest.path;
  }
  const segment = segmentToJson({ start: unit.start, ...(end ? { end } : {}), items, boxes, decisions: outcome.decisions, splits: outcome.splits });
  return { segments: [segment], open: open.map(unitToJson) };
}

/**
 * Run `unit` on `threads` worker threads (nnenum-style balance inside) until it ends or its budget is spent.
 * The budget (wall time here) starts with the first region, so the threads' start-up never eats it whole
 * and every unit makes progress.
 */
async function runUnitOnThreads(ready: Ready, unit: WorkUnit, threads: number): Promise<UnitAnswer> {
  const { info, net } = ready;
  const budget = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const pool = await runPool(net, info.domain ? domainFromJson(info.domain, "<run domain>") : undefined, {
      workers: threads,
      settings: info.settings,
      units: [unit],
      retain: true,
      signal: budget.signal,
      onItem: () => void (timer ??= setTimeout(() => budget.abort(), info.budget.seconds * 1000)),
    });
    const empty = (u: WorkUnit): boolean => u.end !== undefined && comparePaths(u.start, u.end) >= 0;
    return { segments: pool.snapshot.segments.filter((s) => !empty(s)).map(segmentToJson), open: pool.snapshot.open.filter((u) => !empty(u)).map(unitToJson) };
  } finally {
    clearTimeout(timer);
  }
}

/** Start a worker; resolves when it has closed (after the signal, with its running unit finished). */
export async function runQueueWorker(options: QueueWorkerOptions, client: Redis): Promise<void> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const networks = new Map<string, Network>();
  const engines = new Map<string, Ready>();
  const runs = new Map<string, RunInfo>();

  const push = async (run: string, message: UnitResult): Promise<void> => {
    await client.eval(PUSH_IF_RUN, 2, runKey(run), resultsKey(run), JSON.stringify(message));
  };

  /** The run's settings and an engine for its network and domain (cached); undefined when the run is over. */
  const prepare = async (run: string): Promise<Ready | undefined> => {
    let info = runs.get(run);
    if (!info) {
      const text = await client.get(runKey(run));
      if (text === null) return undefined;
      info = JSON.parse(text) as RunInfo;
      if (info.tessera !== options.version) throw new TesseraError(`this worker runs tessera ${options.version}, the run was submitted by tessera ${info.tessera}: start workers of that version`);
      if (info.workUnitVersion !== WORK_UNIT_VERSION) throw new TesseraError(`this worker reads work-unit format ${WORK_UNIT_VERSION}, the run uses format ${info.workUnitVersion}`);
      if (runs.size > 100) runs.clear();
      runs.set(run, info);
    }
    const key = `${info.network} ${JSON.stringify(info.domain)} ${JSON.stringify(info.settings)}`;
    const cached = engines.get(key);
    if (cached) return { ...cached, info };
    let net = networks.get(info.network);
    if (!net) {
      const text = await client.get(networkKey(info.network));
      if (text === null) throw new TesseraError(`network ${info.network.slice(0, 12)}… is not stored in Redis (the run was cancelled, or Redis lost its data)`);
      net = readNetworkJson(text, `network ${info.network.slice(0, 12)}… from Redis`);
      if (networkSha256(net) !== info.network) throw new TesseraError(`network ${info.network.slice(0, 12)}… from Redis does not have that hash (a corrupted or replaced network)`);
      if (networks.size > 4) networks.clear();
      networks.set(info.network, net);
    }
    const engine = new UnitEngine(net, info.domain ? domainFromJson(info.domain, "<run domain>") : undefined, info.settings);
    const ready = { info, engine, net };
    if (engines.size > 4) engines.clear();
    engines.set(key, ready);
    return ready;
  };

  const processor = async (job: Job): Promise<string> => {
    const data = job.data as Record<string, unknown> | null;
    const run = typeof data?.run === "string" && RUN_ID.test(data.run) ? data.run : undefined;
    let start: number[] | null = null;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      if (!run) throw new TesseraError(`job ${job.id}: its payload names no run (a corrupted queue entry)`);
      if (data!.tessera !== options.version) throw new TesseraError(`this worker runs tessera ${options.version}, the unit was queued by tessera ${String(data!.tessera)}: start workers of that version`);
      const unit = unitFromJson(data!.unit, `job ${job.id}`, "unit");
      start = [...unit.start];
      const ready = await prepare(run);
      if (!ready) return "the run is over (finished or cancelled)";
      const answer = options.threads > 1 ? await runUnitOnThreads(ready, unit, options.threads) : runUnitInThread(ready.engine, unit, ready.info.budget, options.lockMs / 3);
      const cpu = process.cpuUsage(cpu0);
      await push(run, { ok: true, start, worker: name, ...answer, cpuMs: (cpu.user + cpu.system) / 1000, elapsedMs: performance.now() - t0 });
      return `${answer.segments.reduce((s, seg) => s + seg.regions.length, 0)} regions, ${answer.open.length} units handed back`;
    } catch (error) {
      const message = `worker ${name}: work unit ${start ? pathKey(start) : "?"} of run ${run ?? "?"}: ${(error as Error).message}`;
      options.log(`tessera worker: ${message}\n`);
      if (run) await push(run, { ok: false, start, worker: name, error: message }).catch(() => undefined);
      // Failed, not retried: the submitter decides what happens to the run.
      throw new UnrecoverableError(message);
    }
  };

  // BullMQ does not close a connection it was given: it is disconnected after the worker closed.
  const connection = newClient(options.url);
  const worker = new Worker(QUEUE_NAME, processor, {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    // A unit whose worker died is run again (twice more at most, then it fails and the submitter stops the run).
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on("error", (error) => options.log(`tessera worker: ${error.message}\n`));
  let units = 0;
  let cpuAtStart = process.cpuUsage();
  worker.on("completed", () => void units++);
  worker.on("failed", () => void units++);
  const closed = new Promise<void>((resolve) => {
    const close = (): void => {
      options.log(`tessera worker ${name}: closing (the running unit is finished first)\n`);
      void worker
        .close()
        .catch(() => undefined)
        .then(() => connection.disconnect())
        .then(() => {
          const cpu = process.cpuUsage(cpuAtStart);
          options.log(`tessera worker ${name}: closed after ${units} units; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s since it began waiting\n`);
          resolve();
        });
    };
    if (options.signal.aborted) close();
    else options.signal.addEventListener("abort", close, { once: true });
  });
  cpuAtStart = process.cpuUsage();
  options.log(`tessera worker ${name}: waiting for work units (${options.threads} thread${options.threads > 1 ? "s" : ""} per unit)\n`);
  void worker.run();
  await closed;
}

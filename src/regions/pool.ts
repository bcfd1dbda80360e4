// Work units on worker threads (docs/scale.md): one long-lived thread per worker, a queue of units, and
// nnenum's balancing: when a thread is idle and the queue is empty, a busy thread is asked to donate the rest
// of its interval after its shallowest waiting node (the subtrees nearest the root), which goes to the idle
// thread. node:worker_threads directly, not a pool library: the threads hold a network for the whole run and
// talk both ways during a unit (donations, cursors, stop), which task pools (piscina, tinypool) do not model.
// A thread that throws or dies stops the run with an error: the answer never silently misses a subtree.
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { InternalError, UsageError } from "../errors.js";
import { domainToJson } from "../formats/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { newLpStats, type LpStats } from "../geometry/lp.js";
import { writeNetworkJson } from "../formats/network-json.js";
import type { Network } from "../network/ir.js";
import { EmptyDomainError } from "./enumerate.js";
import { askDonations, startThreads, threadScript } from "./thread-script.js";
import type { EnumerationProgress } from "./options.js";
import { POOL_FLAG, type FromWorker } from "./pool-protocol.js";
import type { EnumerationStatus } from "./types.js";
import { UnitLedger, type LedgerSnapshot, type Segment } from "./unit-ledger.js";
import type { UnitItem, UnitSettings } from "./unit-runner.js";
import { ROOT_UNIT, pathKey, unitFromJson, unitToJson, type WorkUnit } from "./work-unit.js";

export interface PoolOptions {
  readonly workers: number;
  readonly settings: UnitSettings;
  /** Units to run (default: the whole tree). */
  readonly units?: readonly WorkUnit[];
  /** Finished segments (a resumed checkpoint): their regions come first in their place in tree order. */
  readonly segments?: readonly Segment[];
  /** Give idle threads work donated by busy ones (default true). */
  readonly balance?: boolean;
  readonly maxRegions?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Every region in tree order with its final id. */
  readonly onItem: (item: UnitItem, id: number) => void;
  readonly onProgress?: (progress: EnumerationProgress) => void;
  readonly progressIntervalMs?: number;
  /** Keep every region's item after it was emitted (the final snapshot then holds them: part files). */
  readonly retain?: boolean;
  /** Called every `everyMs` with the finished segments and the open frontier (checkpoints). */
  readonly checkpoint?: { readonly everyMs: number; readonly write: (snapshot: LedgerSnapshot) => void };
}

export interface PoolResult {
  readonly status: EnumerationStatus;
  readonly complete: boolean;
  readonly regions: number;
  readonly decisions: number;
  readonly splits: number;
  readonly lp: LpStats;
  readonly elapsedMs: number;
  readonly workers: number;
  /** Units run (the initial ones and every donation). */
  readonly units: number;
  /** Donations made. */
  readonly donations: number;
  /** CPU milliseconds of each thread (Linux; NaN elsewhere): for benchmarks of the balance. */
  readonly threadCpuMs: number[];
  /** What is finished and what is still open (open is empty exactly when complete). */
  readonly snapshot: LedgerSnapshot;
}

/**
 * The number of cores this process may use: os.availableParallelism(), capped by a cgroup v2 CPU quota
 * (/sys/fs/cgroup/cpu.max, "quota period", as a Kubernetes CPU limit sets it), at least 1.
 */
export function usableCores(cpuMax = "/sys/fs/cgroup/cpu.max"): number {
  let cores = availableParallelism();
  try {
    const [quota, period] = readFileSync(cpuMax, "utf8").trim().split(/\s+/);
    if (quota !== undefined && quota !== "max" && Number(period) > 0) cores = Math.min(cores, Math.max(1, Math.floor(Number(quota) / Number(period))));
  } catch {
    // no cgroup v2 quota file: no quota
  }
  return Math.max(1, cores);
}

function addLp(total: LpStats, part: LpStats): void {
  for (const key of Object.keys(total) as (keyof LpStats)[]) total[key] += part[key];
}

interface Slot {
  readonly worker: Worker;
  readonly index: number;
  unit?: number;
  /** A donation was asked and not answered yet. */
  asked: boolean;
  /** Last time its donation request came back empty (do not ask again at once). */
  dryAt: number;
  cpuMs: number;
}

/** Run work units on `options.workers` threads until every unit is done or a limit stops them. */
export async function runPool(net: Network, domain: DomainSpec | undefined, options: PoolOptions): Promise<PoolResult> {
  const n = options.workers;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`regions/pool: workers must be a positive integer, not ${n}`);
  const start = performance.now();
  const network = writeNetworkJson(net);
  const flags = new Int32Array(new SharedArrayBuffer(4 * (POOL_FLAG.firstSlot + n)));
  const script = await threadScript(import.meta.url, "worker-thread");
  const ledger = new UnitLedger(options.onItem, options.retain === true || options.checkpoint !== undefined);
  const lp = newLpStats();
  const queue: { id: number; unit: WorkUnit }[] = [];
  let nextId = 0;
  let donations = 0;
  for (const s of options.segments ?? []) ledger.add(nextId++, s, s);
  for (const unit of options.units ?? [ROOT_UNIT]) {
    const id = nextId++;
    ledger.add(id, unit);
    queue.push({ id, unit });
  }
  ledger.flush();
  const unitsOf = new Map<number, WorkUnit>(queue.map((q) => [q.id, q.unit]));
  const maxRegions = options.maxRegions ?? Infinity;
  const balance = options.balance ?? true;
  let stopReason: EnumerationStatus | undefined;
  let failure: Error | undefined;
  let finishRun: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finishRun = resolve));
  const slots: Slot[] = [];

  const stop = (reason: EnumerationStatus): void => {
    if (stopReason || failure) return;
    stopReason = reason;
    Atomics.store(flags, POOL_FLAG.stop, 1);
    queue.length = 0;
    settle();
  };
  const fail = (error: Error): void => {
    if (failure) return;
    failure = error;
    Atomics.store(flags, POOL_FLAG.stop, 1);
    finishRun();
  };
  const settle = (): void => {
    if (failure) return;
    for (const slot of slots) {
      if (slot.unit !== undefined || queue.length === 0) continue;
      const next = queue.shift()!;
      slot.unit = next.id;
      slot.asked = false;
      slot.worker.postMessage({ type: "unit", id: next.id, unit: unitToJson(next.unit) });
    }
    const busy = slots.filter((s) => s.unit !== undefined);
    if (busy.length === 0 && queue.length === 0) return finishRun();
    // Idle threads and nothing queued: ask busy threads for their subtrees nearest the root.
    if (!balance || stopReason) return;
    askDonations(slots, flags, POOL_FLAG.firstSlot, POOL_FLAG.donate);
  };

  const onMessage = (slot: Slot, message: FromWorker): void => {
    if (failure) return;
    switch (message.type) {
      case "items":
        ledger.items(message.id, message.items, message.boxes);
        if (ledger.regions >= maxRegions) stop("max-regions");
        return;
      case "cursor":
        ledger.cursor(message.id, message.cursor.path, message.cursor.decisions, message.cursor.splits);
        return;
      case "donated": {
        slot.asked = false;
        if (message.unit) {
          const unit = unitFromJson(message.unit, "<worker donation>", "unit");
          const id = nextId++;
          donations++;
          unitsOf.set(id, unit);
          ledger.donated(message.id, id, unit);
          if (!stopReason) queue.push({ id, unit });
        } else slot.dryAt = performance.now();
        settle();
        return;
      }
      case "done":
        addLp(lp, message.outcome.lp);
        slot.cpuMs = message.outcome.threadCpuMs;
        ledger.finish(message.id, message.outcome.decisions, message.outcome.splits, message.outcome.rest ? { id: nextId++, start: message.outcome.rest.path } : undefined);
        slot.unit = undefined;
        slot.asked = false;
        settle();
        return;
      case "error": {
        const unit = unitsOf.get(message.id);
        const where = unit ? `work unit ${pathKey(unit.start)}` : "start-up";
        if (message.name === "EmptyDomainError") fail(new EmptyDomainError(message.message));
        else if (message.name === "UsageError" || message.name === "InputError") fail(new UsageError(message.message));
        else fail(new InternalError(`regions/pool: worker thread ${slot.index + 1} failed in ${where}: ${message.message}; the run is stopped (its answer would miss that subtree)`));
      }
    }
  };

  const workers = startThreads<FromWorker>(script, n, (index) => ({ network, domain: domain ? domainToJson(domain) : null, settings: options.settings, flags: flags.buffer, slot: index }), {
    message: (index, m) => onMessage(slots[index]!, m),
    failed: (index, error, inHandler) => fail(inHandler ? error : new InternalError(`regions/pool: worker thread ${index + 1} failed: ${error.message}; the run is stopped (its answer would miss a subtree)`)),
    exited: (index, code) => {
      const slot = slots[index]!;
      if (!failure && slot.unit !== undefined) fail(new InternalError(`regions/pool: worker thread ${index + 1} exited (code ${code}) in the middle of work unit ${pathKey(unitsOf.get(slot.unit)?.start ?? [])}; the run is stopped (its answer would miss that subtree)`));
    },
  });
  workers.forEach((worker, index) => slots.push({ worker, index, asked: false, dryAt: -Infinity, cpuMs: 0 }));

  const timers: NodeJS.Timeout[] = [];
  const onAbort = (): void => stop("interrupted");
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) stop("interrupted");
  if (Number.isFinite(options.timeoutMs ?? Infinity)) timers.push(setTimeout(() => stop("timeout"), options.timeoutMs));
  if (options.onProgress) {
    const neurons = 0;
    timers.push(setInterval(() => options.onProgress!({ regions: ledger.regions, elapsedMs: performance.now() - start, depth: 0, neurons }), options.progressIntervalMs ?? 100));
  }
  if (options.checkpoint) {
    const cp = options.checkpoint;
    timers.push(
      setInterval(() => {
        try {
          cp.write(ledger.snapshot());
        } catch (error) {
          fail(error as Error);
        }
        for (const slot of slots) if (slot.unit !== undefined) Atomics.or(flags, POOL_FLAG.firstSlot + slot.index, POOL_FLAG.cursor);
      }, cp.everyMs),
    );
  }
  // Retry dry donation requests while threads are idle.
  timers.push(setInterval(() => failure || settle(), 25));
  if (maxRegions <= 0) stop("max-regions");
  settle();
  try {
    await finished;
  } finally {
    for (const t of timers) clearInterval(t);
    options.signal?.removeEventListener("abort", onAbort);
    await Promise.all(slots.map((s) => s.worker.terminate()));
    if (failure) ledger.dispose();
  }
  if (failure) throw failure;
  return {
    ...ledger.totals(stopReason),
    lp,
    elapsedMs: performance.now() - start,
    workers: n,
    units: nextId - (options.segments?.length ?? 0),
    donations,
    threadCpuMs: slots.map((s) => s.cpuMs),
  };
}

// Work units on worker threads (docs/scale.md): this thread is one worker (it searches between turns of its
// event loop, so it needs no second copy of the engine) and each other worker is a long-lived thread; a queue
// of units, and nnenum's balancing: when a worker is idle and the queue is empty, a busy one is asked to
// donate the rest of its interval after its shallowest waiting node (the subtrees nearest the root), which
// goes to the idle one. node:worker_threads directly, not a pool library: the threads hold a network for the whole run and
// talk both ways during a unit (donations, cursors, stop), which task pools (piscina, tinypool) do not model.
// A thread that throws or dies stops the run with an error: the answer never silently misses a subtree.
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { setImmediate as nextTurn } from "node:timers/promises";
import { InternalError, UsageError } from "../errors.js";
import { domainToJson } from "../formats/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { addLpStats, newLpStats, type LpStats } from "../geometry/lp.js";
import { networkTransfer } from "../formats/network-json.js";
import type { Network } from "../network/ir.js";
import { EmptyDomainError, type UnitProgress } from "./enumerate.js";
import { askDonations, startThreads, threadScript } from "./thread-script.js";
import type { EnumerationProgress } from "./options.js";
import { POOL_FLAG, type FromWorker } from "./pool-protocol.js";
import type { EnumerationStatus } from "./types.js";
import { HELD_REGIONS, UnitLedger, type LedgerSnapshot, type Segment } from "./unit-ledger.js";
import { UnitEngine, type UnitItem, type UnitSettings } from "./unit-runner.js";
import { unitSteps } from "./unit-slot.js";
import { withDeadline } from "../geometry/deadline.js";
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
  /**
   * The most regions held between the threads and `onItem` (default HELD_REGIONS of the settings' detail): half
   * of it in batches posted and not yet taken (threads wait for room: back-pressure), half waiting in the ledger
   * for an earlier interval (beyond it they go to temporary files). Not applied to regions kept by
   * `retain`/checkpoints.
   */
  readonly budget?: number;
  /**
   * Run units in this thread too, as one of the `workers` (default true): workers − 1 threads are started, and
   * this thread searches between its turns of the event loop (one isolate less to compile and collect).
   */
  readonly here?: boolean;
  /** Called every `everyMs` with the finished segments and the open frontier (checkpoints). */
  readonly checkpoint?: { readonly everyMs: number; readonly write: (snapshot: LedgerSnapshot) => void };
  /**
   * When the threads start. "when-long" (the default when this thread is a worker): this thread searches alone,
   * and the threads start only once the estimated rest of the run outlasts what starting them costs
   * (restLooksLong): a short run never pays for another V8 isolate, a long one uses every worker after a fraction
   * of a second. "at-once": with the run (the default of `here: false`, and with $TESSERA_THREAD_START=at-once).
   */
  readonly threadStart?: ThreadStart;
  /** The cost of starting the threads in milliseconds of one worker's search (default THREAD_COST_MS; tests: 0 or Infinity). */
  readonly threadCostMs?: number;
}

export type ThreadStart = "at-once" | "when-long";

/** The threads' start: the option, else $TESSERA_THREAD_START ("at-once" | "when-long"), else "when-long". */
export function threadStartOf(option: ThreadStart | undefined, env: NodeJS.ProcessEnv = process.env): ThreadStart {
  if (option) return option;
  const given = env.TESSERA_THREAD_START;
  if (given === undefined || given === "") return "when-long";
  if (given !== "at-once" && given !== "when-long") throw new UsageError(`TESSERA_THREAD_START: ${JSON.stringify(given)} is not at-once or when-long`);
  return given;
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
  /** Threads of this process: the most regions seen in flight (posted, not taken) and waiting in memory in the ledger. */
  readonly peak?: { readonly inFlight: number; readonly held: number };
  /** Worker threads started (0 when this thread did the whole run: a short run with threadStart "when-long"), and when. */
  readonly threads?: { readonly started: number; readonly atMs?: number };
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

interface Slot {
  /** Hand the slot a unit: a message to its thread, or a run in this thread. */
  readonly start: (id: number, unit: WorkUnit) => void;
  /** "worker thread 2", "the main thread": for error messages. */
  readonly name: string;
  readonly index: number;
  unit?: number;
  /** A donation was asked and not answered yet. */
  asked: boolean;
  /** Last time its donation request came back empty (do not ask again at once). */
  dryAt: number;
  cpuMs: number;
}

/**
 * V8 heap settings of each worker thread of a region-map run (detail "json"): a young generation of 12 MB
 * (semi-spaces of 4 MB) instead of V8's 48 MB (16 MB semi-spaces). What a search allocates per decision dies young
 * either way; the default young generation was a third of a thread's heap (docs/performance.md, "Memory of
 * `regions --ndjson`"). Not for `count` (keys: no region waits in memory): there it cost 2–4 times the scavenges
 * (docs/performance.md, "The fixed cost per isolate").
 */
const THREAD_HEAP = Object.freeze({ maxYoungGenerationSizeMb: 12 });

/** Milliseconds of search in this thread between two turns of its event loop (messages, timers). */
const STEP_MS = 20;
/** The main thread's search looks at the --timeout clock once in this many stop checks (asked in every LP pivot, µs apart). */
const CLOCK_EVERY = 16;
/** ... and at its step's end once in this many steps (a step is a decision: µs to ms). */
const STEP_CLOCK_EVERY = 8;

/**
 * threadStart "when-long" (docs/scale.md, "When the threads start"). A worker thread costs about a CPU second
 * before it pays: its V8 isolate starts and compiles the engine again (docs/performance.md, "fixed cost per
 * isolate"). With n workers instead of one, the rest R of a run takes about THREAD_COST_MS + R / n, so threads
 * pay when R > THREAD_COST_MS · n / (n − 1): 2 s on 2 cores, 1.14 s on 8.
 */
const THREAD_COST_MS = 1000;
/** No verdict before this much of the run: V8 is still compiling (the search is slow) and progress is jumpy. */
const ALONE_AT_LEAST_MS = 400;
/** How often this thread's unit is asked for its progress while it runs alone. */
const CHECK_MS = 50;
/** A unit that has not answered for this long is in decisions this slow: a long run, start the threads. */
const SILENT_MS = 1000;

interface ProgressSample {
  /** The unit (samples of one unit only). */
  readonly id: number;
  /** performance.now() of the answer. */
  readonly t: number;
  /** Its estimated share of the tree done (enumerate.ts, UnitProgress). */
  readonly done: number;
}

/**
 * Whether the rest of a run looks long enough for `threads` more workers to pay: the unit's rate of progress over
 * the later half of its samples (the earlier half is V8 warming up), to its estimated end; each of the `queued`
 * units counted as long as this one. Exported for tests.
 */
export function restLooksLong(samples: readonly ProgressSample[], end: number, elapsedMs: number, queued: number, threads: number, costMs = THREAD_COST_MS): boolean {
  if (threads <= 0 || samples.length < 2) return false;
  if (costMs <= 0) return true;
  if (elapsedMs < ALONE_AT_LEAST_MS) return false;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  if (last.t - first.t < ALONE_AT_LEAST_MS / 2) return false;
  const middle = first.t + (last.t - first.t) / 2;
  let from = samples.find((s) => s.t >= middle)!;
  if (from === last) from = first;
  const rate = (last.done - from.done) / (last.t - from.t);
  // No progress in the later half (a deep first region, a long subtree): the rest is unbounded.
  if (!(rate > 0)) return true;
  const restOfUnit = Math.max(0, end - last.done) / rate;
  const rest = restOfUnit + queued * (last.t - first.t + restOfUnit);
  return rest > (costMs * (threads + 1)) / threads;
}

/** Run work units on `options.workers` workers (this thread and threads) until every unit is done or a limit stops them. */
export async function runPool(net: Network, domain: DomainSpec | undefined, options: PoolOptions): Promise<PoolResult> {
  const n = options.workers;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`regions/pool: workers must be a positive integer, not ${n}`);
  const start = performance.now();
  // Built once the threads start: a run that never starts them (a short count) does not pay for it.
  let network: ReturnType<typeof networkTransfer> | undefined;
  const flags = new Int32Array(new SharedArrayBuffer(4 * (POOL_FLAG.firstSlot + n)));
  const budget = options.budget ?? HELD_REGIONS[options.settings.detail];
  if (!Number.isSafeInteger(budget) || budget < 2) throw new UsageError(`regions/pool: budget must be an integer of at least 2, not ${budget}`);
  const inFlightLimit = Math.floor(budget / 2);
  let peakInFlight = 0;
  const ledger = new UnitLedger(options.onItem, options.retain === true || options.checkpoint !== undefined, budget - inFlightLimit);
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
  const here = options.here ?? true;
  const threadCount = here ? n - 1 : n;
  const maxRegions = options.maxRegions ?? Infinity;
  const balance = options.balance ?? true;
  let stopReason: EnumerationStatus | undefined;
  let failure: Error | undefined;
  let finishedRun = false;
  let finishRun: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finishRun = () => ((finishedRun = true), resolve())));
  const slots: Slot[] = [];
  const deadline = start + (options.timeoutMs ?? Infinity);

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
      slot.start(next.id, next.unit);
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
      case "progress":
        if (message.id === slot.unit) progressOf(message.id, message.progress);
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
        addLpStats(lp, message.outcome.lp);
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
        else fail(new InternalError(`regions/pool: ${slot.name} failed in ${where}: ${message.message}; the run is stopped (its answer would miss that subtree)`));
      }
    }
  };

  // This thread is the first slot (it can start at once, while the threads load); threads follow.
  const threadSlots: Slot[] = [];
  if (here) {
    let engine: UnitEngine | undefined;
    const slot: Slot = { name: "the main thread", index: threadCount, asked: false, dryAt: -Infinity, cpuMs: 0, start: (id, unit) => void setImmediate(() => void runHere(id, unit)) };
    const channel = { flags, slot: threadCount, batchItems: 64, post: (m: FromWorker) => onMessage(slot, m) };
    // Between steps the event loop runs: the threads' messages, the timers, the next unit's hand-over.
    const runHere = async (id: number, unit: WorkUnit): Promise<void> => {
      try {
        engine ??= new UnitEngine(net, domain, options.settings);
      } catch (error) {
        return channel.post({ type: "error", id, name: (error as Error).name, message: (error as Error).message });
      }
      const steps = unitSteps(engine, id, unit, channel);
      let turn = performance.now();
      // The pool's stop is also seen inside a decision's LPs (geometry/deadline.ts). The --timeout timer runs on
      // this thread's event loop, which a long step (an LP in hundreds of dimensions) does not give back: the
      // step looks at the clock itself and stops the pool (the flag the threads read) once the time is up.
      // The clock is not read at every call (performance.now() was 3 % of this thread's profile on ACAS Xu
      // with 2 workers: the stop flag is asked inside every LP pivot, and a step is one decision).
      let calls = 0;
      const stopped = (): boolean => {
        if (Atomics.load(flags, POOL_FLAG.stop) !== 0) return true;
        if (deadline === Infinity || ++calls % CLOCK_EVERY !== 0 || performance.now() < deadline) return false;
        stop("timeout");
        return true;
      };
      let step = 0;
      while (!withDeadline(stopped, () => steps.next()).done) {
        if (++step % STEP_CLOCK_EVERY !== 0 || performance.now() - turn < STEP_MS) continue;
        await nextTurn();
        turn = performance.now();
      }
    };
    slots.push(slot);
  }
  let workers: Worker[] = [];
  const launch = async (): Promise<void> => {
    const script = await threadScript(import.meta.url, "worker-thread");
    if (failure || stopReason || finishedRun) return;
    network ??= networkTransfer(net);
    const transfer = network;
    workers = startThreads<FromWorker>(script, threadCount, (index) => ({ network: transfer, domain: domain ? domainToJson(domain) : null, settings: options.settings, flags: flags.buffer, slot: index, inFlight: inFlightLimit }), {
      message: (index, m) => {
        if (m.type === "items") peakInFlight = Math.max(peakInFlight, Atomics.load(flags, POOL_FLAG.inFlight));
        onMessage(threadSlots[index]!, m);
        if (m.type !== "items") return;
        // The batch is taken: give its room back and wake a thread waiting for it.
        Atomics.sub(flags, POOL_FLAG.inFlight, m.items.length);
        Atomics.notify(flags, POOL_FLAG.inFlight);
      },
      failed: (index, error, inHandler) => fail(inHandler ? error : new InternalError(`regions/pool: worker thread ${index + 1} failed: ${error.message}; the run is stopped (its answer would miss a subtree)`)),
      exited: (index, code) => {
        const slot = threadSlots[index]!;
        if (!failure && slot.unit !== undefined) fail(new InternalError(`regions/pool: worker thread ${index + 1} exited (code ${code}) in the middle of work unit ${pathKey(unitsOf.get(slot.unit)?.start ?? [])}; the run is stopped (its answer would miss that subtree)`));
      },
    }, options.settings.detail === "json" ? THREAD_HEAP : undefined);
    workers.forEach((worker, index) => threadSlots.push({ name: `worker thread ${index + 1}`, index, asked: false, dryAt: -Infinity, cpuMs: 0, start: (id, unit) => worker.postMessage({ type: "unit", id, unit: unitToJson(unit) }) }));
    slots.push(...threadSlots);
    settle();
  };
  let launched: Promise<void> | undefined;
  let launchedAt: number | undefined;
  const launchNow = (): void => {
    if (launched || failure || stopReason || finishedRun) return;
    launchedAt = performance.now() - start;
    launched = launch().catch((error: unknown) => fail(error as Error));
  };
  // "when-long": this thread's unit reports its progress every CHECK_MS; the threads start once the rest looks long.
  const samples: ProgressSample[] = [];
  const progressOf = (id: number, progress: UnitProgress): void => {
    if (samples.length > 0 && samples[0]!.id !== id) samples.length = 0;
    const now = performance.now();
    samples.push({ id, t: now, done: progress.done });
    if (restLooksLong(samples, progress.end, now - start, queue.length, threadCount, costMs)) launchNow();
  };
  const costMs = options.threadCostMs ?? THREAD_COST_MS;
  const whenLong = here && threadStartOf(options.threadStart) === "when-long";
  if (threadCount > 0 && !whenLong) {
    launchedAt = 0;
    await (launched = launch());
  }

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
  if (whenLong && threadCount > 0) {
    const alone = slots[0]!;
    timers.push(
      setInterval(() => {
        if (launched || failure || stopReason || alone.unit === undefined) return;
        const now = performance.now();
        // No answer for SILENT_MS: decisions that slow make a long run (an answer comes after the next decision).
        const last = samples.length > 0 ? samples[samples.length - 1]!.t : start;
        if (now - start >= ALONE_AT_LEAST_MS && now - last > SILENT_MS && Number.isFinite(costMs)) return launchNow();
        Atomics.or(flags, POOL_FLAG.firstSlot + alone.index, POOL_FLAG.progress);
      }, CHECK_MS),
    );
  }
  if (maxRegions <= 0) stop("max-regions");
  settle();
  try {
    await finished;
  } finally {
    for (const t of timers) clearInterval(t);
    options.signal?.removeEventListener("abort", onAbort);
    await launched;
    await Promise.all(workers.map((w) => w.terminate()));
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
    peak: { inFlight: peakInFlight, held: ledger.peakHeld },
    threads: { started: workers.length, ...(launchedAt !== undefined && workers.length > 0 ? { atMs: launchedAt } : {}) },
  };
}

// `tessera worker` (docs/distributed.md): a long-lived process that takes work units from the Redis queue
// (BullMQ), runs each with the work-unit engine (in this thread, or on its own worker threads) or, for
// `verify`, with the branch and bound, and pushes the result back to the run that enqueued it. A unit that runs
// past the run's budget (seconds or decisions), or while another worker waits and no unit does (the tail of a
// run), gives away its waiting subtrees nearest the root and stops: its open frontier goes back to the
// submitter as new units (Marabou's divide and conquer; nnenum's donation to idle workers). A unit runs in
// steps with the event loop free in between, so BullMQ renews its lock and the worker learns that a run was
// cancelled (a counterexample found elsewhere, a limit) and stops its unit. A unit the worker cannot run
// (another tessera version, a network it cannot read, a corrupted payload) is refused with an error that
// reaches the submitter; the worker goes on with the next unit. SIGTERM: the running unit is finished (its
// budget bounds how long that takes), then the worker leaves.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { TesseraError } from "../errors.js";
import { formatRational } from "../exact/rational.js";
import { domainFromJson } from "../formats/domain.js";
import { networkSha256, readNetworkJson } from "../formats/network-json.js";
import { inputSize, type Network } from "../network/ir.js";
import { branchAndBound, type OpenBranch } from "../analysis/branch-and-bound.js";
import { MinQueue } from "../analysis/branch-queue.js";
import { parseProblem } from "../analysis/certificate.js";
import { floatNet } from "../analysis/float-net.js";
import type { VerificationProblem } from "../analysis/problem.js";
import { caseContexts } from "../analysis/verify.js";
import { segmentToJson, type SegmentJson } from "../regions/part-file.js";
import { runPool } from "../regions/pool.js";
import { UnitEngine, type UnitItem } from "../regions/unit-runner.js";
import { WORK_UNIT_VERSION, comparePaths, pathKey, unitFromJson, unitToJson, type WorkUnit, type WorkUnitJson } from "../regions/work-unit.js";
import { branchFromJson, branchToJson, treeToJson, type BranchAnswer, type BranchCounts, type BranchOutcome } from "./branch-units.js";
import { newClient } from "./connection.js";
import { QUEUE_NAME, QUEUE_PREFIX, RUN_ID, idleKey, networkKey, resultsKey, runKey, waitingKey, type RunInfo, type UnitResult, type VerifyRunInfo } from "./protocol.js";

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

/** A unit past its budget, or split for a waiting worker, becomes at most this many units (its waiting subtrees nearest the root, then the rest). */
export const SPLIT_INTO = 8;
/**
 * A running unit reads its CPU time at most this often (wall time). Reading it every 50 ms (and every 5 ms only
 * while a worker waited) saved the 5 % of a worker's profile in process.cpuUsage, but ACAS Xu 1_1 on two
 * workers then used more worker CPU in 6 of 6 bench rounds (cause not found under load 7-11): kept at 5 ms.
 */
const CLOCK_MS = 5;
/** A unit gives the event loop a turn after this much wall time (BullMQ's lock renewal, the run's signals). */
const STEP_MS = 20;
/** How often a running unit asks Redis whether a worker waits with nothing queued and whether its run still exists (an idle worker renews its mark as often). */
const SIGNAL_MS = 25;
/** A worker without a unit for this long marks itself idle (a unit taken right after the last one is no wait). */
const IDLE_AFTER_MS = 20;
/** An idle mark lasts this long unless renewed (a worker that died idle stops counting soon). */
const IDLE_MARK_MS = 400;
/** An idle worker renews its mark this often (an idle worker asking Redis every SIGNAL_MS used 3 % of a core). */
const IDLE_RENEW_MS = 150;
/** A unit splits for a waiting worker only after this much CPU time of its own (each unit costs a few ms to start). */
const MIN_SPLIT_CPU_MS = 30;

/** Push a message to a run's results, only while the run exists (a cancelled run gets nothing more). */
const PUSH_IF_RUN = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) return 1 else return 0 end`;
/** Mark a worker idle until now + ARGV[2] ms (Redis's clock), dropping expired marks. */
const MARK_IDLE = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) return 1`;
/** [workers idle while no unit waits (0 when one waits), 1 if the run still exists]. */
const SIGNALS = `local alive = redis.call('EXISTS', KEYS[3]) if redis.call('LLEN', KEYS[1]) > 0 then return {0, alive} end local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) return {redis.call('ZCOUNT', KEYS[2], now, '+inf'), alive}`;

interface EnumerationReady {
  readonly kind: "enumeration";
  readonly info: RunInfo;
  readonly engine: UnitEngine;
  readonly net: Network;
}

interface VerifyReady {
  readonly kind: "verify";
  readonly info: VerifyRunInfo;
  readonly net: Network;
  readonly problem: VerificationProblem;
  readonly fn: ReturnType<typeof floatNet>;
}

type Ready = EnumerationReady | VerifyReady;

/** What a unit became: its finished part(s) and the units still open (they tile the unit). */
interface UnitAnswer {
  readonly segments: SegmentJson[];
  readonly open: WorkUnitJson[];
}

/** What a running unit learns from Redis while it runs (refreshed every SIGNAL_MS by the worker). */
interface UnitSignals {
  /** A worker waits and no unit does: split now. */
  readonly hungry: boolean;
  /** The run was cancelled or finished: stop, nobody wants the answer. */
  readonly gone: boolean;
}

const isVerifyRun = (info: RunInfo | VerifyRunInfo): info is VerifyRunInfo => info.command === "verify";

const cpuMsSince = (cpu0: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(cpu0);
  return (used.user + used.system) / 1000;
};

/**
 * Run `unit` in this thread until it ends, its budget is spent (CPU time of this process: on a loaded machine a
 * wall-clock budget would cut units too small) or a worker waits with nothing queued; then split its open
 * frontier. Undefined when the run is gone. The event loop gets a turn every STEP_MS.
 */
export async function runUnitInSteps(engine: UnitEngine, unit: WorkUnit, budget: RunInfo["budget"], signals: () => UnitSignals): Promise<UnitAnswer | undefined> {
  const cpu0 = process.cpuUsage();
  const budgetMs = budget.seconds * 1000;
  let decisions = 0;
  let nextClock = 0;
  /** Units this one becomes once it stops: 2 past its budget (the largest waiting subtree and the rest), SPLIT_INTO for waiting workers. */
  let pieces = 0;
  let dry = false;
  let gone = false;
  const given: WorkUnit[] = [];
  const items: UnitItem[] = [];
  const boxes = new Map<number, string>();
  const steps = engine.steps(unit, {
    poll: () => {
      decisions++;
      if (gone) return "stop";
      // The CPU clock (a system call: under load it costs more than a cheap decision) is read at most every
      // CLOCK_MS of wall time, which is looked at every 32 decisions.
      if (pieces === 0 && decisions % 32 === 0 && performance.now() >= nextClock) {
        nextClock = performance.now() + CLOCK_MS;
        const cpu = cpuMsSince(cpu0);
        if (signals().hungry && cpu >= MIN_SPLIT_CPU_MS) pieces = SPLIT_INTO;
        else if (cpu >= budgetMs) pieces = 2;
      }
      if (pieces === 0 && budget.decisions !== null && decisions >= budget.decisions) pieces = SPLIT_INTO;
      if (pieces === 0) return undefined;
      return !dry && given.length < pieces - 1 ? "donate" : "stop";
    },
    item: (item) => void items.push(item),
    box: (id, key) => void boxes.set(id, key),
    donated: (u) => (u ? void given.push(u) : void (dry = true)),
    cursor: () => undefined,
  });
  let turn = performance.now();
  let step = steps.next();
  while (!step.done) {
    if (performance.now() - turn >= STEP_MS) {
      await nextTurn();
      turn = performance.now();
      gone = signals().gone;
    }
    step = steps.next();
  }
  if (gone) return undefined;
  const outcome = step.value;
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

/** Wall time of a verify unit's slice: then its open nodes are released to the unit's own queue and the event loop gets a turn. */
const SLICE_MS = 50;

/**
 * Run a verify unit (one node of one case) until its subtree is closed, a counterexample or an `unknown` is
 * found, or its budget is spent or a worker waits with nothing queued: then the trees closed so far and the
 * nodes still open are the answer. The search runs in slices of SLICE_MS, each from the best open node (the
 * order of the branch and bound); a slice's unfinished nodes stay in the unit's queue. Undefined when the run is gone.
 */
export async function runBranchUnit(ready: VerifyReady, branch: { box: number; disjunct: number; node: OpenBranch }, signals: () => UnitSignals): Promise<(BranchOutcome & { counts: BranchCounts }) | undefined> {
  const cpu0 = process.cpuUsage();
  const stats = { nodes: 0, maxDepth: 0 };
  const counters = { points: 0, exactChecks: 0 };
  const context = caseContexts(ready.net, ready.problem, ready.fn, { deadline: Infinity, ...(ready.info.split ? { split: ready.info.split } : {}) }, stats, counters)(branch.box, branch.disjunct);
  const counts = (): BranchCounts => ({ nodes: stats.nodes, maxDepth: stats.maxDepth, points: counters.points, exactChecks: counters.exactChecks });
  const open = new MinQueue<OpenBranch>();
  open.push(branch.node);
  const trees: { path: string; tree: ReturnType<typeof treeToJson> }[] = [];
  for (let root = open.pop(); root; root = open.pop()) {
    const sliceEnd = performance.now() + SLICE_MS;
    let bounded = 0;
    const out = branchAndBound(context, root, Infinity, {
      poll: () => (bounded > 0 && performance.now() >= sliceEnd ? "release" : undefined),
      donate: (node) => void (node && open.push(node)),
      countNode: () => ++bounded,
    });
    if ("input" in out) return { kind: "violated", box: out.box, input: out.input.map(formatRational), counts: counts() };
    if ("reason" in out) return { kind: "unknown", reason: out.reason, counts: counts() };
    trees.push({ path: root.path, tree: treeToJson(out.tree) });
    if (open.length === 0) break;
    await nextTurn();
    const now = signals();
    if (now.gone) return undefined;
    const cpu = cpuMsSince(cpu0);
    if (cpu >= ready.info.budget.seconds * 1000 || (now.hungry && cpu >= MIN_SPLIT_CPU_MS)) break;
  }
  const rest: OpenBranch[] = [];
  for (let node = open.pop(); node; node = open.pop()) rest.push(node);
  return { kind: "closed", trees, open: rest.map(branchToJson), counts: counts() };
}

/**
 * Run `unit` on `threads` worker threads (nnenum-style balance inside) until it ends or its budget is spent.
 * The budget (wall time here) starts with the first region, so the threads' start-up never eats it whole
 * and every unit makes progress.
 */
async function runUnitOnThreads(ready: EnumerationReady, unit: WorkUnit, threads: number): Promise<UnitAnswer> {
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
  const readies = new Map<string, Ready>();
  /** Runs' settings, by their text in Redis. */
  const runs = new Map<string, RunInfo | VerifyRunInfo>();

  const push = async (run: string, message: UnitResult | (BranchAnswer & { ok: true })): Promise<void> => {
    await client.eval(PUSH_IF_RUN, 2, runKey(run), resultsKey(run), JSON.stringify(message));
  };

  /** The network of a run, read from Redis and checked against its hash (cached). */
  const networkOf = async (sha: string): Promise<Network> => {
    let net = networks.get(sha);
    if (net) return net;
    const text = await client.get(networkKey(sha));
    if (text === null) throw new TesseraError(`network ${sha.slice(0, 12)}… is not stored in Redis (the run was cancelled, or Redis lost its data)`);
    net = readNetworkJson(text, `network ${sha.slice(0, 12)}… from Redis`);
    // The text the submitter stores is the canonical JSON itself unless the network lists approximations: then
    // its hash is the stored one, and the network need not be serialized again to check it.
    if (createHash("sha256").update(text.trimEnd()).digest("hex") !== sha && networkSha256(net) !== sha) throw new TesseraError(`network ${sha.slice(0, 12)}… from Redis does not have that hash (a corrupted or replaced network)`);
    if (networks.size > 4) networks.clear();
    networks.set(sha, net);
    return net;
  };

  /** The run's settings and an engine for its network and domain, or its problem (cached); undefined when the run is over. */
  const prepare = async (run: string): Promise<Ready | undefined> => {
    // Read for every unit (one round trip): a run id may be used again, by a later run with another network.
    const text = await client.get(runKey(run));
    if (text === null) return undefined;
    let info = runs.get(text);
    if (!info) {
      info = JSON.parse(text) as RunInfo | VerifyRunInfo;
      if (info.tessera !== options.version) throw new TesseraError(`this worker runs tessera ${options.version}, the run was submitted by tessera ${info.tessera}: start workers of that version`);
      if (info.workUnitVersion !== WORK_UNIT_VERSION) throw new TesseraError(`this worker reads work-unit format ${WORK_UNIT_VERSION}, the run uses format ${info.workUnitVersion}`);
      if (runs.size > 100) runs.clear();
      runs.set(text, info);
    }
    const key = isVerifyRun(info) ? `${info.network} ${JSON.stringify(info.problem)} ${info.split}` : `${info.network} ${JSON.stringify(info.domain)} ${JSON.stringify(info.settings)}`;
    const cached = readies.get(key);
    if (cached) return { ...cached, info } as Ready;
    const net = await networkOf(info.network);
    let ready: Ready;
    if (isVerifyRun(info)) {
      const problem = parseProblem(info.problem, `the property of run ${run}`);
      ready = { kind: "verify", info, net, problem, fn: floatNet(net) };
    } else ready = { kind: "enumeration", info, net, engine: new UnitEngine(net, info.domain ? domainFromJson(info.domain, "<run domain>") : undefined, info.settings) };
    if (readies.size > 4) readies.clear();
    readies.set(key, ready);
    return ready;
  };

  // While a unit runs: whether a worker waits with nothing queued, and whether its run still exists.
  let signals: UnitSignals = { hungry: false, gone: false };
  let running: string | undefined;
  let asking = false;
  let idle = true;
  let idleTimer: NodeJS.Timeout | undefined;
  /** Send one command at a time; false when one is still on its way. */
  const ask = (command: () => Promise<unknown>): boolean => {
    if (asking) return false;
    asking = true;
    void command()
      .catch(() => undefined)
      .finally(() => (asking = false));
    return true;
  };
  let marked = -Infinity;
  const markIdle = (): void => {
    if (ask(() => client.eval(MARK_IDLE, 1, idleKey, name, IDLE_MARK_MS))) marked = performance.now();
  };
  const ticker = setInterval(() => {
    if (running !== undefined) {
      const run = running;
      ask(async () => {
        const [waiting, alive] = (await client.eval(SIGNALS, 3, waitingKey, idleKey, runKey(run))) as [number, number];
        if (running === run) signals = { hungry: waiting > 0, gone: alive === 0 };
      });
    } else if (idle && performance.now() - marked >= IDLE_RENEW_MS) markIdle();
  }, SIGNAL_MS);

  const processor = async (job: Job): Promise<string> => {
    const data = job.data as Record<string, unknown> | null;
    const run = typeof data?.run === "string" && RUN_ID.test(data.run) ? data.run : undefined;
    let start: number[] | null = null;
    let branch: { case: number; box: number; disjunct: number; node: OpenBranch } | undefined;
    let unit: WorkUnit | undefined;
    /** The verify unit's case and node path, as soon as they are read (an error about it must name them). */
    let named: { case: number; path: string } | undefined;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    idle = false;
    clearTimeout(idleTimer);
    signals = { hungry: false, gone: false };
    running = run;
    try {
      await client.zrem(idleKey, name);
      if (!run) throw new TesseraError(`job ${job.id}: its payload names no run (a corrupted queue entry)`);
      if (data!.tessera !== options.version) throw new TesseraError(`this worker runs tessera ${options.version}, the unit was queued by tessera ${String(data!.tessera)}: start workers of that version`);
      const ready = await prepare(run);
      if (!ready) return "the run is over (finished or cancelled)";
      if (data!.branch !== undefined) {
        const b = data!.branch as Record<string, unknown>;
        const index = (v: unknown, what: string): number => {
          if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new TesseraError(`job ${job.id}: branch.${what} is not a non-negative integer (a corrupted queue entry)`);
          return v;
        };
        const caseIndex = index(b.case, "case");
        const path = (b.node as { path?: unknown } | null)?.path;
        if (typeof path === "string") named = { case: caseIndex, path };
        const node = branchFromJson(b.node, inputSize(ready.net), `job ${job.id}`, "branch.node");
        branch = { case: caseIndex, box: index(b.box, "box"), disjunct: index(b.disjunct, "disjunct"), node };
      } else {
        unit = unitFromJson(data!.unit, `job ${job.id}`, "unit");
        start = [...unit.start];
      }
      if (branch) {
        if (ready.kind !== "verify") throw new TesseraError(`job ${job.id}: a verify unit of a ${ready.info.command} run (a corrupted queue entry)`);
        if (branch.box >= ready.problem.boxes.length || branch.disjunct >= ready.problem.disjuncts.length) throw new TesseraError(`job ${job.id}: box ${branch.box} or disjunct ${branch.disjunct} is not in the run's property (a corrupted queue entry)`);
        const answer = await runBranchUnit(ready, branch, () => signals);
        if (!answer) return "the run is over (finished or cancelled)";
        await push(run, { ok: true, case: branch.case, path: branch.node.path, worker: name, cpuMs: cpuMsSince(cpu0), ...answer });
        return answer.kind === "closed" ? `${answer.trees.length} trees, ${answer.open.length} nodes handed back` : answer.kind;
      }
      if (ready.kind !== "enumeration") throw new TesseraError(`job ${job.id}: a region unit of a verify run (a corrupted queue entry)`);
      const answer = options.threads > 1 ? await runUnitOnThreads(ready, unit!, options.threads) : await runUnitInSteps(ready.engine, unit!, ready.info.budget, () => signals);
      if (!answer) return "the run is over (finished or cancelled)";
      await push(run, { ok: true, start: start!, worker: name, ...answer, cpuMs: cpuMsSince(cpu0), elapsedMs: performance.now() - t0 });
      return `${answer.segments.reduce((s, seg) => s + seg.regions.length, 0)} regions, ${answer.open.length} units handed back`;
    } catch (error) {
      const where = named ? `verify unit ${named.case}:${JSON.stringify(named.path)}` : `work unit ${start ? pathKey(start) : "?"}`;
      const message = `worker ${name}: ${where} of run ${run ?? "?"}: ${(error as Error).message}`;
      options.log(`tessera worker: ${message}\n`);
      if (run) {
        const reply = named
          ? ({ ok: true, kind: "error", ...named, worker: name, error: message, counts: { nodes: 0, maxDepth: 0, points: 0, exactChecks: 0 }, cpuMs: 0 } as const)
          : ({ ok: false, start, worker: name, error: message } as const);
        await push(run, reply).catch(() => undefined);
      }
      // Failed, not retried: the submitter decides what happens to the run.
      throw new UnrecoverableError(message);
    } finally {
      running = undefined;
      // Idle only if no next unit comes at once (BullMQ fetches it with the completion of this one).
      idleTimer = setTimeout(() => {
        idle = true;
        markIdle();
      }, IDLE_AFTER_MS);
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
  const report = (): string => `${units} units; CPU ${(cpuMsSince(cpuAtStart) / 1000).toFixed(3)} s since it began waiting`;
  // SIGUSR2: how much this worker has done so far (for monitoring; bench/queue.ts reads it around a run).
  const onStatus = (): void => options.log(`tessera worker ${name}: ${report()}\n`);
  process.on("SIGUSR2", onStatus);
  const closed = new Promise<void>((resolve) => {
    const close = (): void => {
      options.log(`tessera worker ${name}: closing (the running unit is finished first)\n`);
      void worker
        .close()
        .catch(() => undefined)
        .then(() => {
          clearInterval(ticker);
          clearTimeout(idleTimer);
          connection.disconnect();
          return client.zrem(idleKey, name).catch(() => undefined);
        })
        .then(() => {
          process.removeListener("SIGUSR2", onStatus);
          options.log(`tessera worker ${name}: closed after ${report()}\n`);
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

// The submitting side of a queued run (`count|regions NET --queue URL`, docs/distributed.md): it stores the
// network (keyed by its canonical hash) and the run's settings in Redis, puts the root unit on the BullMQ
// queue, and joins the workers' answers in tree order with the same ledger the threads use, so the output is
// exactly a local run's. It alone decides which units exist: a worker's answer is accepted once per unit
// (keyed by the unit's start path; a unit run twice after a stall or a lost message never counts twice),
// only when its parts tile the unit exactly, and its open units are enqueued here. Limits, SIGINT and a
// failed unit cancel the remaining units; a finished or cancelled run deletes its keys.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { InputError, TesseraError } from "../errors.js";
import { domainToJson } from "../formats/domain.js";
import { networkSha256, writeNetworkJson } from "../formats/network-json.js";
import type { DomainSpec } from "../geometry/types.js";
import { newLpStats } from "../geometry/lp.js";
import type { Network } from "../network/ir.js";
import { segmentFromJson } from "../regions/part-file.js";
import type { PoolOptions, PoolResult } from "../regions/pool.js";
import type { UnitRunner } from "../regions/run.js";
import type { EnumerationStatus } from "../regions/types.js";
import { UnitLedger } from "../regions/unit-ledger.js";
import { cutTree } from "../regions/shards.js";
import { UnitEngine, type UnitItem } from "../regions/unit-runner.js";
import { WORK_UNIT_VERSION, pathKey, unitFromJson, unitToJson, type WorkUnit } from "../regions/work-unit.js";
import { newClient } from "./connection.js";
import { QUEUE_NAME, QUEUE_PREFIX, RUN_ID, jobId, networkKey, networkUsersKey, readResult, resultsKey, runKey, type RunInfo, type UnitJob } from "./protocol.js";

export interface QueueRunConfig {
  readonly url: string;
  /** Where the URL came from, for messages (--queue or TESSERA_QUEUE). */
  readonly from: string;
  /** Default: a random UUID. */
  readonly runId?: string;
  readonly version: string;
  readonly command: string;
  readonly budget: RunInfo["budget"];
  /** Units the top of the tree is cut into at the start (default INITIAL_UNITS). */
  readonly initialUnits?: number;
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

/** Delete a run's keys, and its network when no other run uses it. */
const DROP_RUN = `redis.call('DEL', KEYS[1], KEYS[2]) redis.call('SREM', KEYS[4], ARGV[1]) if redis.call('SCARD', KEYS[4]) == 0 then redis.call('DEL', KEYS[3]) end return 1`;

/** Remove the run's jobs that no worker holds (waiting ones); a held one finds the run gone and stops. */
async function cancelJobs(queue: Queue, ids: Iterable<string>): Promise<void> {
  await Promise.all([...ids].map((id) => queue.remove(id).catch(() => 0)));
}

/** A UnitRunner (regions/run.ts) whose units run on `tessera worker` processes through Redis. */
export function queueRunner(client: Redis, config: QueueRunConfig): UnitRunner {
  return async (net: Network, domain: DomainSpec | undefined, options: PoolOptions): Promise<PoolResult> => {
    const start = performance.now();
    const runId = config.runId ?? randomUUID();
    if (!RUN_ID.test(runId)) throw new InputError("--run-id", "", `${JSON.stringify(runId)} is not a run id (1 to 100 letters, digits, '-' or '_')`);
    const sha = networkSha256(net);
    const info: RunInfo = {
      format: "tessera-queue-run",
      tessera: config.version,
      workUnitVersion: WORK_UNIT_VERSION,
      command: config.command,
      network: sha,
      domain: domain ? domainToJson(domain) : null,
      settings: options.settings,
      budget: config.budget,
    };
    if ((await client.set(runKey(runId), JSON.stringify(info), "NX")) === null) {
      throw new InputError("--run-id", "", `run id ${JSON.stringify(runId)} is in use on this Redis (a run with that id is going on, or was killed: choose another id, or delete the key ${runKey(runId)})`);
    }
    const blocking = client.duplicate();
    blocking.on("error", () => undefined);
    // BullMQ does not close a connection it was given: it is disconnected here at the end.
    const queueConnection = newClient(config.url);
    const queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix: QUEUE_PREFIX });
    const maxRegions = options.maxRegions ?? Infinity;
    let joining = true;
    const ledger = new UnitLedger((item, id) => {
      if (joining) config.check?.(item, id);
      options.onItem(item, id);
    }, options.retain === true);
    /** Units enqueued and not answered yet, by start path. */
    const pending = new Map<string, { id: number; unit: WorkUnit; job: string }>();
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
        const job = jobId(runId, unit.start);
        pending.set(pathKey(unit.start), { id, unit, job });
        units++;
        const data: UnitJob = { run: runId, tessera: config.version, workUnitVersion: WORK_UNIT_VERSION, unit: unitToJson(unit) };
        return { name: "unit", data, opts: { jobId: job, removeOnComplete: true, removeOnFail: { age: 3600 } } };
      });
      if (jobs.length > 0) await queue.addBulk(jobs);
    };
    const timers: NodeJS.Timeout[] = [];
    const onAbort = (): void => stop("interrupted");
    try {
      await client.multi().set(networkKey(sha), writeNetworkJson(net)).sadd(networkUsersKey(sha), runId).exec();
      for (const s of options.segments ?? []) ledger.add(nextId++, s, s);
      // The top of the tree is cut into a few units at once (as shards cut it), so that every worker has work
      // from the start instead of waiting for the first unit to spend its budget.
      const top = options.units ?? cutTree(new UnitEngine(net, domain, options.settings), config.initialUnits ?? INITIAL_UNITS);
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
      let lastContact = performance.now();
      const unitOf = (path: readonly number[]): WorkUnit | undefined => pending.get(pathKey(path))?.unit;
      while (!stopReason && pending.size > 0) {
        let popped: [string, string] | null = null;
        try {
          popped = await blocking.blpop(resultsKey(runId), 0.5);
          lastContact = performance.now();
        } catch (error) {
          if (performance.now() - lastContact > 10_000) fail(new TesseraError(`queue: lost the connection to Redis at ${config.from} for more than 10 s (${(error as Error).message}); the answer is incomplete`));
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        if (popped) {
          let read: ReturnType<typeof readResult>;
          try {
            read = readResult(popped[1], unitOf, options.settings.detail);
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
          ledger.replace(entry.id, [...finished, ...open]);
          await enqueue(open);
          if (ledger.regions >= maxRegions) stop("max-regions");
        }
        if (performance.now() - lastWatch >= watchMs && !stopReason) {
          lastWatch = performance.now();
          await watch();
        }
      }
    } catch (error) {
      if (error instanceof TesseraError) fail(error);
      else fail(new TesseraError(`queue: ${(error as Error).message}`));
    } finally {
      for (const t of timers) clearInterval(t);
      options.signal?.removeEventListener("abort", onAbort);
      await cancelJobs(queue, [...pending.values()].map((p) => p.job)).catch(() => undefined);
      await client.eval(DROP_RUN, 4, runKey(runId), resultsKey(runId), networkKey(sha), networkUsersKey(sha), runId).catch(() => undefined);
      await queue.close().catch(() => undefined);
      queueConnection.disconnect();
      blocking.disconnect();
    }
    if (failure) config.onFailure(failure);

    /** The run's state in Redis: still there (else Redis lost it), and every pending unit's job alive (lost ones enqueued again). */
    async function watch(): Promise<void> {
      if ((await client.exists(runKey(runId))) === 0) {
        fail(new TesseraError(`queue: the run's state is gone from Redis at ${config.from} (restarted without persistence, or its keys were deleted); the answer is incomplete`));
        return;
      }
      const states = await Promise.all([...pending.values()].map(async (p) => ({ p, state: await queue.getJobState(p.job) })));
      for (const { p, state } of states) {
        if (state === "failed") {
          const job = await queue.getJob(p.job);
          fail(new TesseraError(`queue: work unit ${pathKey(p.unit.start)} failed: ${job?.failedReason ?? "(no reason given)"}`));
          return;
        }
      }
      const lost = states.filter((s) => s.state === "unknown").map((s) => s.p);
      // A job disappears when it completes, after its result was pushed: lost only when no result waits.
      if (lost.length > 0 && (await client.llen(resultsKey(runId))) === 0) {
        await queue.addBulk(lost.map((p) => ({ name: "unit", data: { run: runId, tessera: config.version, workUnitVersion: WORK_UNIT_VERSION, unit: unitToJson(p.unit) } satisfies UnitJob, opts: { jobId: p.job, removeOnComplete: true, removeOnFail: { age: 3600 } } })));
      }
    }

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

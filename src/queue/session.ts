// A submitter's run on the queue (docs/distributed.md), whatever its units are (enumeration intervals, submit.ts;
// verify's branch-and-bound nodes, submit-verify.ts): the run id claimed once (SET NX), the network stored by
// its hash, jobs put on the BullMQ queue under ids the run chooses (a unit enqueued twice is one job), the
// workers' answers read from the run's result list (through a lost connection for up to 10 s), the watch that
// notices a Redis that lost the run (restarted without persistence) and puts lost jobs back, and the end that
// removes the run's waiting jobs and deletes its keys (the network too, once no other run uses it).
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { InputError, TesseraError } from "../errors.js";
import { networkJsonWithSha256 } from "../formats/network-json.js";
import type { Network } from "../network/ir.js";
import { newClient } from "./connection.js";
import { QUEUE_NAME, QUEUE_PREFIX, RUN_ID, networkKey, networkUsersKey, resultsKey, runKey, type UnitJob } from "./protocol.js";

/** Delete a run's keys, and its network when no other run uses it. */
const DROP_RUN = `redis.call('DEL', KEYS[1], KEYS[2]) redis.call('SREM', KEYS[4], ARGV[1]) if redis.call('SCARD', KEYS[4]) == 0 then redis.call('DEL', KEYS[3]) end return 1`;

/** A lost connection to Redis stops the run after this long. */
export const LOST_CONNECTION_MS = 10_000;

export interface SessionConfig {
  readonly url: string;
  /** Where the URL came from, for messages (--queue or TESSERA_QUEUE). */
  readonly from: string;
  /** Default: a random UUID. */
  readonly runId?: string;
}

/** A job the run has put on the queue (kept to put it back if Redis loses it). */
export interface PendingJob {
  readonly job: string;
  readonly data: UnitJob;
}

export class QueueSession {
  private lastContact = performance.now();

  private constructor(
    private readonly client: Redis,
    private readonly config: SessionConfig,
    readonly runId: string,
    private readonly sha: string,
    private readonly queue: Queue,
    private readonly queueConnection: Redis,
    private readonly blocking: Redis,
  ) {}

  /** Claim the run id (an id in use is refused), store the run's settings and its network. */
  static async open(client: Redis, config: SessionConfig, net: Network, info: (sha: string) => object): Promise<QueueSession> {
    const runId = config.runId ?? randomUUID();
    if (!RUN_ID.test(runId)) throw new InputError("--run-id", "", `${JSON.stringify(runId)} is not a run id (1 to 100 letters, digits, '-' or '_')`);
    const { text: netText, sha256: sha } = networkJsonWithSha256(net);
    if ((await client.set(runKey(runId), JSON.stringify(info(sha)), "NX")) === null) {
      throw new InputError("--run-id", "", `run id ${JSON.stringify(runId)} is in use on this Redis (a run with that id is going on, or was killed: choose another id, or delete the key ${runKey(runId)})`);
    }
    const blocking = client.duplicate();
    blocking.on("error", () => undefined);
    // BullMQ does not close a connection it was given: it is disconnected in close().
    const queueConnection = newClient(config.url);
    const queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix: QUEUE_PREFIX });
    const session = new QueueSession(client, config, runId, sha, queue, queueConnection, blocking);
    try {
      await client.multi().set(networkKey(sha), netText).sadd(networkUsersKey(sha), runId).exec();
    } catch (error) {
      await session.close([]);
      throw error;
    }
    return session;
  }

  /** Put jobs on the queue (a job id already there is not added twice). */
  async enqueue(jobs: readonly PendingJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map(({ job, data }) => ({ name: "unit", data, opts: { jobId: job, removeOnComplete: true, removeOnFail: { age: 3600 } } })));
  }

  /** The next answer of a worker (null: none within `seconds`); throws after LOST_CONNECTION_MS without Redis. */
  async next(seconds: number): Promise<string | null> {
    try {
      const popped = await this.blocking.blpop(resultsKey(this.runId), seconds);
      this.lastContact = performance.now();
      return popped ? popped[1] : null;
    } catch (error) {
      if (performance.now() - this.lastContact > LOST_CONNECTION_MS) {
        throw new TesseraError(`queue: lost the connection to Redis at ${this.config.from} for more than ${LOST_CONNECTION_MS / 1000} s (${(error as Error).message}); the answer is incomplete`);
      }
      await new Promise((r) => setTimeout(r, 200));
      return null;
    }
  }

  /**
   * The run's state in Redis: still there (else an error: Redis lost it), no pending job failed (else its
   * reason), and every pending job alive (lost ones are put on the queue again). `describe` names a job's unit.
   */
  async watch<P extends PendingJob>(pending: readonly P[], describe: (p: P) => string): Promise<TesseraError | undefined> {
    if ((await this.client.exists(runKey(this.runId))) === 0) {
      return new TesseraError(`queue: the run's state is gone from Redis at ${this.config.from} (restarted without persistence, or its keys were deleted); the answer is incomplete`);
    }
    const states = await Promise.all(pending.map(async (p) => ({ p, state: await this.queue.getJobState(p.job) })));
    for (const { p, state } of states) {
      if (state === "failed") {
        const job = await this.queue.getJob(p.job);
        return new TesseraError(`queue: work unit ${describe(p)} failed: ${job?.failedReason ?? "(no reason given)"}`);
      }
    }
    const lost = states.filter((s) => s.state === "unknown").map((s) => s.p);
    // A job disappears when it completes, after its answer was pushed: lost only when no answer waits.
    if (lost.length > 0 && (await this.client.llen(resultsKey(this.runId))) === 0) await this.enqueue(lost);
    return undefined;
  }

  /** Remove the run's waiting jobs (a job a worker holds finds the run gone and stops), delete its keys, close. */
  async close(pendingJobs: Iterable<string>): Promise<void> {
    await Promise.all([...pendingJobs].map((id) => this.queue.remove(id).catch(() => 0)));
    await this.client.eval(DROP_RUN, 4, runKey(this.runId), resultsKey(this.runId), networkKey(this.sha), networkUsersKey(this.sha), this.runId).catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.queueConnection.disconnect();
    this.blocking.disconnect();
  }
}

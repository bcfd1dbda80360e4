// `tessera worker --queue URL`: a long-lived process that runs work units from the Redis queue for any
// number of submitters (docs/distributed.md). SIGTERM or SIGINT: the running unit is finished, then it exits.
import { Command } from "commander";
import { InputError } from "../errors.js";
import { queueUrlFrom } from "../queue/url.js";
import type { CliContext } from "./context.js";
import { parsePositiveSeconds } from "./parse.js";
import { packageVersion } from "./version.js";
import { addWorkersOption, workersFromFlags, type WorkersFlags } from "./workers-option.js";

interface WorkerFlags extends WorkersFlags {
  readonly queue?: string | true;
  readonly lockSeconds?: string;
  readonly name?: string;
}

/** BullMQ's default lock (and stalled-check interval): a killed worker's unit is run again within 30-60 s. */
export const DEFAULT_LOCK_SECONDS = 30;

export function workerCommand(ctx: CliContext): Command {
  const cmd = new Command("worker")
    .description("run work units from a Redis queue (BullMQ) for `count|regions|graph|bounds|verify NET --queue URL`, until SIGTERM")
    .option("--queue [url]", "the Redis of the queue: redis://[:password@]host:port[/db] or rediss:// (default: $TESSERA_QUEUE)")
    .option("--lock-seconds <s>", `a unit whose worker stops answering this long is run again by another worker (default ${DEFAULT_LOCK_SECONDS}; the lock is renewed while a unit runs)`)
    .option("--name <name>", "this worker's name in messages (default host:pid)");
  addWorkersOption(cmd);
  cmd.addHelpText(
    "after",
    "\nEach unit runs on --workers threads of this process (default 1: start one worker a core; threads start\n" +
      "anew for every unit, so they pay off only with large units, --unit-seconds 10 or more). Start any number of\n" +
      "workers on any number of machines; they may join and leave during a run (docs/distributed.md).\n\n" +
      "Examples:\n  $ tessera worker --queue redis://127.0.0.1:6379 --workers 1\n  $ TESSERA_QUEUE=redis://:PASSWORD@redis.example:6379/0 tessera worker\n  $ tessera worker --queue rediss://:PASSWORD@redis.example:6380 --lock-seconds 60\n",
  );
  cmd.action(async (flags: WorkerFlags) => {
    const source = queueUrlFrom(flags.queue);
    if (!source) throw new InputError("--queue", "", "is needed: redis://[:password@]host:port[/db] (or set TESSERA_QUEUE)");
    // One thread a unit unless asked: units are small (about a CPU second), and threads start anew for each unit.
    const threads = flags.workers === undefined && !process.env.TESSERA_WORKERS ? 1 : workersFromFlags(flags);
    const lockMs = (flags.lockSeconds !== undefined ? parsePositiveSeconds(flags.lockSeconds, "--lock-seconds") : DEFAULT_LOCK_SECONDS) * 1000;
    // Loaded here: other commands need not load BullMQ and ioredis.
    const [{ connectRedis }, { runQueueWorker }] = await Promise.all([import("../queue/connection.js"), import("../queue/worker.js")]);
    const client = await connectRedis(source.url, source.from);
    ctx.exitWhenDone = true;
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    try {
      await runQueueWorker({ url: source.url, version: packageVersion(), threads, lockMs, ...(flags.name ? { name: flags.name } : {}), log: (line) => ctx.io.stderr(line), signal: controller.signal }, client);
    } finally {
      process.removeListener("SIGTERM", stop);
      process.removeListener("SIGINT", stop);
      client.disconnect();
    }
  });
  return cmd;
}

// The --workers flag of every long command (docs/scale.md): how many workers run the work units (the calling
// thread and workers − 1 threads, which start only once the run looks long enough to pay for them).
// Default: the TESSERA_WORKERS environment variable, else the cores this process may use (cgroup quota
// included), but one thread for a network beyond MAX_THREADED_PARAMETERS. `--workers 1` runs in this thread.
// TESSERA_THREAD_START=at-once starts the threads with the run whatever its length (benchmarks of the threads, tests).
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { threadStartOf, usableCores } from "../regions/pool.js";
import { parsePositiveInteger } from "./parse.js";
import { parameterCount } from "../network/build.js";
import type { Network } from "../network/ir.js";

export interface WorkersFlags {
  readonly workers?: string;
}

export function addWorkersOption(cmd: Command): Command {
  return cmd.option("--workers <n>", "workers: this thread and n-1 threads, started once the run looks long enough to pay for them (default: $TESSERA_WORKERS, else the usable cores; 1 = this thread only)");
}

/**
 * Without --workers or TESSERA_WORKERS, a network of more parameters than this runs in this thread: every
 * worker thread reads its own copy of the network and builds its own maps and LP buffers (about 500 MB each
 * at the 2^22-parameter limit), and a copy takes seconds to read, so threads would blow the memory and the
 * --timeout of a region search on such a network.
 */
export const MAX_THREADED_PARAMETERS = 2 ** 20;

export function workersFromFlags(flags: WorkersFlags, env: NodeJS.ProcessEnv = process.env, net?: Network): number {
  try {
    threadStartOf(undefined, env);
  } catch (error) {
    throw new InputError("TESSERA_THREAD_START", "", (error as Error).message.replace(/^TESSERA_THREAD_START: /, ""));
  }
  if (flags.workers !== undefined) return parsePositiveInteger(flags.workers, "--workers");
  const fromEnv = env.TESSERA_WORKERS;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!/^\d+$/.test(fromEnv.trim()) || Number(fromEnv) < 1) throw new InputError("TESSERA_WORKERS", "", `${JSON.stringify(fromEnv)} is not a positive integer`);
    return Number(fromEnv);
  }
  if (net && parameterCount(net) > MAX_THREADED_PARAMETERS) return 1;
  return usableCores();
}

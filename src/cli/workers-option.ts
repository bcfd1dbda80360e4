// The --workers flag of every long command (docs/scale.md): how many worker threads run the work units.
// Default: the TESSERA_WORKERS environment variable, else the cores this process may use (cgroup quota
// included). `--workers 1` runs in this thread.
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { usableCores } from "../regions/pool.js";
import { parsePositiveInteger } from "./parse.js";

export interface WorkersFlags {
  readonly workers?: string;
}

export function addWorkersOption(cmd: Command): Command {
  return cmd.option("--workers <n>", "worker threads (default: $TESSERA_WORKERS, else the usable cores; 1 = this thread)");
}

export function workersFromFlags(flags: WorkersFlags, env: NodeJS.ProcessEnv = process.env): number {
  if (flags.workers !== undefined) return parsePositiveInteger(flags.workers, "--workers");
  const fromEnv = env.TESSERA_WORKERS;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!/^\d+$/.test(fromEnv.trim()) || Number(fromEnv) < 1) throw new InputError("TESSERA_WORKERS", "", `${JSON.stringify(fromEnv)} is not a positive integer`);
    return Number(fromEnv);
  }
  return usableCores();
}

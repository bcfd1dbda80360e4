// The script a worker thread runs (regions/pool.ts, analysis/verify-pool.ts): in the CLI bundle
// (dist/bundle/*.cjs, scripts/build-cli.mjs) the thread entry's own bundle beside it; the built JavaScript next
// to the caller (the library, dist/); or, when the TypeScript sources run (tests under vitest), the .ts entry bundled once per process by
// esbuild (the compiler tsx uses) into node_modules/.cache, so each thread starts in milliseconds instead of
// compiling every module again. Also the CPU time of a thread, for benchmarks of the balance.
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, threadId, type ResourceLimits } from "node:worker_threads";

const bundles = new Map<string, Promise<URL>>();

/** The URL of the thread entry `name` (without extension) in the folder of `callerUrl` (the caller's import.meta.url). */
export async function threadScript(callerUrl: string, name: string): Promise<URL> {
  if (callerUrl.endsWith(".cjs")) return new URL(`./${name}.cjs`, callerUrl);
  if (!callerUrl.endsWith(".ts")) return new URL(`./${name}.js`, callerUrl);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = (async () => {
      const esbuild = "esbuild";
      const { build } = (await import(esbuild)) as { build: (options: object) => Promise<unknown> };
      const outfile = fileURLToPath(new URL(`../../node_modules/.cache/tessera/${name}-${process.pid}-${threadId}.mjs`, callerUrl));
      await build({ entryPoints: [fileURLToPath(entry)], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "silent" });
      process.once("exit", () => rmSync(outfile, { force: true }));
      return pathToFileURL(outfile);
    })();
    bundles.set(entry, bundle);
  }
  return bundle;
}

/** CPU time of this thread so far (Linux /proc/thread-self/stat, utime + stime); NaN elsewhere. For benchmarks. */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** What a pool does with its threads' events: a message, a failure (of the thread, or `inHandler`: of `message`), an exit. */
export interface ThreadEvents<M> {
  message(index: number, message: M): void;
  failed(index: number, error: Error, inHandler: boolean): void;
  exited(index: number, code: number): void;
}

/**
 * Start `count` threads of `script`, thread i with workerData `data(i)`; an exception in `message` counts as a
 * failure. `resourceLimits`: V8 heap sizes of each thread (regions/pool.ts caps the young generation).
 */
export function startThreads<M>(script: URL, count: number, data: (index: number) => unknown, events: ThreadEvents<M>, resourceLimits?: ResourceLimits): Worker[] {
  // The parent's flags go to the threads by Node's default, V8 flags included; an explicit execArgv refuses those
  // (`node --max-old-space-size=4096 bin/tessera count … --workers 2` stopped with "invalid execArgv flags"), so
  // it is given only to leave out the flag that makes sense only for a main script given as text.
  const own = process.execArgv.filter((a) => !a.startsWith("--input-type"));
  return Array.from({ length: count }, (_, index) => {
    const worker = new Worker(script, {
      ...(own.length < process.execArgv.length ? { execArgv: own } : {}),
      workerData: data(index),
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    worker.on("message", (m: M) => {
      try {
        events.message(index, m);
      } catch (error) {
        events.failed(index, error as Error, true);
      }
    });
    worker.on("error", (error) => events.failed(index, error, false));
    worker.on("exit", (code) => events.exited(index, code));
    return worker;
  });
}

/** A pool's view of one thread for donation requests: busy with a unit, asked already, last answered "nothing". */
export interface DonorSlot {
  readonly index: number;
  readonly unit?: unknown;
  asked: boolean;
  dryAt: number;
}

/**
 * nnenum's balancing: for each idle thread (not counting requests already out), ask one busy thread to donate,
 * by setting `bit` in its request word of `flags` (at `firstSlot + index`); a thread that had nothing 20 ms ago is skipped.
 */
export function askDonations(slots: readonly DonorSlot[], flags: Int32Array, firstSlot: number, bit: number): void {
  const busy = slots.filter((s) => s.unit !== undefined);
  let idle = slots.length - busy.length - slots.filter((s) => s.asked).length;
  const now = performance.now();
  for (const slot of busy) {
    if (idle <= 0) break;
    if (slot.asked || now - slot.dryAt < 20) continue;
    slot.asked = true;
    Atomics.or(flags, firstSlot + slot.index, bit);
    idle--;
  }
}

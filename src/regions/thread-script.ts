// The script a worker thread runs (regions/pool.ts, analysis/verify-pool.ts): the built JavaScript next to the
// caller; or, when the TypeScript sources run (tests under vitest), the .ts entry bundled once per process by
// esbuild (the compiler tsx uses) into node_modules/.cache, so each thread starts in milliseconds instead of
// compiling every module again. Also the CPU time of a thread, for benchmarks of the balance.
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";

const bundles = new Map<string, Promise<URL>>();

/** The URL of the thread entry `name` (without extension) in the folder of `callerUrl` (the caller's import.meta.url). */
export async function threadScript(callerUrl: string, name: string): Promise<URL> {
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

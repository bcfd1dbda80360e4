// Test helper: run the CLI in-process with captured stdout/stderr, or as a real process through bin/tessera.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/main.js";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function cli(...argv: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false });
  return { code, stdout, stderr };
}

let built = false;

/**
 * Bundle the CLI (dist/bundle/, what bin/tessera runs: scripts/build-cli.mjs) from the current sources, once per
 * test file, so a process run never tests a stale build. About a second; each file is renamed into place, so
 * test files building at once never see half a bundle.
 */
export function buildCli(): void {
  if (built) return;
  const r = spawnSync(process.execPath, ["scripts/build-cli.mjs"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scripts/build-cli.mjs failed (exit ${r.status}): ${r.stderr}`);
  built = true;
}

/** Run bin/tessera in a child process, on a bundle of the current sources. */
export function cliProcess(...argv: string[]): CliRun {
  buildCli();
  const r = spawnSync(process.execPath, ["bin/tessera", ...argv], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Write files into a fresh temporary folder and return their paths by name. */
export function tempFiles(files: Record<string, string | Uint8Array>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "tessera-test-"));
  const paths: Record<string, string> = { dir };
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, content);
    paths[name] = path;
  }
  return paths;
}

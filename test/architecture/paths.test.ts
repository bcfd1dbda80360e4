// The repository stands on its own: no file in src/, test/, bench/, scripts/, docs/ (or the README, CI and
// config files) names a path of the machine it was written on (a home or work folder, a temp folder, a
// sibling `../shared` checkout). Project files are found from the reading file's own location
// (import.meta.url); paths a user types resolve from the working directory. System paths appear only where
// they are the point, and each one is listed below.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The folders and files scanned (fixtures: only the human-written files, not the data). */
const SCANNED_FOLDERS = ["src", "test", "bench", "scripts", "docs", ".ci"];
const SCANNED_FILES = ["README.md", "package.json", "tsconfig.json", "tsconfig.build.json", "vitest.config.ts"];
const TEXT = /\.(ts|mjs|js|md|json|sh|py|txt)$|^[^.]+$/;

/** System paths that are the point where they appear (an interpreter line, a null device, a full disk, an endless file). */
// /sys/fs/cgroup/cpu.max (the CPU quota of a container) and /proc/thread-self/stat (a thread's CPU time) are
// kernel interfaces the worker pool reads (src/regions/pool.ts, worker-thread.ts), not paths of this machine; so are
// /proc/PID/task/TID/stat (each thread's CPU time, bench/scale.ts threads: written `/proc/${pid}/task`, matched as "/proc/").
const ALLOWED_SYSTEM_PATHS = new Set(["/usr/bin/env", "/usr/bin/python3", "/dev/null", "/dev/full", "/dev/zero", "/dev/stdout", "/usr/bin/time", "/sys/fs/cgroup/cpu.max", "/proc/thread-self/stat", "/usr/bin/chromium", "/proc/", "/proc/PID/task/", "/proc/PID/task/TID/stat"]);

/**
 * A path of the writing machine: a sibling checkout, a home folder, or an absolute path under one of the
 * top-level folders of a Unix or macOS machine; Windows drive letters. (Regular expressions such as
 * `/missing/` in tests are not paths: only these roots count.)
 */
const MACHINE_PATH =
  /\.\.\/shared\b|~\/[\w.-]|(?<!\w)[A-Za-z]:\\[\w.-]|(?<![\w.~\-}$<])\/(?:work|root|home|Users|tmp|mnt|var|opt|srv|data|media|private|Volumes|usr|etc|dev|proc|sys|bin|sbin|lib|nix|run|snap)(?:\/[\w.+-]*)*/g;

function scannedFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return walk(path);
      return TEXT.test(e.name) ? [path] : [];
    });
  const fixtures = walk(join(root, "fixtures")).filter((f) => /README\.md$|\.py$/.test(f));
  return [...SCANNED_FOLDERS.flatMap((d) => walk(join(root, d))), ...SCANNED_FILES.map((f) => join(root, f)).filter((f) => statSync(f, { throwIfNoEntry: false })), ...fixtures];
}

/** Every machine path in a text, with its line number, except the allowed system paths. */
export function machinePaths(text: string): { line: number; path: string }[] {
  const found: { line: number; path: string }[] = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(MACHINE_PATH)) if (!ALLOWED_SYSTEM_PATHS.has(m[0])) found.push({ line: i + 1, path: m[0] });
  });
  return found;
}

describe("no path outside the repository", () => {
  it("the detector finds machine paths and lets the allowed system paths and regular expressions through", () => {
    const sample = [
      'const DATA = "../shared/data/acasxu";',
      "const NET = '/work/shared/data/x.onnx';",
      "see /home/alice/tessera and ~/tessera and /Users/bob/x",
      "const tmp = `/tmp/run-1/map.json`;",
      String.raw`C:\Users\carol\tessera`,
      "#!/usr/bin/env bash",
      "npm run build >/dev/null",
      "expect(() => f()).toThrow(/missing/);",
      'join(dir, "data/acasxu"); `${DATA}/onnx/net.onnx`',
      "https://github.com/stanleybak/vnncomp2021/tree/main/benchmarks",
      "/usr/lib/chromium/chromium",
    ].join("\n");
    expect(machinePaths(sample)).toEqual([
      { line: 1, path: "../shared" },
      { line: 2, path: "/work/shared/data/x.onnx" },
      { line: 3, path: "/home/alice/tessera" },
      { line: 3, path: "~/t" },
      { line: 3, path: "/Users/bob/x" },
      { line: 4, path: "/tmp/run-1/map.json" },
      { line: 5, path: "C:\\U" },
      { line: 11, path: "/usr/lib/chromium/chromium" },
    ]);
  });

  it("src/, test/, bench/, scripts/, docs/, the README and the config files name none", () => {
    // This file is left out: its first test holds machine paths on purpose.
    const files = scannedFiles().filter((f) => f !== fileURLToPath(import.meta.url));
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((f) => machinePaths(readFileSync(f, "utf8")).map((h) => `${relative(root, f)}:${h.line}: ${h.path}`));
    expect(hits).toEqual([]);
  });

  it("project files are not read from the working directory (readFileSync(\"fixtures/…\") works only from the repository root)", () => {
    const fromCwd = /\b(?:readFileSync|existsSync|readdirSync|statSync)\(\s*["'`](?:fixtures|docs|src|test|bench|scripts)\//;
    const code = scannedFiles().filter((f) => /\.(ts|mjs|js)$/.test(f) && f !== fileURLToPath(import.meta.url));
    const hits = code.filter((f) => fromCwd.test(readFileSync(f, "utf8"))).map((f) => relative(root, f));
    expect(hits).toEqual([]);
  });

  it("project files are found with fileURLToPath, never URL.pathname (which keeps %20 for a space in the folder name)", () => {
    const code = scannedFiles().filter((f) => /\.(ts|mjs|js)$/.test(f) && f !== fileURLToPath(import.meta.url));
    const hits = code.filter((f) => readFileSync(f, "utf8").includes("import.meta.url).pathname")).map((f) => relative(root, f));
    expect(hits).toEqual([]);
  });
});

// Long runs beyond the limits of the JavaScript engine, and runs that are stopped (src/cli/enumeration-run.ts,
// src/regions/part-file.ts, src/regions/unit-ledger.ts), each on its mechanism with a small limit or a failure
// injected (no test makes 2^24 regions): a failure after the search still prints the count (complete: false,
// exit 1); a checkpoint that cannot be written does not stop the run; parts are written in pieces, never as one
// string, and a part beyond the longest string is refused in one line; sets of patterns beyond one Set's 2^24
// entries; SIGTERM stops a run like SIGINT (the output comes, no temporary folder is left); spill folders of
// dead runs are removed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LinearPieceTracker } from "../../src/graph/piece-tracker.js";
import { LargeStringSet, partJsonChunks, readPartFile, type PartDoc } from "../../src/regions/part-file.js";
import { STALE_SPILL_MS, removeStaleSpillFolders } from "../../src/regions/unit-ledger.js";
import { afterSearch } from "../../src/cli/enumeration-run.js";
import { cli } from "../cli/run.js";
import { projectFile } from "../project.js";
import { TWO_LAYER_NET_JSON } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tessera-long-"));
const path = (name: string): string => join(dir, name);
const twoLayer = path("two-layer.json");
writeFileSync(twoLayer, TWO_LAYER_NET_JSON);

async function countOf(...argv: string[]): Promise<{ regions: number; linearPieces: number | null; complete: boolean; status: string }> {
  const run = await cli("count", twoLayer, "--box=-2:2", "--workers", "1", "--json", ...argv);
  return JSON.parse(run.stdout) as { regions: number; linearPieces: number | null; complete: boolean; status: string };
}

afterEach(() => void vi.restoreAllMocks());

describe("a failure after the search never loses the count", () => {
  it("the piece count fails (as the Map limit once made it): the regions are printed, linearPieces null, complete: false, exit 1", async () => {
    const expected = await countOf();
    expect(expected.complete).toBe(true);
    vi.spyOn(LinearPieceTracker.prototype, "finish").mockImplementation(() => {
      throw new RangeError("Map maximum size exceeded");
    });
    const run = await cli("count", twoLayer, "--box=-2:2", "--workers", "1", "--json");
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ regions: expected.regions, linearPieces: null, complete: false, status: "failed" });
    expect(run.stderr).toMatch(/^tessera: counting linear pieces failed after the search; what the search found is printed\. unexpected error .*Map maximum size exceeded\n$/);
    // regions too: the map is written, its footer says complete: false.
    const map = await cli("regions", twoLayer, "--box=-2:2", "--workers", "1", "--ndjson");
    expect(map.code).toBe(1);
    const footer = JSON.parse(map.stdout.trim().split("\n").pop()!) as { complete: boolean; status: string; counts: { regions: number } };
    expect(footer).toMatchObject({ complete: false, status: "failed", counts: { regions: expected.regions } });
  });

  it("a checkpoint that cannot be written is said once and the run goes on; the count is printed", async () => {
    const expected = await countOf();
    const run = await cli("count", twoLayer, "--box=-2:2", "--workers", "2", "--json", "--checkpoint", path("no-such-folder/run.ckpt"), "--checkpoint-every", "0.001");
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ regions: expected.regions, linearPieces: expected.linearPieces, complete: true });
    expect(run.stderr).toMatch(/writing the checkpoint failed after the search/);
    expect(run.stderr.match(/the checkpoint could not be written/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it("afterSearch: the value, or undefined with one line on stderr and exit code 1", () => {
    let err = "";
    const ctx = { io: { stdout: () => undefined, stderr: (t: string) => void (err += t), stderrIsTTY: false }, exitCode: 0 } as unknown as Parameters<typeof afterSearch>[0];
    expect(afterSearch(ctx, "x", () => 7)).toBe(7);
    expect(ctx.exitCode).toBe(0);
    expect(afterSearch(ctx, "y", () => {
      throw new Error("boom");
    })).toBeUndefined();
    expect(ctx.exitCode).toBe(1);
    expect(err.split("\n").filter(Boolean)).toHaveLength(1);
  });
});

describe("parts and checkpoints beyond the longest string", () => {
  const doc = (regions: number, segments: number): PartDoc =>
    ({
      format: "tessera-part",
      version: 1,
      segments: Array.from({ length: segments }, (_, s) => ({ start: [s], end: [s + 1], decisions: 1, splits: 0, boxes: [], regions: Array.from({ length: regions }, (_, k) => ({ pattern: `${s}|${k}`, digest: `d${k}` })) })),
      stats: { workers: 1, units: segments, donations: 0, elapsedMs: 0 },
    }) as unknown as PartDoc;

  it("written in pieces of `chunk` regions: the pieces joined are the document, and none holds more than its chunk", () => {
    for (const [regions, segments, chunk] of [[1000, 3, 7], [0, 2, 5], [5, 1, 5], [0, 0, 1]] as const) {
      const d = doc(regions, segments);
      const pieces = [...partJsonChunks(d, chunk)];
      const text = pieces.join("");
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(d)));
      const regionText = JSON.stringify({ pattern: `9|${regions}`, digest: `d${regions}` }).length + 1;
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(Math.max(chunk * regionText, 400));
    }
  });

  it("a part longer than the longest string is refused in one line naming the file", () => {
    const file = path("long-part.json");
    writeFileSync(file, JSON.stringify(doc(50, 1)));
    expect(readPartFile(file)).toBe(readFileSync(file, "utf8"));
    expect(() => readPartFile(file, 100)).toThrow(/long-part\.json: is 0\.0 MB, more than one JSON document can hold here/);
  });

  it("a set of patterns in Sets of at most `limit` entries (one Set holds at most 2^24)", () => {
    const set = new LargeStringSet(3);
    for (let k = 0; k < 10; k++) set.add(`p${k}`);
    for (let k = 0; k < 10; k++) set.add(`p${k}`);
    expect(set.size).toBe(10);
    expect(set.parts).toBe(4);
    for (let k = 0; k < 10; k++) expect(set.has(`p${k}`)).toBe(true);
    expect(set.has("p10")).toBe(false);
  });
});

describe("runs that are stopped: SIGTERM, and the spill folders of dead runs", () => {
  it("spill folders whose process is gone and which are stale are removed; the others are kept", () => {
    const tmp = mkdtempSync(join(tmpdir(), "tessera-spills-"));
    // A process that has exited: its PID is free (for the moment).
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    const old = (Date.now() - STALE_SPILL_MS - 60_000) / 1000;
    const make = (name: string, stale: boolean): void => {
      mkdirSync(join(tmp, name));
      writeFileSync(join(tmp, name, "0.ndjson"), "{}\n");
      if (stale) utimesSync(join(tmp, name), old, old);
    };
    make(`tessera-ledger-${dead}-aaaaaa`, true);
    make(`tessera-ledger-${dead}-bbbbbb`, false);
    make(`tessera-ledger-${process.ppid}-cccccc`, true);
    make(`tessera-ledger-${process.pid}-dddddd`, true);
    make("tessera-ledger-eeeeee", true);
    removeStaleSpillFolders(tmp);
    expect(readdirSync(tmp).sort()).toEqual([`tessera-ledger-${dead}-bbbbbb`, `tessera-ledger-${process.ppid}-cccccc`, `tessera-ledger-${process.pid}-dddddd`, "tessera-ledger-eeeeee"].sort());
  });

  it("SIGTERM stops a run on threads like SIGINT: the map is written, marked complete: false, and no spill folder is left", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "tessera-sigterm-"));
    const out = path("sigterm.ndjson");
    const net = projectFile("fixtures/bench/mlp-3-32-32-32-2.json");
    const args = ["regions", net, "--box=-1:1", "--workers", "2", "--ndjson", "-o", out];
    const main = new URL("../../src/cli/main.ts", import.meta.url).href;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `const { runCli } = await import(${JSON.stringify(main)}); process.exitCode = await runCli(${JSON.stringify(args)});`], { stdio: "ignore", env: { ...process.env, TMPDIR: tmp } });
    // Stop it once it has written some regions (the temporary output file next to `out` grows).
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        const temp = readdirSync(dir).find((n) => n.startsWith(".sigterm.ndjson."));
        if (!temp || readFileSync(join(dir, temp), "utf8").split("\n").length < 50) return;
        clearInterval(poll);
        child.kill("SIGTERM");
        resolve();
      }, 50);
      child.on("exit", () => {
        clearInterval(poll);
        reject(new Error("the run ended before it was stopped"));
      });
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const footer = JSON.parse(readFileSync(out, "utf8").trim().split("\n").pop()!) as { complete: boolean; status: string };
    expect(footer).toMatchObject({ complete: false, status: "interrupted" });
    expect(readdirSync(tmp).filter((n) => n.startsWith("tessera-ledger-"))).toEqual([]);
  }, 180_000);
});

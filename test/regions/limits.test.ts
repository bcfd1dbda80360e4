// Limits and streaming: an abort signal (what SIGINT triggers in the CLI) stops the search with
// complete: false, regions stream to onRegion as found, maxRegions/timeouts are reported, no progress is
// drawn when stderr is not a terminal, and the default domain is the network's own input box.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rat, type Rational } from "../../src/exact/rational.js";
import { runCli } from "../../src/cli/main.js";
import { enumerateRegions } from "../../src/regions/enumerate.js";
import { randomMlp } from "./helpers.js";
import { seededRandom } from "../../src/exact/random.js";
import { projectFile } from "../project.js";

const net = randomMlp(seededRandom(61), [2, 8, 8, 1]);
const box = { kind: "box" as const, lo: [rat(-1), rat(-1)] as Rational[], hi: [rat(1), rat(1)] as Rational[] };

describe("limits", () => {
  it("an aborted signal (SIGINT) stops the search: status interrupted, complete false", async () => {
    const controller = new AbortController();
    let seen = 0;
    const r = await enumerateRegions(net, box, {
      signal: controller.signal,
      onRegion: () => {
        if (++seen === 3) controller.abort();
      },
    });
    expect(r.status).toBe("interrupted");
    expect(r.complete).toBe(false);
    expect(r.regions).toBe(3);
  });
  it("regions stream to onRegion in id order, as many as counted", async () => {
    const ids: number[] = [];
    const r = await enumerateRegions(net, box, { onRegion: (region) => ids.push(region.id), irredundant: false });
    expect(r.complete).toBe(true);
    expect(ids).toEqual(Array.from({ length: r.regions }, (_, i) => i));
  });
  it("maxRegions stops at exactly N", async () => {
    const r = await enumerateRegions(net, box, { maxRegions: 4 });
    expect(r).toMatchObject({ regions: 4, complete: false, status: "max-regions" });
  });
  it("unknown options are refused (a typo must not be ignored)", async () => {
    await expect(enumerateRegions(net, box, { maxRegion: 3 } as never)).rejects.toThrow(/unknown option "maxRegion"/);
  });
});

describe("CLI domains", () => {
  const dir = mkdtempSync(join(tmpdir(), "tessera-limits-"));
  async function cli(args: string[], tty = false): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), stderrIsTTY: tty });
    return { code, out, err };
  }
  it("the network's input box is the default domain", async () => {
    const seed = JSON.parse(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8")) as Record<string, unknown>;
    const file = join(dir, "boxed.json");
    writeFileSync(file, JSON.stringify({ ...seed, inputBox: ["-1:1", "-1:1"] }));
    const r = JSON.parse((await cli(["count", file, "--json"])).out) as { regions: number; domain: { kind: string } };
    expect(r).toMatchObject({ regions: 5, domain: { kind: "box" } });
  });
  it("--property takes the VNN-LIB input box", async () => {
    const file = join(dir, "p.vnnlib");
    writeFileSync(file, "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 -1))\n(assert (<= X_1 1))\n(assert (>= X_1 -1))\n(assert (<= Y_0 0))\n");
    const a = JSON.parse((await cli(["count", "fixtures/seed-three-neurons.json", "--property", file, "--json"])).out) as { regions: number };
    expect(a.regions).toBe(5);
  });
  it("no progress bar when stderr is not a terminal", async () => {
    const r = await cli(["count", "fixtures/seed-three-neurons.json"]);
    expect(r.err).toBe("");
  });
  it("a --no-certify map has no certificates and check says so", async () => {
    const map = join(dir, "nocert.json");
    expect((await cli(["regions", "fixtures/seed-three-neurons.json", "--no-certify", "-o", map])).code).toBe(0);
    const r = await cli(["check", map, "fixtures/seed-three-neurons.json"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/without certificates/);
  });
});

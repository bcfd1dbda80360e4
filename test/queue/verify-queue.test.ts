// `verify --queue` (src/queue/submit-verify.ts, src/queue/branch-units.ts): branch-and-bound nodes as work units
// on `tessera worker` processes through a real redis-server. The verdict, node count and holds certificate (byte
// for byte) equal a local run's and `tessera check` accepts it; a counterexample found by the workers' branch
// and bound (the quick search turned off) cancels every other unit and is re-checked with a plain forward pass;
// a unit splits while a worker is idle even when its budget is far away;
// the wire form keeps every float bit for bit; an answer that does not cover its unit exactly is refused.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/formats/load.js";
import "../../src/formats/index.js";
import { loadVnnlib } from "../../src/formats/vnnlib.js";
import { verify } from "../../src/analysis/verify.js";
import { problemFromVnnlib } from "../../src/analysis/problem.js";
import { packageVersion } from "../../src/cli/version.js";
import { connectRedis } from "../../src/queue/connection.js";
import { verifyOnQueue } from "../../src/queue/submit-verify.js";
import { branchFromJson, branchToJson, floatsFromBase64, floatsToBase64, readBranchAnswer, treeToJson } from "../../src/queue/branch-units.js";
import { cli, tempFiles } from "../cli/run.js";
import { isUnsafeInput } from "../analysis/unsafe-input.js";
import { cliChild, startRedis, startWorker, until, type RedisServer, type WorkerProcess } from "./redis.js";

const ACAS = fileURLToPath(new URL("../../fixtures/acasxu", import.meta.url));
const acas = (net: string, prop: number): [string, string] => [`${ACAS}/onnx/ACASXU_run2a_${net}_batch_2000.onnx`, `${ACAS}/vnnlib/prop_${prop}.vnnlib`];
/** No random points and no descent before branching: a counterexample must come from the branch and bound. */
const NO_QUICK_SEARCH = { randomPoints: 0, starts: 0 };

describe.sequential("verify --queue (real redis-server, worker processes)", () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    workers.push(await startWorker(redis.url(), "v1"), await startWorker(redis.url(), "v2"));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await redis?.stop();
  }, 30_000);

  it("holds with a local run's node count and certificate, byte for byte; --check-parts and `tessera check` accept it; the run deletes its keys", async () => {
    const [net, prop] = acas("1_4", 3);
    const { dir } = tempFiles({});
    const local = await cli("verify", net, "--property", prop, "--certificate", join(dir!, "local.json"), "--json");
    expect(local.code, local.stderr).toBe(0);
    // A tiny budget: every unit hands nodes back, so the tree is joined from many units of both workers.
    const queued = await cli("verify", net, "--property", prop, "--queue", redis.url(), "--unit-seconds", "0.001", "--check-parts", "--certificate", join(dir!, "queued.json"), "--json");
    expect(queued.code, queued.stderr).toBe(0);
    const [l, q] = [local, queued].map((r) => JSON.parse(r.stdout) as { result: string; stats: { nodes: number; leaves: number; maxDepth: number; units?: number } });
    expect(q!.result).toBe("holds");
    expect([q!.stats.nodes, q!.stats.leaves, q!.stats.maxDepth]).toEqual([l!.stats.nodes, l!.stats.leaves, l!.stats.maxDepth]);
    expect(q!.stats.units).toBeGreaterThan(1);
    expect(queued.stderr).toMatch(/--check-parts: the holds certificate joined from the workers verified/);
    expect(readFileSync(join(dir!, "queued.json"), "utf8")).toBe(readFileSync(join(dir!, "local.json"), "utf8"));
    expect((await cli("check", join(dir!, "queued.json"), net, "--property", prop)).code).toBe(0);
    expect(await redis.client().keys("tessera:run:*")).toEqual([]);
    expect(await redis.client().keys("tessera:net:*")).toEqual([]);
  }, 120_000);

  it("a unit whose budget is never reached still splits while a worker is idle: both workers take part, the same nodes", async () => {
    const [net, prop] = acas("1_1", 1);
    const local = JSON.parse((await cli("verify", net, "--property", prop, "--json")).stdout) as { result: string; stats: { nodes: number } };
    // One open case: a single root unit, and a budget of 1000 CPU seconds that no unit reaches.
    const queued = await cli("verify", net, "--property", prop, "--queue", redis.url(), "--unit-seconds", "1000", "--json");
    expect(queued.code, queued.stderr).toBe(0);
    const q = JSON.parse(queued.stdout) as { result: string; stats: { nodes: number; units: number } };
    expect([q.result, q.stats.nodes]).toEqual([local.result, local.stats.nodes]);
    expect(q.stats.units).toBeGreaterThan(1);
    expect(queued.stderr).toMatch(/units on 2 workers/);
  }, 120_000);

  it("a counterexample found by a worker's branch and bound: violated, re-checked exactly, every other unit cancelled", async () => {
    const [netFile, prop] = acas("1_2", 2);
    const net = loadNetwork(netFile);
    const problem = problemFromVnnlib(loadVnnlib(prop));
    expect(verify(net, problem, { search: NO_QUICK_SEARCH }).result).toBe("violated");
    const client = await connectRedis(redis.url(), "--queue");
    try {
      let units = 0;
      const out = await verifyOnQueue(client, net, problem, { url: redis.url(), from: "--queue", runId: "violated", version: packageVersion(), unitSeconds: 0.001, onStats: (s) => (units = s.units) }, { search: NO_QUICK_SEARCH });
      expect(out.result).toBe("violated");
      expect(units).toBeGreaterThan(0);
      if (out.result !== "violated") return;
      // A plain forward pass: the input is in a box of the property and the output satisfies an unsafe conjunction.
      expect(isUnsafeInput(net, problem, out.counterexample.input)).toBe(true);
      // Cancelled: no job of the run waits, its keys are gone.
      const db = redis.client();
      expect((await db.lrange("tessera:units:wait", 0, -1)).filter((id) => id.startsWith("violated_"))).toEqual([]);
      expect(await db.keys("tessera:run:violated*")).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 120_000);

  it("a corrupted verify unit is refused by the worker; the error reaches the submitter (exit 1); the worker goes on", async () => {
    const url = redis.url(1);
    const db = redis.client(1);
    const [net, prop] = acas("1_4", 3);
    const run = cli("verify", net, "--property", prop, "--queue", url, "--run-id", "corrupted-node");
    await until(async () => (await db.keys("tessera:units:corrupted-node_*")).length > 0, "the units to be queued");
    for (const key of await db.keys("tessera:units:corrupted-node_*")) {
      const data = JSON.parse((await db.hget(key, "data"))!) as { branch: { node: Record<string, unknown> } };
      data.branch.node.lo = "not base64!";
      await db.hset(key, "data", JSON.stringify(data));
    }
    const worker = await startWorker(url, "v-refuser");
    workers.push(worker);
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: queue: worker v-refuser: verify unit 0:"" of run corrupted-node: .*branch\.node\.lo: is not base64 text/);
    const good = await cli("verify", net, "--property", prop, "--queue", url, "--json");
    expect(good.code, good.stderr).toBe(0);
    expect(worker.child.exitCode).toBe(null);
  }, 120_000);

  it("SIGINT cancels a queued verify: unknown (interrupted, exit 20), its units and keys removed", async () => {
    // Database 2: no worker listens there, so the units wait until the run is cancelled.
    const db = redis.client(2);
    const [net, prop] = acas("1_4", 3);
    const child = cliChild(["verify", net, "--property", prop, "--queue", redis.url(2), "--run-id", "interrupted", "--json"]);
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => void (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await until(async () => (await db.keys("tessera:units:interrupted_*")).length > 0, "the units to be queued");
    child.kill("SIGINT");
    expect(await exited).toBe(20);
    expect(JSON.parse(stdout)).toMatchObject({ result: "unknown", reason: "interrupted" });
    expect(await db.keys("tessera:run:*")).toEqual([]);
    expect(await db.keys("tessera:net:*")).toEqual([]);
    expect(await db.llen("tessera:units:wait")).toBe(0);
  }, 60_000);
});

describe("verify units on the wire", () => {
  it("floats travel bit for bit (-0, infinities, NaN, subnormals)", () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (values) => {
        const back = floatsFromBase64(floatsToBase64(values), "test", "x");
        expect(back.length).toBe(values.length);
        values.forEach((v, i) => expect(Object.is(back[i], v)).toBe(true));
      }),
    );
  });

  const node = { lo: Float64Array.of(-1, 0), hi: Float64Array.of(-0, 1), loIn: Float64Array.of(-1, 0), hiIn: Float64Array.of(-0, 1), depth: 2, phases: [{ node: 1, neuron: 3, active: true }], sameBox: true, key: -Infinity, inherit: { lo: [Float64Array.of(0.1)], hi: [Float64Array.of(0.30000000000000004)] }, path: "01" };

  it("an open node reads back as it was written; bad nodes are refused with their place", () => {
    const back = branchFromJson(JSON.parse(JSON.stringify(branchToJson(node))), 2, "test", "node");
    expect(back).toEqual(node);
    expect(Object.is(back.hi[0], -0)).toBe(true);
    expect(() => branchFromJson(branchToJson(node), 3, "test", "node")).toThrow(/node\.lo: has 2 values, the network 3 inputs/);
    expect(() => branchFromJson({ ...branchToJson(node), path: "012" }, 2, "test", "node")).toThrow(/node\.path: is not a string of 0 and 1/);
    expect(() => branchFromJson({ ...branchToJson(node), lo: floatsToBase64([2, 0]) }, 2, "test", "node")).toThrow(/input 0: the box is empty/);
  });

  // Unit "0" of case 0: a split whose first child is closed and whose second child ("01") is open.
  const leaf = { mu: [0.5] };
  const tree = treeToJson({ split: { dim: 0, at: 0.25 }, children: [leaf, {}] });
  const answer = (extra: Record<string, unknown>): string => JSON.stringify({ ok: true, kind: "closed", case: 0, path: "0", worker: "w", counts: { nodes: 2 }, cpuMs: 1, trees: [{ path: "0", tree }], open: [], ...extra });
  const pending = (): boolean => true;

  it("a closed answer must cover its unit exactly: every open node of its trees is filled once", () => {
    const open = branchToJson({ ...node, path: "01" });
    const ok = readBranchAnswer(answer({ open: [open] }), 2, pending);
    expect(ok.reading?.kind).toBe("closed");
    const filledByTree = readBranchAnswer(answer({ trees: [{ path: "0", tree }, { path: "01", tree: treeToJson(leaf) }] }), 2, pending);
    expect(filledByTree.reading?.kind).toBe("closed");
    expect(() => readBranchAnswer(answer({}), 2, pending)).toThrow(/open node "01" is in no tree and no open unit/);
    expect(() => readBranchAnswer(answer({ open: [open, open] }), 2, pending)).toThrow(/node "01" is not an open node of its trees, or is given twice/);
    expect(() => readBranchAnswer(answer({ open: [branchToJson({ ...node, path: "00" })] }), 2, pending)).toThrow(/node "00" is not an open node/);
    expect(() => readBranchAnswer(answer({ trees: [{ path: "01", tree: treeToJson(leaf) }] }), 2, pending)).toThrow(/has no tree for its unit "0"/);
    expect(() => readBranchAnswer(answer({ trees: [{ path: "0", tree: { split: tree.split } }] }), 2, pending)).toThrow(/is neither a leaf/);
    // An answer for a unit that is not pending (answered already) is a duplicate: not read further.
    expect(readBranchAnswer(answer({}), 2, () => false).reading).toBeUndefined();
  });
});

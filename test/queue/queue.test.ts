// Work units on a Redis queue (src/queue, docs/distributed.md), against a real redis-server with `tessera
// worker` processes as real child processes: the same count, linear pieces and region map as a local run for
// 1, 2 and 3 workers (counts against Zaslavsky's formula and a hand-counted net; maps of random degenerate
// nets), a worker SIGKILLed in the middle of a unit, refusals (another version, a corrupted unit) that reach the
// submitter while the worker goes on, --check-parts, limits, and the bad inputs (wrong password, unreachable
// port, run id in use).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeNetworkJson } from "../../src/formats/network-json.js";
import { seededRandom as rng } from "../../src/exact/random.js";
import { packageVersion } from "../../src/cli/version.js";
import { buildCli, cli, tempFiles } from "../cli/run.js";
import { projectFile } from "../project.js";
import { TWO_LAYER_NET_JSON, binomial, degenerateNetCase, oneLayer, randomMatrix, randomRational } from "../regions/helpers.js";
import { bundleChild, cliChild, freePort, startRedis, startWorker, until, type RedisServer, type WorkerProcess } from "./redis.js";

const next = rng(912);
/** 9 random lines in general position in R^2: Zaslavsky's count 1 + 9 + C(9,2) = 46 regions. */
const ZASLAVSKY = { net: oneLayer(next, randomMatrix(next, 9, 2), Array.from({ length: 9 }, () => randomRational(next))), regions: binomial(9, 0) + binomial(9, 1) + binomial(9, 2) };
const files = tempFiles({ "two.json": TWO_LAYER_NET_JSON, "lines.json": writeNetworkJson(ZASLAVSKY.net) });
const SMALL = projectFile("fixtures/bench/mlp-2-16-16-2.json");

interface CountJson {
  regions: number;
  linearPieces: number;
  complete: boolean;
  status: string;
  stats: { decisions: number; splits: number; workers: number };
}

const parse = <T>(text: string): T => JSON.parse(text) as T;
const withoutStats = (text: string): string => {
  const doc = parse<Record<string, unknown>>(text);
  delete doc.stats;
  return JSON.stringify(doc);
};

/** Units of `run` completed so far (BullMQ's event stream of the queue). */
async function completedUnits(db: Redis, run: string): Promise<number> {
  const events = await db.xrange("tessera:units:events", "-", "+");
  return events.filter(([, fields]) => fields.includes("completed") && fields.some((f) => f.startsWith(`${run}_`))).length;
}

describe.sequential("work units on a Redis queue (real redis-server, worker processes)", () => {
  let redis: RedisServer;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await redis?.stop();
  }, 30_000);

  it("count and regions give a local run's answer on 1, 2 and 3 worker processes; SIGTERM ends a worker cleanly", async () => {
    const localCount = parse<CountJson>((await cli("count", files["lines.json"]!, "--workers", "1", "--json")).stdout);
    expect(localCount.regions).toBe(ZASLAVSKY.regions);
    const localMap = await cli("regions", files["two.json"]!, "--box=-2:2", "--workers", "1", "--json");
    expect(parse<{ regions: unknown[] }>(localMap.stdout).regions).toHaveLength(33);
    for (const n of [1, 2, 3]) {
      workers.push(await startWorker(redis.url(), `w${n}`));
      // A budget of 2 decisions a unit: every unit splits, so many units go round the queue.
      const counted = await cli("count", files["lines.json"]!, "--queue", redis.url(), "--unit-decisions", "2", "--json");
      expect(counted.code, counted.stderr).toBe(0);
      const c = parse<CountJson>(counted.stdout);
      expect([c.regions, c.linearPieces, c.complete, c.stats.decisions, c.stats.splits]).toEqual([ZASLAVSKY.regions, localCount.linearPieces, true, localCount.stats.decisions, localCount.stats.splits]);
      expect(c.stats.workers).toBeLessThanOrEqual(n);
      const mapped = await cli("regions", files["two.json"]!, "--box=-2:2", "--queue", redis.url(), "--unit-decisions", "2", "--json");
      expect(mapped.code, mapped.stderr).toBe(0);
      expect(withoutStats(mapped.stdout)).toBe(withoutStats(localMap.stdout));
      const mapFile = join(files.dir!, `map-${n}.json`);
      writeFileSync(mapFile, mapped.stdout);
      expect((await cli("check", mapFile, files["two.json"]!)).code).toBe(0);
    }
    // The run deleted its keys: nothing of a run or a network is left in Redis.
    expect(await redis.client().keys("tessera:run:*")).toEqual([]);
    expect(await redis.client().keys("tessera:net:*")).toEqual([]);
    const last = workers.pop()!;
    expect(await last.stop()).toBe(0);
  }, 180_000);

  it("random degenerate nets (property): the queued region map is the local one, byte for byte but for stats", async () => {
    // Two worker processes (those the test above left running, or new ones when this test runs alone).
    while (workers.length < 2) workers.push(await startWorker(redis.url(), `p${workers.length + 1}`));
    let k = 0;
    await fc.assert(
      fc.asyncProperty(degenerateNetCase, async ({ net, domain, text }) => {
        const file = join(files.dir!, `property-${k++}.json`);
        writeFileSync(file, writeNetworkJson(net));
        const box = domain?.kind === "box" ? [`--box=${domain.lo[0]!.toString()}:${domain.hi[0]!.toString()}`] : [];
        const local = await cli("regions", file, ...box, "--workers", "1", "--json");
        expect(local.code, `${text}: ${local.stderr}`).toBe(0);
        // A budget of 2 decisions a unit: every unit splits, and both workers take part.
        const queued = await cli("regions", file, ...box, "--queue", redis.url(), "--unit-decisions", "2", "--json");
        expect(queued.code, `${text}: ${queued.stderr}`).toBe(0);
        expect(withoutStats(queued.stdout), text).toBe(withoutStats(local.stdout));
      }),
      { numRuns: 8 },
    );
  });

  it("a run id used again by a later run with another network: the workers run the new network", async () => {
    const first = await cli("count", files["lines.json"]!, "--queue", redis.url(), "--run-id", "used-twice", "--json");
    expect(parse<CountJson>(first.stdout).regions).toBe(ZASLAVSKY.regions);
    const second = await cli("count", files["two.json"]!, "--box=-2:2", "--queue", redis.url(), "--run-id", "used-twice", "--json");
    expect(second.code, second.stderr).toBe(0);
    expect(parse<CountJson>(second.stdout).regions).toBe(33);
  }, 60_000);

  it("--check-parts verifies every returned region at the submitter (count included)", async () => {
    const local = parse<CountJson>((await cli("count", files["two.json"]!, "--box=-2:2", "--workers", "1", "--json")).stdout);
    const checked = await cli("count", files["two.json"]!, "--box=-2:2", "--queue", redis.url(), "--unit-decisions", "3", "--check-parts", "--json");
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stderr).toMatch(/--check-parts: all 33 regions verified/);
    const c = parse<CountJson>(checked.stdout);
    expect([c.regions, c.linearPieces, c.complete]).toEqual([33, local.linearPieces, true]);
  }, 60_000);

  it("graph and bounds give a local run's answer", async () => {
    const net = files["two.json"]!;
    const withoutTime = (text: string): string => {
      const doc = parse<Record<string, unknown>>(text);
      delete doc.elapsedMs;
      return JSON.stringify(doc);
    };
    for (const command of ["graph", "bounds"]) {
      const local = await cli(command, net, "--box=-2:2", "--workers", "1", "--json");
      const queued = await cli(command, net, "--box=-2:2", "--queue", redis.url(), "--unit-decisions", "3", "--json");
      expect(queued.code, queued.stderr).toBe(0);
      expect(withoutTime(queued.stdout), command).toBe(withoutTime(local.stdout));
    }
  }, 60_000);

  it("--max-regions stops the run: the output comes marked complete: false, the run's keys are deleted", async () => {
    const r = await cli("count", files["lines.json"]!, "--queue", redis.url(), "--unit-decisions", "2", "--max-regions", "10", "--json");
    expect(r.code, r.stderr).toBe(0);
    const c = parse<CountJson>(r.stdout);
    expect([c.regions, c.complete, c.status]).toEqual([10, false, "max-regions"]);
    expect(await redis.client().keys("tessera:run:*")).toEqual([]);
  }, 60_000);

  it("a worker SIGKILLed in the middle of a unit: another worker runs it again, the count is the same", async () => {
    // Database 1: a queue of its own, so that the workers of the tests above do not take its units.
    const url = redis.url(1);
    const db = redis.client(1);
    const expected = parse<CountJson>((await cli("count", SMALL, "--box=-1:1", "--workers", "1", "--json")).stdout);
    const doomed = await startWorker(url, "doomed");
    const run = cli("count", SMALL, "--box=-1:1", "--queue", url, "--run-id", "kill-test", "--unit-decisions", "300", "--json");
    const active = async (): Promise<string[]> => (await db.lrange("tessera:units:active", 0, -1)).filter((id) => id.startsWith("kill-test_"));
    await until(async () => (await active()).length > 0, "a unit to be taken");
    doomed.child.kill("SIGKILL");
    await doomed.stop();
    // A unit is still held by the dead worker (no other worker is alive): only the stalled-job check frees it.
    expect(await active()).toHaveLength(1);
    // The rescuer runs each unit on 2 threads of its own (the worker's thread path).
    const rescuer = await startWorker(url, "rescuer", ["--workers", "2"]);
    workers.push(rescuer);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    const c = parse<CountJson>(r.stdout);
    expect([c.regions, c.linearPieces, c.complete, c.stats.decisions]).toEqual([expected.regions, expected.linearPieces, true, expected.stats.decisions]);
  }, 120_000);

  it("a unit of another tessera version and a corrupted unit are refused; the errors reach the submitters; the worker goes on", async () => {
    const url = redis.url(2);
    const db = redis.client(2);
    const other = cli("count", files["two.json"]!, "--box=-2:2", "--queue", url, "--run-id", "other-version", "--json");
    const corrupt = cli("count", files["two.json"]!, "--box=-2:2", "--queue", url, "--run-id", "corrupted", "--json");
    // Rewrite every queued unit of both runs before a worker listens on database 2.
    for (const run of ["other-version", "corrupted"]) {
      await until(async () => (await db.keys(`tessera:units:${run}_*`)).length > 0, `the units of ${run} to be queued`);
      for (const key of await db.keys(`tessera:units:${run}_*`)) {
        const data = parse<{ unit: unknown }>((await db.hget(key, "data"))!);
        const forged = run === "corrupted" ? { run, tessera: packageVersion(), workUnitVersion: 1, unit: { start: "garbage" } } : { run, tessera: "0.0.0-other", workUnitVersion: 1, unit: data.unit };
        await db.hset(key, "data", JSON.stringify(forged));
      }
    }
    const worker = await startWorker(url, "refuser");
    workers.push(worker);
    const [o, k] = await Promise.all([other, corrupt]);
    expect(o.code).toBe(1);
    expect(o.stderr).toMatch(/error: queue: worker refuser: .*tessera 0\.0\.0-other/);
    expect(parse<CountJson>(o.stdout).complete).toBe(false);
    expect(k.code).toBe(1);
    expect(k.stderr).toMatch(/error: queue: worker refuser: .*unit\.start: is not an array of piece indices/);
    expect(parse<CountJson>(k.stdout).complete).toBe(false);
    // The same worker process runs the next run to the end.
    const good = await cli("count", files["two.json"]!, "--box=-2:2", "--queue", url, "--json");
    expect(good.code, good.stderr).toBe(0);
    expect(parse<CountJson>(good.stdout).regions).toBe(33);
    expect(worker.child.exitCode).toBe(null);
  }, 120_000);

  it("SIGINT cancels a run: its output comes marked complete: false, its units and keys are removed", async () => {
    const url = redis.url(3);
    const db = redis.client(3);
    const child = cliChild(["count", files["two.json"]!, "--box=-2:2", "--queue", url, "--run-id", "interrupted", "--json"]);
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => void (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    // No worker listens on database 3: the units wait until the run is cancelled.
    await until(async () => (await db.keys("tessera:units:interrupted_*")).length > 0, "the units to be queued");
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const c = parse<CountJson>(stdout);
    expect([c.regions, c.complete, c.status]).toEqual([0, false, "interrupted"]);
    expect(await db.keys("tessera:run:*")).toEqual([]);
    expect(await db.keys("tessera:net:*")).toEqual([]);
    expect(await db.llen("tessera:units:wait")).toBe(0);
  }, 60_000);

  it("--timeout stops a queued run: the output comes marked complete: false, its units and keys are removed", async () => {
    // Database 4: no worker listens there, so the units wait until the timeout cancels the run.
    const url = redis.url(4);
    const db = redis.client(4);
    const r = await cli("count", files["two.json"]!, "--box=-2:2", "--queue", url, "--run-id", "timed-out", "--timeout", "0.5", "--json");
    expect(r.code, r.stderr).toBe(0);
    const c = parse<CountJson>(r.stdout);
    expect([c.regions, c.complete, c.status]).toEqual([0, false, "timeout"]);
    expect(await db.keys("tessera:run:*")).toEqual([]);
    expect(await db.keys("tessera:net:*")).toEqual([]);
    expect(await db.keys("tessera:units:timed-out_*")).toEqual([]);
  }, 60_000);

  // A restart after SIGTERM (the server writes its append-only file first) must resume; after SIGKILL with the
  // file synced every second the last second's writes may be lost: the run resumes or stops with the error.
  for (const [fsync, signal] of [["always", "SIGTERM"], ["everysec", "SIGKILL"]] as const) {
    it(`Redis ${signal === "SIGTERM" ? "restarted" : "SIGKILLed and restarted"} WITH persistence (append-only file, fsync ${fsync}) during a run: ${signal === "SIGTERM" ? "the run resumes with the local count" : "the local count or a clear error, never a wrong complete answer"}`, async () => {
      const expected = parse<CountJson>((await cli("count", SMALL, "--box=-1:1", "--workers", "1", "--json")).stdout);
      const other = await startRedis("test-pass", fsync);
      const worker = await startWorker(other.url(), `survivor-${fsync}`);
      try {
        // Small units, so that the run is still going on when Redis stops.
        const run = cli("count", SMALL, "--box=-1:1", "--queue", other.url(), "--run-id", `persisted-${fsync}`, "--unit-decisions", "20", "--json");
        const db = other.client();
        await until(async () => (await completedUnits(db, `persisted-${fsync}`)) >= 3, "the run to be under way");
        await other.restart(signal);
        const r = await run;
        const c = parse<CountJson>(r.stdout);
        if (signal === "SIGTERM" || r.code === 0) {
          expect(r.code, r.stderr).toBe(0);
          expect([c.regions, c.linearPieces, c.complete, c.stats.decisions]).toEqual([expected.regions, expected.linearPieces, true, expected.stats.decisions]);
        } else {
          expect(r.stderr).toMatch(/error: queue: /);
          expect(c.complete).toBe(false);
        }
      } finally {
        await worker.stop();
        await other.stop();
      }
    }, 90_000);
  }

  it("Redis restarted without persistence during a run: a clear error and an incomplete answer, never a complete one", async () => {
    const other = await startRedis();
    try {
      const run = cli("count", files["two.json"]!, "--box=-2:2", "--queue", other.url(), "--run-id", "restarted", "--json");
      const db = other.client();
      await until(async () => (await db.keys("tessera:units:restarted_*")).length > 0, "the units to be queued");
      await other.restart();
      const r = await run;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error: queue: the run's state is gone from Redis/);
      expect(parse<CountJson>(r.stdout).complete).toBe(false);
    } finally {
      await other.stop();
    }
  }, 60_000);

  it("bad input: wrong password, unreachable port, bad URL, a run id in use or malformed: one line, exit 1", async () => {
    const net = files["two.json"]!;
    const wrong = await cli("count", net, "--queue", `redis://:wrong@127.0.0.1:${redis.port}`);
    expect([wrong.code, wrong.stderr]).toEqual([1, `tessera: error: --queue: cannot use Redis at redis://:***@127.0.0.1:${redis.port}: the password (or user) is wrong\n`]);
    const none = await cli("count", net, "--queue", `redis://127.0.0.1:${redis.port}`);
    expect(none.stderr).toMatch(/needs a password/);
    const port = await freePort();
    const refused = await cli("count", net, "--queue", `redis://127.0.0.1:${port}`);
    expect([refused.code, refused.stderr]).toEqual([1, `tessera: error: --queue: cannot use Redis at redis://127.0.0.1:${port}: the connection was refused (is redis-server running on that host and port?)\n`]);
    const scheme = await cli("count", net, "--queue", "http://127.0.0.1:6379");
    expect([scheme.code, scheme.stderr]).toEqual([1, 'tessera: error: --queue: "http://127.0.0.1:6379": the scheme must be redis:// or rediss:// (TLS), not http://\n']);
    await redis.client().set("tessera:run:taken", "{}");
    const taken = await cli("count", net, "--queue", redis.url(), "--run-id", "taken");
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^tessera: error: --run-id: run id "taken" is in use on this Redis/);
    const malformed = await cli("count", net, "--queue", redis.url(), "--run-id", "a:b");
    expect(malformed.stderr).toMatch(/--run-id: "a:b" is not a run id/);
    const noQueue = await cli("count", net, "--check-parts");
    expect([noQueue.code, noQueue.stderr.split("\n").length]).toEqual([1, 2]);
    const shard = await cli("count", net, "--queue", redis.url(), "--shard", "1/2", "-o", join(files.dir!, "p.json"));
    expect(shard.stderr).toMatch(/--queue: cannot be combined with --shard/);
  }, 60_000);
});

describe("the queue in the CLI bundle (bin/tessera, as users run it)", () => {
  it("a bundled worker and a bundled submitter give Zaslavsky's count; BullMQ and ioredis come from dist/bundle/queue-deps.cjs, not tessera.cjs", async () => {
    buildCli();
    // Every command loads tessera.cjs; only queued runs and workers load the queue's packages, from their own bundle.
    const cliBundle = readFileSync(projectFile("dist/bundle/tessera.cjs"), "utf8");
    expect(cliBundle).toContain('require("./queue-deps.cjs")');
    expect(cliBundle).not.toMatch(/require\("(bullmq|ioredis)"\)/);
    const redis = await startRedis();
    const worker = await startWorker(redis.url(), "bundled", [], "bundle");
    try {
      const submitter = bundleChild(["count", files["lines.json"]!, "--queue", redis.url(), "--unit-decisions", "2", "--json"]);
      let stdout = "";
      let stderr = "";
      submitter.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      submitter.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => submitter.once("exit", resolve));
      expect(code, stderr).toBe(0);
      const c = parse<CountJson>(stdout);
      expect([c.regions, c.complete]).toEqual([ZASLAVSKY.regions, true]);
      expect(stderr).toMatch(/units on 1 worker\n/);
      expect(await redis.client().keys("tessera:run:*")).toEqual([]);
    } finally {
      expect(await worker.stop()).toBe(0);
      await redis.stop();
    }
  }, 60_000);
});

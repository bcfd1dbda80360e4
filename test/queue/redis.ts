// Test helpers of the queue: a real redis-server (Debian's package; .ci/run installs it) on 127.0.0.1 at a
// free port with a password, and `tessera worker` processes started as real child processes (tsx on the
// sources, as test/regions/shards.test.ts runs the CLI). No mock of Redis or BullMQ.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** Wait until `test` holds, polling every 10 ms. */
export async function until(test: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly password: string;
  /** redis://:password@127.0.0.1:port/db */
  url(db?: number): string;
  client(db?: number): Redis;
  /** Stop (SIGTERM: a persistent server writes its data first; SIGKILL: it does not) and start again on the same port. */
  restart(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start redis-server and wait until it answers PING. Without `persistence` it keeps nothing on disk (a restart
 * loses every key); "always" and "everysec" turn on its append-only file (in a fresh temporary folder) with that
 * fsync policy, so a restarted server reloads its keys (everysec: all but the last second's after a SIGKILL).
 */
export async function startRedis(password = "test-pass", persistence?: "always" | "everysec"): Promise<RedisServer> {
  const port = await freePort();
  const url = (db = 0): string => `redis://:${password}@127.0.0.1:${port}/${db}`;
  const dir = persistence ? mkdtempSync(join(tmpdir(), "tessera-redis-")) : undefined;
  const disk = persistence ? ["--save", "", "--appendonly", "yes", "--appendfsync", persistence, "--dir", dir!] : ["--save", "", "--appendonly", "no"];
  let server = await launch(port, password, url(), disk);
  const clients: Redis[] = [];
  const client = (db = 0): Redis => {
    const c = new Redis(url(db), { maxRetriesPerRequest: 1 });
    c.on("error", () => undefined);
    clients.push(c);
    return c;
  };
  return {
    port,
    password,
    url,
    client,
    restart: async (signal = "SIGTERM") => {
      await server.stop(signal);
      server = await launch(port, password, url(), disk);
    },
    stop: async () => {
      for (const c of clients) c.disconnect();
      await server.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, password: string, url: string, disk: readonly string[]): Promise<{ stop(signal?: NodeJS.Signals): Promise<void> }> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", ...disk, "--requirepass", password], { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let spawnError: Error | undefined;
  child.once("error", (e) => (spawnError = e));
  for (let i = 0; ; i++) {
    if (spawnError) throw new Error(`redis-server could not be started (${spawnError.message}): install Debian's redis-server (.ci/run does)`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") break;
    } catch {
      if (i > 100) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      probe.disconnect();
    }
  }
  return {
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      child.kill(signal);
      await exited;
    },
  };
}

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).href;

/** Run the CLI in a child process (tsx on the sources). */
export function cliChild(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `const { runCli } = await import(${JSON.stringify(MAIN)}); process.exitCode = await runCli(${JSON.stringify(args)});`], { stdio: ["ignore", "pipe", "pipe"] });
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly name: string;
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Run bin/tessera (the CLI bundle, dist/bundle/: test/cli/run.ts buildCli makes it) in a child process. */
export function bundleChild(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ["bin/tessera", ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Start `tessera worker` (one thread, a short lock so that a killed worker's unit is re-run within seconds) and
 * wait until it listens; on the sources (tsx) or, with `from: "bundle"`, as users run it (bin/tessera).
 */
export async function startWorker(url: string, name: string, extra: readonly string[] = [], from: "sources" | "bundle" = "sources"): Promise<WorkerProcess> {
  const args = ["worker", "--queue", url, "--workers", "1", "--lock-seconds", "2", "--name", name, ...extra];
  const child = from === "bundle" ? bundleChild(args) : cliChild(args);
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes("waiting for work units")) resolve();
    });
    void exited.then((code) => reject(new Error(`worker ${name} exited (${code}) before it listened: ${stderr}`)));
  });
  return {
    child,
    name,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

// `verify NET --property SPEC --queue URL` (docs/distributed.md): the first steps of verify (random points,
// the root of every case, descents) run here as in a local run; then the root node of every case still open
// is a work unit on the queue. A worker runs a unit's subtree until it closes, or until its budget is spent or
// another worker is idle, and then hands back what it closed (trees whose open nodes are placeholders) and the
// nodes still open, which become new units. The trees are joined by path as the threads' are
// (verify-pool.ts), so the verdict, node count and holds certificate equal a local run's. The first exact
// counterexample (re-checked here in rationals, inside the property's box) cancels every other unit; a worker's
// `unknown` or error, --timeout and SIGINT end the run too. A finished or cancelled run deletes its keys.
import type { Redis } from "ioredis";
import { InternalError, TesseraError } from "../errors.js";
import { parseRational, tryParseRational } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import { inputSize } from "../network/ir.js";
import type { OpenBranch } from "../analysis/branch-and-bound.js";
import type { TreeNode } from "../analysis/certificate-writer.js";
import { serializeProblem } from "../analysis/certificate.js";
import { counterexampleAt } from "../analysis/counterexample.js";
import type { VerificationProblem } from "../analysis/problem.js";
import { joinTree } from "../analysis/verify-pool.js";
import { prepareVerify, type VerifyOptions, type VerifyOutcome } from "../analysis/verify.js";
import { WORK_UNIT_VERSION } from "../regions/work-unit.js";
import { branchToJson, readBranchAnswer } from "./branch-units.js";
import { branchJobId, type VerifyRunInfo } from "./protocol.js";
import { QueueSession, type PendingJob, type SessionConfig } from "./session.js";

export interface QueueVerifyConfig extends SessionConfig {
  readonly version: string;
  /** A unit that runs past this many CPU seconds on its worker hands its open nodes back as new units. */
  readonly unitSeconds: number;
  /** How often the run's state in Redis is checked (lost jobs re-enqueued, a lost run detected). */
  readonly watchMs?: number;
  /** Aborting it (SIGINT) cancels the run: the answer is unknown, "interrupted". */
  readonly signal?: AbortSignal;
  /** Informational: how the run went. */
  readonly onStats?: (stats: { runId: string; units: number; duplicates: number; workerCpuMs: number; workers: string[] }) => void;
}

/** Decide the property with the branch-and-bound nodes on `tessera worker` processes (see the file comment). */
export async function verifyOnQueue(client: Redis, net: Network, problem: VerificationProblem, config: QueueVerifyConfig, options: VerifyOptions = {}): Promise<VerifyOutcome> {
  const run = prepareVerify(net, problem, options);
  if ("result" in run) return run;
  if (run.open.length === 0) return run.holds([]);
  const { stats, counters } = run;
  const inputs = inputSize(net);
  const info = (sha: string): VerifyRunInfo => ({
    format: "tessera-queue-run",
    tessera: config.version,
    workUnitVersion: WORK_UNIT_VERSION,
    command: "verify",
    network: sha,
    problem: serializeProblem(problem),
    split: options.split ?? null,
    budget: { seconds: config.unitSeconds },
  });
  const session = await QueueSession.open(client, config, net, info);
  const runId = session.runId;
  /** Units enqueued and not answered yet, by `case:path`. */
  const pending = new Map<string, PendingJob & { case: number; path: string }>();
  const trees = new Map<string, TreeNode>();
  let units = 0;
  let duplicates = 0;
  let workerCpuMs = 0;
  const workers = new Set<string>();
  let answer: VerifyOutcome | undefined;
  let failure: TesseraError | undefined;
  const enqueue = async (caseIndex: number, nodes: readonly OpenBranch[]): Promise<void> => {
    const jobs = nodes.map((node) => {
      const entry = { case: caseIndex, path: node.path, job: branchJobId(runId, caseIndex, node.path), data: { run: runId, tessera: config.version, workUnitVersion: WORK_UNIT_VERSION, branch: { case: caseIndex, ...run.open[caseIndex]!, node: branchToJson(node) } } };
      pending.set(`${caseIndex}:${node.path}`, entry);
      units++;
      return entry;
    });
    await session.enqueue(jobs);
  };
  const deadline = run.deadline;
  try {
    for (let c = 0; c < run.open.length; c++) await enqueue(c, [{ ...run.boxes[run.open[c]!.box]!, phases: [], key: -Infinity, path: "" }]);
    const watchMs = config.watchMs ?? 2000;
    let lastWatch = performance.now();
    while (!answer && !failure && pending.size > 0) {
      if (Date.now() > deadline || config.signal?.aborted) {
        answer = { result: "unknown", reason: config.signal?.aborted ? "interrupted" : "timeout", stats };
        break;
      }
      const text = await session.next(Math.max(0.01, Math.min(0.5, (deadline - Date.now()) / 1000)));
      if (text !== null) {
        const read = readBranchAnswer(text, inputs, (c, p) => pending.has(`${c}:${p}`));
        workers.add(read.worker);
        const key = `${read.case}:${read.path}`;
        const reading = read.reading;
        if (!reading) {
          duplicates++;
          continue;
        }
        pending.delete(key);
        workerCpuMs += read.cpuMs;
        stats.nodes += read.counts.nodes;
        stats.maxDepth = Math.max(stats.maxDepth, read.counts.maxDepth);
        counters.points += read.counts.points;
        counters.exactChecks += read.counts.exactChecks;
        if (reading.kind === "error") failure = new TesseraError(`queue: ${reading.error}`);
        else if (reading.kind === "unknown") answer = { result: "unknown", reason: reading.reason, stats };
        else if (reading.kind === "violated") {
          // Nothing a worker sends is trusted: the point must lie in the property's box and its exact output in the unsafe set.
          const input = reading.input.map((v) => tryParseRational(v));
          const box = problem.boxes[reading.box];
          const inside = box !== undefined && input.every((x, i) => x !== undefined && x.compare(box.lo[i]!) >= 0 && x.compare(box.hi[i]!) <= 0);
          const cx = inside ? counterexampleAt(net, problem, reading.box, reading.input.map(parseRational)) : undefined;
          if (!cx) failure = new TesseraError(`queue: worker ${read.worker} sent a counterexample for case ${read.case} that is outside the property's box or whose exact output is safe`);
          else answer = { result: "violated", counterexample: cx, stats };
        } else {
          for (const [path, tree] of reading.trees) trees.set(`${read.case}:${path}`, tree);
          await enqueue(read.case, reading.open);
        }
      }
      if (performance.now() - lastWatch >= watchMs && !answer && !failure) {
        lastWatch = performance.now();
        failure = await session.watch([...pending.values()], (p) => `case ${p.case}, node "${p.path}"`);
      }
    }
  } catch (error) {
    failure ??= error instanceof TesseraError ? error : new TesseraError(`queue: ${(error as Error).message}`);
  } finally {
    // The first answer (a counterexample, unknown, a failure) cancels every unit still pending.
    await session.close([...pending.values()].map((p) => p.job));
  }
  config.onStats?.({ runId, units, duplicates, workerCpuMs, workers: [...workers].sort() });
  if (failure) throw failure;
  Object.assign(stats, { workers: workers.size, units });
  if (answer) return run.done(answer);
  if (pending.size > 0) throw new InternalError("queue: the run ended with units still pending");
  return run.holds(run.open.map((_, caseIndex) => joinTree(trees, caseIndex)));
}

// `verify` on worker threads (docs/scale.md): step 1 (the quick counterexample search) runs here, then the
// branch-and-bound nodes of every case are work units on `workers` threads with nnenum's balancing: when a
// thread is idle and the queue is empty, a busy thread is asked to donate its shallowest open node (the biggest
// subtree it holds). Each node's split and closure depend only on the node (its box and its parent's bounds),
// so the closed tree, the holds certificate and the node count are the same for any number of threads; the
// first exact counterexample stops every thread. A thread that throws or dies stops the run with an error: a
// holds answer never misses a subtree (the trees are joined by path, and a missing one is an internal error).
import type { Worker } from "node:worker_threads";
import { InternalError, UsageError } from "../errors.js";
import { parseRational } from "../exact/rational.js";
import { networkTransfer } from "../formats/network-json.js";
import type { Network } from "../network/ir.js";
import { askDonations, startThreads, threadScript } from "../regions/thread-script.js";
import type { OpenBranch } from "./branch-and-bound.js";
import type { TreeNode } from "./certificate-writer.js";
import { serializeProblem } from "./certificate.js";
import { counterexampleAt } from "./counterexample.js";
import type { VerificationProblem } from "./problem.js";
import { prepareVerify, type VerifyOptions, type VerifyOutcome } from "./verify.js";
import { VERIFY_FLAG, type FromVerifyThread, type UnitCounts } from "./verify-protocol.js";

interface Unit {
  readonly id: number;
  readonly caseIndex: number;
  readonly node: OpenBranch;
}

interface Slot {
  readonly worker: Worker;
  readonly index: number;
  unit?: Unit;
  asked: boolean;
  dryAt: number;
  cpuMs: number;
}

/** Decide the property with the branch and bound on `workers` threads (workers ≥ 1; 1 still uses a thread). */
export async function verifyOnThreads(net: Network, problem: VerificationProblem, workers: number, options: VerifyOptions = {}): Promise<VerifyOutcome> {
  if (!Number.isSafeInteger(workers) || workers < 1) throw new UsageError(`analysis/verify: workers must be a positive integer, not ${workers}`);
  const run = prepareVerify(net, problem, options);
  if ("result" in run) return run;
  // Every case closed at the root: nothing for threads to do (starting them would cost more than the run).
  if (run.open.length === 0) return run.holds([]);
  const { stats, counters } = run;
  const flags = new Int32Array(new SharedArrayBuffer(4 * (VERIFY_FLAG.firstSlot + workers)));
  const caseNodes = new SharedArrayBuffer(4 * Math.max(1, run.open.length));
  const script = await threadScript(import.meta.url, "verify-thread");
  const network = networkTransfer(net);
  const serialized = serializeProblem(problem);
  let nextId = 0;
  const queue: Unit[] = run.open.map((c, caseIndex) => ({ id: nextId++, caseIndex, node: { ...run.boxes[c.box]!, phases: [], key: -Infinity, path: "" } }));
  /** Each finished unit's tree, by case and path of its root. */
  const trees = new Map<string, TreeNode>();
  const slots: Slot[] = [];
  let donations = 0;
  let answer: VerifyOutcome | undefined;
  let failure: Error | undefined;
  let finishRun: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finishRun = resolve));

  const stopAll = (): void => {
    Atomics.store(flags, VERIFY_FLAG.stop, 1);
    queue.length = 0;
  };
  const fail = (error: Error): void => {
    if (failure) return;
    failure = error;
    stopAll();
    finishRun();
  };
  const count = (c: UnitCounts, slot: Slot): void => {
    stats.nodes += c.nodes;
    stats.maxDepth = Math.max(stats.maxDepth, c.maxDepth);
    counters.points += c.points;
    counters.exactChecks += c.exactChecks;
    slot.cpuMs = c.threadCpuMs;
  };
  const settle = (): void => {
    if (failure) return;
    for (const slot of slots) {
      if (slot.unit !== undefined || queue.length === 0) continue;
      const unit = queue.shift()!;
      const c = run.open[unit.caseIndex]!;
      slot.unit = unit;
      slot.asked = false;
      slot.worker.postMessage({ type: "unit", id: unit.id, caseIndex: unit.caseIndex, box: c.box, disjunct: c.disjunct, node: unit.node });
    }
    const busy = slots.filter((s) => s.unit !== undefined);
    if (busy.length === 0) return finishRun();
    if (answer) return;
    // Idle threads and nothing queued: ask busy threads for their shallowest open nodes.
    askDonations(slots, flags, VERIFY_FLAG.firstSlot, VERIFY_FLAG.donate);
  };
  const where = (slot: Slot): string => (slot.unit ? `case ${slot.unit.caseIndex}, node "${slot.unit.node.path}"` : "start-up");

  const onMessage = (slot: Slot, message: FromVerifyThread): void => {
    if (failure) return;
    const unit = slot.unit;
    if (message.type === "error") {
      if (message.name === "UsageError" || message.name === "InputError") return fail(new UsageError(message.message));
      return fail(new InternalError(`analysis/verify: worker thread ${slot.index + 1} failed in ${where(slot)}: ${message.message}; the run is stopped (its answer would miss that subtree)`));
    }
    if (message.type === "donated") {
      slot.asked = false;
      if (message.node && unit) {
        donations++;
        if (!answer) queue.push({ id: nextId++, caseIndex: unit.caseIndex, node: message.node });
      } else slot.dryAt = performance.now();
      return settle();
    }
    if (!unit || unit.id !== message.id) return fail(new InternalError(`analysis/verify: worker thread ${slot.index + 1} answered unit ${message.id}, not the unit it was given`));
    count(message.counts, slot);
    slot.unit = undefined;
    slot.asked = false;
    if (message.type === "closed") trees.set(`${unit.caseIndex}:${unit.node.path}`, message.tree);
    else if (message.type === "violated" && !answer) {
      // The thread checked it exactly; it is rebuilt here from its exact input (and re-checked by the CLI).
      const cx = counterexampleAt(net, problem, message.box, message.input.map(parseRational));
      if (!cx) return fail(new InternalError(`analysis/verify: worker thread ${slot.index + 1} sent a counterexample whose exact output is safe`));
      answer = { result: "violated", counterexample: cx, stats };
      stopAll();
    } else if (message.type === "unknown" && !answer) {
      answer = { result: "unknown", reason: message.reason, stats };
      stopAll();
    }
    settle();
  };

  const threads = startThreads<FromVerifyThread>(script, workers, (index) => ({ network, problem: serialized, deadline: run.deadline, split: options.split ?? null, maxNodes: options.maxNodes ?? Infinity, flags: flags.buffer, caseNodes, slot: index }), {
    message: (index, m) => onMessage(slots[index]!, m),
    failed: (index, error, inHandler) => fail(inHandler ? error : new InternalError(`analysis/verify: worker thread ${index + 1} failed: ${error.message}; the run is stopped (its answer would miss a subtree)`)),
    exited: (index, code) => {
      const slot = slots[index]!;
      if (!failure && slot.unit !== undefined) fail(new InternalError(`analysis/verify: worker thread ${index + 1} exited (code ${code}) in ${where(slot)}; the run is stopped (its answer would miss that subtree)`));
    },
  });
  threads.forEach((worker, index) => slots.push({ worker, index, asked: false, dryAt: -Infinity, cpuMs: 0 }));
  // Retry dry donation requests while threads are idle.
  const retry = setInterval(() => failure || settle(), 25);
  settle();
  try {
    await finished;
  } finally {
    clearInterval(retry);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
  if (failure) throw failure;
  Object.assign(stats, { workers, units: nextId, donations, threadCpuMs: slots.map((s) => s.cpuMs) });
  if (answer) return run.done(answer);
  return run.holds(run.open.map((_, caseIndex) => joinTree(trees, caseIndex)));
}

/** The closed tree of a case: the root unit's tree with every donated (empty) node replaced by its unit's tree. */
export function joinTree(trees: ReadonlyMap<string, TreeNode>, caseIndex: number): TreeNode {
  const unitTree = (path: string): TreeNode => {
    const t = trees.get(`${caseIndex}:${path}`);
    if (!t) throw new InternalError(`analysis/verify: the subtree of case ${caseIndex} at node "${path}" is missing; no answer is given`);
    return t;
  };
  const fill = (t: TreeNode, path: string): TreeNode => {
    // A node with no split, no closure and no empty mark was donated: its unit's tree takes its place.
    const node = t.mu === undefined && t.split === undefined && t.relu === undefined && t.empty === undefined ? unitTree(path) : t;
    if (node.children) node.children = [fill(node.children[0], path + "0"), fill(node.children[1], path + "1")];
    return node;
  };
  return fill(unitTree(""), "");
}

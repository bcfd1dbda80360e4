// The entry point of a worker thread of verify-pool.ts: it reads the network and problem once, then runs the
// branch-and-bound units the pool sends. Requests (donate, stop) arrive through a shared Int32Array polled
// before every node, so a busy thread answers within one node.
import { parentPort, workerData } from "node:worker_threads";
import { networkFromTransfer } from "../formats/network-json.js";
import { formatRational } from "../exact/rational.js";
import { threadCpuMs } from "../regions/thread-script.js";
import { parseProblem } from "./certificate.js";
import { floatNet } from "./float-net.js";
import { branchAndBound, type SearchStats } from "./branch-and-bound.js";
import { caseContexts } from "./verify.js";
import { VERIFY_FLAG, type FromVerifyThread, type ToVerifyThread, type UnitCounts, type VerifyThreadInit } from "./verify-protocol.js";

const init = workerData as VerifyThreadInit;
const flags = new Int32Array(init.flags);
const caseNodes = new Int32Array(init.caseNodes);
const port = parentPort!;
const post = (message: FromVerifyThread): void => port.postMessage(message);

/** The thread's network, problem and counters, read once (undefined: start-up failed and was reported). */
const setup = ((): { contextOf: ReturnType<typeof caseContexts>; stats: SearchStats; counters: { points: number; exactChecks: number } } | undefined => {
  try {
    const net = networkFromTransfer(init.network, "<network sent to the worker>");
    const problem = parseProblem(init.problem, "<problem sent to the worker>");
    const stats = { nodes: 0, maxDepth: 0 };
    const counters = { points: 0, exactChecks: 0 };
    return { contextOf: caseContexts(net, problem, floatNet(net), { deadline: init.deadline, ...(init.split ? { split: init.split } : {}) }, stats, counters), stats, counters };
  } catch (error) {
    post({ type: "error", id: -1, name: (error as Error).name, message: (error as Error).message });
    return undefined;
  }
})();

port.on("message", (message: ToVerifyThread) => {
  const id = message.id;
  if (!setup) return;
  const { contextOf, stats, counters } = setup;
  try {
    Object.assign(stats, { nodes: 0, maxDepth: 0 });
    Object.assign(counters, { points: 0, exactChecks: 0 });
    const requestAt = VERIFY_FLAG.firstSlot + init.slot;
    const out = branchAndBound(contextOf(message.box, message.disjunct), message.node, init.maxNodes, {
      poll: () => {
        if (Atomics.load(flags, VERIFY_FLAG.stop) !== 0) return "stop";
        if (Atomics.load(flags, requestAt) === 0) return undefined;
        return Atomics.exchange(flags, requestAt, 0) & VERIFY_FLAG.donate ? "donate" : undefined;
      },
      donate: (node) => post({ type: "donated", id, node: node ?? null }),
      countNode: () => Atomics.add(caseNodes, message.caseIndex, 1) + 1,
    });
    const counts: UnitCounts = { nodes: stats.nodes, maxDepth: stats.maxDepth, points: counters.points, exactChecks: counters.exactChecks, threadCpuMs: threadCpuMs() };
    if ("input" in out) post({ type: "violated", id, box: out.box, input: out.input.map(formatRational), counts });
    else if ("tree" in out) post({ type: "closed", id, tree: out.tree, counts });
    else if (out.reason === "stopped") post({ type: "stopped", id, counts });
    else post({ type: "unknown", id, reason: out.reason, counts });
  } catch (error) {
    post({ type: "error", id, name: (error as Error).name, message: (error as Error).message });
  }
});

// The entry point of a worker thread of src/regions/pool.ts: it reads the network and domain once, then runs
// the work units the pool sends (unit-slot.ts), streaming their regions back in batches. Requests from the
// pool (donate, cursor, stop) arrive through a shared Int32Array that the search polls after every decision,
// so a busy thread answers within one decision without giving up its event loop turn; a stop is also seen
// inside a decision (its LPs check it as their deadline, geometry/deadline.ts). A batch is posted only
// when the pool has room for it (reserveInFlight): a thread that runs ahead of the pool's output waits.
import { parentPort, workerData } from "node:worker_threads";
import { networkFromTransfer, type NetworkTransfer } from "../formats/network-json.js";
import { domainFromJson, type DomainJson } from "../formats/domain.js";
import { POOL_FLAG, reserveInFlight, type FromWorker, type ToWorker } from "./pool-protocol.js";
import { withDeadline } from "../geometry/deadline.js";
import { UnitEngine, type UnitSettings } from "./unit-runner.js";
import { unitSteps } from "./unit-slot.js";

interface Init {
  readonly network: NetworkTransfer;
  readonly domain: DomainJson | null;
  readonly settings: UnitSettings;
  readonly flags: SharedArrayBuffer;
  readonly slot: number;
  /** The most items in flight (posted, not yet taken by the pool) over all threads. */
  readonly inFlight: number;
}

const init = workerData as Init;

const flags = new Int32Array(init.flags);
const port = parentPort!;
const post = (message: FromWorker): void => port.postMessage(message);

let engine: UnitEngine;
try {
  const net = networkFromTransfer(init.network, "<network sent to the worker>");
  engine = new UnitEngine(net, init.domain ? domainFromJson(init.domain, "<domain sent to the worker>") : undefined, init.settings);
} catch (error) {
  post({ type: "error", id: -1, name: (error as Error).name, message: (error as Error).message });
}

const channel = {
  flags,
  slot: init.slot,
  // At most half the in-flight limit a batch, so that two batches can be on their way.
  batchItems: Math.max(1, Math.min(256, Math.floor(init.inFlight / 2))),
  reserve: (n: number) => reserveInFlight(flags, n, init.inFlight),
  post,
};

port.on("message", (message: ToWorker) => {
  const unit = message.unit.end ? { start: message.unit.start, end: message.unit.end } : { start: message.unit.start };
  const steps = unitSteps(engine, message.id, unit, channel);
  const stopped = (): boolean => Atomics.load(flags, POOL_FLAG.stop) !== 0;
  while (!withDeadline(stopped, () => steps.next()).done);
});

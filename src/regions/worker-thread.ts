// The entry point of a worker thread of src/regions/pool.ts: it reads the network and domain once, then runs
// the work units the pool sends, streaming their regions back in batches. Requests from the pool (donate,
// cursor, stop) arrive through a shared Int32Array that the search polls after every decision, so a busy
// thread answers within one decision without giving up its event loop turn.
import { parentPort, workerData } from "node:worker_threads";
import { readNetworkJson } from "../formats/network-json.js";
import { domainFromJson, type DomainJson } from "../formats/domain.js";
import { POOL_FLAG, type FromWorker, type ToWorker } from "./pool-protocol.js";
import { UnitEngine, type UnitItem, type UnitSettings } from "./unit-runner.js";
import { unitToJson } from "./work-unit.js";
import { threadCpuMs } from "./thread-script.js";

interface Init {
  readonly network: string;
  readonly domain: DomainJson | null;
  readonly settings: UnitSettings;
  readonly flags: SharedArrayBuffer;
  readonly slot: number;
}

const init = workerData as Init;

const flags = new Int32Array(init.flags);
const port = parentPort!;
const post = (message: FromWorker): void => port.postMessage(message);

/** Items are sent in batches: at most this many, or after this many milliseconds. */
const BATCH_ITEMS = 256;
const BATCH_MS = 50;

let engine: UnitEngine;
try {
  const net = readNetworkJson(init.network, "<network sent to the worker>");
  engine = new UnitEngine(net, init.domain ? domainFromJson(init.domain, "<domain sent to the worker>") : undefined, init.settings);
} catch (error) {
  post({ type: "error", id: -1, name: (error as Error).name, message: (error as Error).message });
}

port.on("message", (message: ToWorker) => {
  const id = message.id;
  try {
    let items: UnitItem[] = [];
    let boxes: [number, string][] = [];
    let last = performance.now();
    const send = (): void => {
      if (items.length === 0 && boxes.length === 0) return;
      post({ type: "items", id, items, boxes });
      items = [];
      boxes = [];
      last = performance.now();
    };
    const requestAt = POOL_FLAG.firstSlot + init.slot;
    const outcome = engine.run(message.unit.end ? { start: message.unit.start, end: message.unit.end } : { start: message.unit.start }, {
      poll: () => {
        if (Atomics.load(flags, POOL_FLAG.stop) !== 0) return "stop";
        if (Atomics.load(flags, requestAt) === 0) return undefined;
        const request = Atomics.exchange(flags, requestAt, 0);
        if (request & POOL_FLAG.cursor) {
          // A donation asked at the same time waits for the next decision.
          if (request & POOL_FLAG.donate) Atomics.or(flags, requestAt, POOL_FLAG.donate);
          return "cursor";
        }
        return request & POOL_FLAG.donate ? "donate" : undefined;
      },
      item: (item) => {
        items.push(item);
        if (items.length >= BATCH_ITEMS || performance.now() - last >= BATCH_MS) send();
      },
      box: (box, key) => void boxes.push([box, key]),
      donated: (unit) => {
        send();
        post({ type: "donated", id, unit: unit ? unitToJson(unit) : null });
      },
      cursor: (cursor) => {
        send();
        post({ type: "cursor", id, cursor });
      },
    });
    send();
    post({ type: "done", id, outcome: { ...outcome, threadCpuMs: threadCpuMs() } });
  } catch (error) {
    post({ type: "error", id, name: (error as Error).name, message: (error as Error).message });
  }
});

// One work unit run for the pool of src/regions/pool.ts, in a worker thread (worker-thread.ts) or in the pool's
// own thread: the pool's requests (donate, cursor, stop) read from the slot's word of the shared flags after
// every decision, regions sent in batches, the outcome (or the error) posted at the end. A generator, so that
// the pool's own thread can give the event loop a turn between steps; a worker thread runs it straight through.
import { POOL_FLAG, type FromWorker } from "./pool-protocol.js";
import { threadCpuMs } from "./thread-script.js";
import type { UnitEngine, UnitItem } from "./unit-runner.js";
import { unitToJson, type WorkUnit } from "./work-unit.js";

export interface SlotChannel {
  readonly flags: Int32Array;
  /** The slot's index (its request word is flags[POOL_FLAG.firstSlot + slot]). */
  readonly slot: number;
  /** Items per batch at most; a batch also goes out after BATCH_MS. */
  readonly batchItems: number;
  /** Wait for room before posting a batch of n items (worker threads: back-pressure). */
  readonly reserve?: (n: number) => void;
  readonly post: (message: FromWorker) => void;
}

const BATCH_MS = 50;

/** Run unit `id` on `engine`, talking to the pool through `channel`; yields every few decisions. */
export function* unitSteps(engine: UnitEngine, id: number, unit: WorkUnit, channel: SlotChannel): Generator<void, void> {
  const { flags, post } = channel;
  try {
    let items: UnitItem[] = [];
    let boxes: [number, string][] = [];
    let last = performance.now();
    const send = (): void => {
      if (items.length === 0 && boxes.length === 0) return;
      channel.reserve?.(items.length);
      post({ type: "items", id, items, boxes });
      items = [];
      boxes = [];
      last = performance.now();
    };
    const requestAt = POOL_FLAG.firstSlot + channel.slot;
    const outcome = yield* engine.steps(unit, {
      poll: () => {
        if (Atomics.load(flags, POOL_FLAG.stop) !== 0) return "stop";
        if (Atomics.load(flags, requestAt) === 0) return undefined;
        const request = Atomics.exchange(flags, requestAt, 0);
        // One request a decision, cursor first: the others asked at the same time wait for the next decision.
        const answer = request & POOL_FLAG.cursor ? POOL_FLAG.cursor : request & POOL_FLAG.donate ? POOL_FLAG.donate : request & POOL_FLAG.progress;
        if (request & ~answer) Atomics.or(flags, requestAt, request & ~answer);
        return answer === POOL_FLAG.cursor ? "cursor" : answer === POOL_FLAG.donate ? "donate" : answer === POOL_FLAG.progress ? "progress" : undefined;
      },
      item: (item) => {
        items.push(item);
        if (items.length >= channel.batchItems || performance.now() - last >= BATCH_MS) send();
      },
      box: (box, key) => void boxes.push([box, key]),
      donated: (given) => {
        send();
        post({ type: "donated", id, unit: given ? unitToJson(given) : null });
      },
      cursor: (cursor) => {
        send();
        post({ type: "cursor", id, cursor });
      },
      progress: (progress) => post({ type: "progress", id, progress }),
    });
    send();
    post({ type: "done", id, outcome: { ...outcome, threadCpuMs: threadCpuMs() } });
  } catch (error) {
    post({ type: "error", id, name: (error as Error).name, message: (error as Error).message });
  }
}

// The messages between verify's thread pool (verify-pool.ts) and its worker threads (verify-thread.ts). A work
// unit is one open branch-and-bound node of one case (its box, inherited bounds and path), the thread runs its
// whole subtree except what it donates, and answers with the subtree's tree (donated nodes left empty).
import type { OpenBranch } from "./branch-and-bound.js";
import type { TreeNode } from "./certificate-writer.js";
import type { SerializedProblem } from "./certificate.js";
import type { NetworkTransfer } from "../formats/network-json.js";

/** Indices and bits of the shared flags: [stop, request of slot 0, request of slot 1, ...]. */
export const VERIFY_FLAG = Object.freeze({ stop: 0, firstSlot: 1, donate: 1 });

export interface VerifyThreadInit {
  readonly network: NetworkTransfer;
  readonly problem: SerializedProblem;
  readonly deadline: number;
  /** VerifyOptions.split (null: the default for the input size). */
  readonly split: "input" | "relu" | null;
  readonly maxNodes: number;
  readonly flags: SharedArrayBuffer;
  /** Nodes bounded per case over all threads (Int32Array). */
  readonly caseNodes: SharedArrayBuffer;
  readonly slot: number;
}

export type ToVerifyThread = { readonly type: "unit"; readonly id: number; readonly caseIndex: number; readonly box: number; readonly disjunct: number; readonly node: OpenBranch };

/** What every finished unit reports (summed by the pool). */
export interface UnitCounts {
  readonly nodes: number;
  readonly maxDepth: number;
  readonly points: number;
  readonly exactChecks: number;
  readonly threadCpuMs: number;
}

export type FromVerifyThread =
  | { readonly type: "donated"; readonly id: number; readonly node: OpenBranch | null }
  | { readonly type: "closed"; readonly id: number; readonly tree: TreeNode; readonly counts: UnitCounts }
  | { readonly type: "violated"; readonly id: number; readonly box: number; readonly input: string[]; readonly counts: UnitCounts }
  | { readonly type: "unknown"; readonly id: number; readonly reason: string; readonly counts: UnitCounts }
  | { readonly type: "stopped"; readonly id: number; readonly counts: UnitCounts }
  | { readonly type: "error"; readonly id: number; readonly name: string; readonly message: string };

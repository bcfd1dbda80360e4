// `verify --queue` on the wire (docs/distributed.md): a branch-and-bound node of one (box, disjunct) case as a
// job's payload, the closed trees a worker sends back, and the check that an answer covers its unit exactly.
// Every float (boxes, inherited bounds, split points, multipliers) travels as the base64 of its IEEE-754 bytes,
// little-endian, so a node reaches the next worker bit for bit (-0, infinities and all) and the certificate
// built from the joined trees is byte-identical to a local run's. Nothing here is trusted: the readers check
// every shape and name the place of the first bad value.
import { InputError } from "../errors.js";
import type { OpenBranch } from "../analysis/branch-and-bound.js";
import type { TreeNode } from "../analysis/certificate-writer.js";
import type { ReluPhase } from "../analysis/float-bounds.js";

/** Float64 values as base64 of their little-endian bytes. */
export function floatsToBase64(values: ArrayLike<number>): string {
  const bytes = Buffer.alloc(8 * values.length);
  for (let i = 0; i < values.length; i++) bytes.writeDoubleLE(values[i]!, 8 * i);
  return bytes.toString("base64");
}

export function floatsFromBase64(text: unknown, from: string, where: string): Float64Array {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new InputError(from, where, "is not base64 text");
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 8 !== 0) throw new InputError(from, where, `holds ${bytes.length} bytes, not a whole number of float64 values`);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(8 * i);
  return out;
}

export interface OpenBranchJson {
  readonly lo: string;
  readonly hi: string;
  readonly loIn: string;
  readonly hiIn: string;
  readonly depth: number;
  readonly phases: readonly ReluPhase[];
  readonly sameBox?: true;
  readonly key: string;
  readonly inherit?: { readonly lo: readonly string[]; readonly hi: readonly string[] };
  readonly path: string;
}

export function branchToJson(node: OpenBranch): OpenBranchJson {
  const layers = (list: readonly Float64Array[]): string[] => list.map(floatsToBase64);
  return {
    lo: floatsToBase64(node.lo),
    hi: floatsToBase64(node.hi),
    loIn: floatsToBase64(node.loIn),
    hiIn: floatsToBase64(node.hiIn),
    depth: node.depth,
    phases: node.phases.map((p) => ({ node: p.node, neuron: p.neuron, active: p.active })),
    ...(node.sameBox ? { sameBox: true as const } : {}),
    key: floatsToBase64([node.key]),
    ...(node.inherit ? { inherit: { lo: layers(node.inherit.lo), hi: layers(node.inherit.hi) } } : {}),
    path: node.path,
  };
}

type Json = Record<string, unknown>;
const object = (v: unknown, from: string, where: string): Json => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InputError(from, where, "is not an object");
  return v as Json;
};
const natural = (v: unknown, from: string, where: string): number => {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new InputError(from, where, "is not a non-negative integer");
  return v;
};
const array = (v: unknown, from: string, where: string): unknown[] => {
  if (!Array.isArray(v)) throw new InputError(from, where, "is not an array");
  return v;
};
/** A node's path: its choices from the case's root, "0" and "1" (the empty path is the root). */
const PATH = /^[01]{0,100000}$/;

/** Read an open node for a network with `inputs` inputs (its boxes must have that many entries, lo ≤ hi). */
export function branchFromJson(value: unknown, inputs: number, from: string, where: string): OpenBranch {
  const o = object(value, from, where);
  const box = (name: string): Float64Array => {
    const a = floatsFromBase64(o[name], from, `${where}.${name}`);
    if (a.length !== inputs) throw new InputError(from, `${where}.${name}`, `has ${a.length} values, the network ${inputs} inputs`);
    return a;
  };
  const [lo, hi, loIn, hiIn] = [box("lo"), box("hi"), box("loIn"), box("hiIn")];
  for (let i = 0; i < inputs; i++) if (!(lo[i]! <= hi[i]!)) throw new InputError(from, `${where}.lo`, `input ${i}: the box is empty or not a number`);
  const phases = array(o.phases, from, `${where}.phases`).map((p, i) => {
    const q = object(p, from, `${where}.phases[${i}]`);
    if (typeof q.active !== "boolean") throw new InputError(from, `${where}.phases[${i}].active`, "is not true or false");
    return { node: natural(q.node, from, `${where}.phases[${i}].node`), neuron: natural(q.neuron, from, `${where}.phases[${i}].neuron`), active: q.active };
  });
  const key = floatsFromBase64(o.key, from, `${where}.key`);
  if (key.length !== 1) throw new InputError(from, `${where}.key`, "is not one float64 value");
  if (typeof o.path !== "string" || !PATH.test(o.path)) throw new InputError(from, `${where}.path`, "is not a string of 0 and 1");
  let inherit: OpenBranch["inherit"];
  if (o.inherit !== undefined) {
    const h = object(o.inherit, from, `${where}.inherit`);
    const layers = (name: "lo" | "hi"): Float64Array[] => array(h[name], from, `${where}.inherit.${name}`).map((a, i) => floatsFromBase64(a, from, `${where}.inherit.${name}[${i}]`));
    inherit = { lo: layers("lo"), hi: layers("hi") };
  }
  if (o.sameBox !== undefined && o.sameBox !== true) throw new InputError(from, `${where}.sameBox`, "is not true");
  return { lo, hi, loIn, hiIn, depth: natural(o.depth, from, `${where}.depth`), phases, ...(o.sameBox ? { sameBox: true } : {}), key: key[0]!, ...(inherit ? { inherit } : {}), path: o.path };
}

/** A closed (sub)tree on the wire: the TreeNode with its floats in base64 and its lower lines as [node, slopes] pairs. */
export interface TreeJson {
  readonly split?: { readonly dim: number; readonly at: string };
  readonly relu?: { readonly node: number; readonly neuron: number };
  readonly children?: readonly [TreeJson, TreeJson];
  readonly empty?: true;
  readonly mu?: string;
  readonly lower?: readonly (readonly [number, string])[];
  readonly beta?: string;
}

export function treeToJson(t: TreeNode): TreeJson {
  return {
    ...(t.split ? { split: { dim: t.split.dim, at: floatsToBase64([t.split.at]) } } : {}),
    ...(t.relu ? { relu: { node: t.relu.node, neuron: t.relu.neuron } } : {}),
    ...(t.children ? { children: [treeToJson(t.children[0]), treeToJson(t.children[1])] as const } : {}),
    ...(t.empty ? { empty: true as const } : {}),
    ...(t.mu !== undefined ? { mu: floatsToBase64(t.mu) } : {}),
    ...(t.lower ? { lower: [...t.lower].map(([node, a]) => [node, floatsToBase64(a)] as const) } : {}),
    ...(t.beta ? { beta: floatsToBase64(t.beta) } : {}),
  };
}

/** True for a placeholder: a node handed to another unit, to be filled with that unit's tree. */
export const isPlaceholder = (t: TreeNode): boolean => t.mu === undefined && t.split === undefined && t.relu === undefined && t.empty === undefined && t.children === undefined;

/**
 * Read a tree rooted at `path`; `placeholder` is called with the path of every node left open in it. A node is
 * a leaf (mu, or empty), a split (input split or ReLU split) with two children, or a placeholder.
 */
export function treeFromJson(value: unknown, path: string, from: string, where: string, placeholder: (path: string) => void): TreeNode {
  const read = (v: unknown, at: string, w: string): TreeNode => {
    const o = object(v, from, w);
    const t: TreeNode = {};
    if (o.mu !== undefined) t.mu = Array.from(floatsFromBase64(o.mu, from, `${w}.mu`));
    if (o.beta !== undefined) t.beta = Array.from(floatsFromBase64(o.beta, from, `${w}.beta`));
    if (o.lower !== undefined) {
      t.lower = new Map(
        array(o.lower, from, `${w}.lower`).map((pair, i) => {
          const p = array(pair, from, `${w}.lower[${i}]`);
          return [natural(p[0], from, `${w}.lower[${i}][0]`), floatsFromBase64(p[1], from, `${w}.lower[${i}][1]`)] as const;
        }),
      );
    }
    if (o.empty !== undefined) {
      if (o.empty !== true) throw new InputError(from, `${w}.empty`, "is not true");
      t.empty = true;
    }
    if (o.split !== undefined) {
      const s = object(o.split, from, `${w}.split`);
      const at = floatsFromBase64(s.at, from, `${w}.split.at`);
      if (at.length !== 1) throw new InputError(from, `${w}.split.at`, "is not one float64 value");
      t.split = { dim: natural(s.dim, from, `${w}.split.dim`), at: at[0]! };
    }
    if (o.relu !== undefined) {
      const r = object(o.relu, from, `${w}.relu`);
      t.relu = { node: natural(r.node, from, `${w}.relu.node`), neuron: natural(r.neuron, from, `${w}.relu.neuron`) };
    }
    const splits = (t.split ? 1 : 0) + (t.relu ? 1 : 0);
    const leaves = (t.mu !== undefined ? 1 : 0) + (t.empty ? 1 : 0);
    if (o.children !== undefined) {
      const c = array(o.children, from, `${w}.children`);
      if (c.length !== 2 || splits !== 1 || leaves !== 0) throw new InputError(from, w, "has children but is not one input split or one ReLU split with two children");
      t.children = [read(c[0], at + "0", `${w}.children[0]`), read(c[1], at + "1", `${w}.children[1]`)];
    } else if (splits !== 0 || leaves > 1 || (t.mu === undefined && (t.beta || t.lower))) throw new InputError(from, w, "is neither a leaf (mu or empty), a split with two children, nor an open node");
    if (isPlaceholder(t)) placeholder(at);
    return t;
  };
  return read(value, path, where);
}

/** Counters of a verify unit (summed by the submitter). */
export interface BranchCounts {
  readonly nodes: number;
  readonly maxDepth: number;
  readonly points: number;
  readonly exactChecks: number;
}

/** How a verify unit ended on its worker. */
export type BranchOutcome =
  | { readonly kind: "closed"; readonly trees: readonly { readonly path: string; readonly tree: TreeJson }[]; readonly open: readonly OpenBranchJson[] }
  | { readonly kind: "violated"; readonly box: number; readonly input: readonly string[] }
  | { readonly kind: "unknown"; readonly reason: string }
  | { readonly kind: "error"; readonly error: string };

/** What a worker sends back for a verify unit (`case` and `path` name the unit). */
export type BranchAnswer = { readonly case: number; readonly path: string; readonly worker: string; readonly counts: BranchCounts; readonly cpuMs: number } & BranchOutcome;

/** A closed answer, read: its trees by root path and its open nodes, which together cover the unit exactly. */
export type BranchReading =
  | { readonly kind: "closed"; readonly trees: Map<string, TreeNode>; readonly open: OpenBranch[] }
  | { readonly kind: "violated"; readonly box: number; readonly input: readonly string[] }
  | { readonly kind: "unknown"; readonly reason: string }
  | { readonly kind: "error"; readonly error: string };

/**
 * Parse a verify unit's answer (a worker's JSON message). `known(case, path)` says whether that unit is pending
 * (an answer for another one is a duplicate: reading stops there). A closed answer must cover the unit exactly:
 * a tree rooted at the unit's path, every other tree rooted at an open node of one of its trees, and every open
 * node of its trees either such a root or one of the answer's open units, once each.
 */
export function readBranchAnswer(text: string, inputs: number, known: (caseIndex: number, path: string) => boolean): { case: number; path: string; worker: string; counts: BranchCounts; cpuMs: number; reading?: BranchReading } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError("queue result", "", "is not JSON (a corrupted message)");
  }
  const o = object(json, "queue result", "");
  const worker = typeof o.worker === "string" ? o.worker : "an unnamed worker";
  const from = `result of ${worker}`;
  const caseIndex = natural(o.case, from, "case");
  if (typeof o.path !== "string" || !PATH.test(o.path)) throw new InputError(from, "path", "is not a string of 0 and 1");
  const path = o.path;
  const c = o.counts === undefined ? {} : object(o.counts, from, "counts");
  const count = (name: string): number => (c[name] === undefined ? 0 : natural(c[name], from, `counts.${name}`));
  const counts = { nodes: count("nodes"), maxDepth: count("maxDepth"), points: count("points"), exactChecks: count("exactChecks") };
  const cpuMs = typeof o.cpuMs === "number" && Number.isFinite(o.cpuMs) ? o.cpuMs : 0;
  const head = { case: caseIndex, path, worker, counts, cpuMs };
  if (!known(caseIndex, path)) return head;
  if (o.kind === "error") return { ...head, reading: { kind: "error", error: typeof o.error === "string" ? o.error : "(no message)" } };
  if (o.kind === "unknown") return { ...head, reading: { kind: "unknown", reason: typeof o.reason === "string" ? o.reason : "(no reason given)" } };
  if (o.kind === "violated") {
    const input = array(o.input, from, "input");
    if (input.length !== inputs || !input.every((v) => typeof v === "string")) throw new InputError(from, "input", `is not ${inputs} rational strings`);
    return { ...head, reading: { kind: "violated", box: natural(o.box, from, "box"), input: input as string[] } };
  }
  if (o.kind !== "closed") throw new InputError(from, "kind", "is not closed, violated, unknown or error");
  const placeholders = new Set<string>();
  const trees = new Map<string, TreeNode>();
  array(o.trees, from, "trees").forEach((entry, i) => {
    const e = object(entry, from, `trees[${i}]`);
    if (typeof e.path !== "string" || !PATH.test(e.path) || !e.path.startsWith(path)) throw new InputError(from, `trees[${i}].path`, `is not a node of unit "${path}"`);
    if (trees.has(e.path)) throw new InputError(from, `trees[${i}].path`, `repeats the tree at "${e.path}"`);
    trees.set(e.path, treeFromJson(e.tree, e.path, from, `trees[${i}].tree`, (p) => placeholders.add(p)));
  });
  const open = array(o.open, from, "open").map((n, i) => branchFromJson(n, inputs, from, `open[${i}]`));
  if (!trees.has(path)) throw new InputError(from, "trees", `has no tree for its unit "${path}"`);
  // Each open node of a tree is filled by exactly one other tree or open unit; nothing else is allowed.
  const fillers = [...[...trees.keys()].filter((p) => p !== path), ...open.map((n) => n.path)];
  for (const p of fillers) {
    if (!placeholders.delete(p)) throw new InputError(from, "", `does not cover unit "${path}" exactly: node "${p}" is not an open node of its trees, or is given twice`);
  }
  if (placeholders.size > 0) throw new InputError(from, "", `does not cover unit "${path}" exactly: open node "${[...placeholders][0]}" is in no tree and no open unit`);
  return { ...head, reading: { kind: "closed", trees, open } };
}

// The `holds` certificate of `tessera verify` (format "tessera-verify-certificate", version 2): what the
// verifier proved, recorded so an independent checker can replay it in exact arithmetic (certificate-check.ts).
// For every pair of an input box and an unsafe disjunct of the property, the branch tree of input splits and
// ReLU splits (a ReLU's pre-activation cut to z ≤ 0 / z ≥ 0 on the path below it); at
// every node the checker recomputes the exact bounds of the fast verifier's relaxation (refined by
// back-substitution, inheriting the parent node's bounds, lower lines by the recorded ratio rule), and at every
// leaf the recorded choices: nonnegative multipliers μ over the disjunct's constraints a_k·y ≤ b_k and, when the
// verifier re-chose them, the lower-line slopes of the ReLUs. A leaf is valid when Σ μ_k (a_k·y − b_k) > 0 on
// its box. The document is one JSON object, or NDJSON (a header line, one line per tree node in pre-order, an
// end line) for trees too large for one string. This file holds the data types and their JSON form only, so
// the checker and the verifier share nothing else.
import { createHash } from "node:crypto";
import { InputError } from "../errors.js";
import { formatRational, tryParseRational, type Rational } from "../exact/rational.js";
import type { VerificationProblem } from "./problem.js";

export const VERIFY_CERTIFICATE_FORMAT = "tessera-verify-certificate";
export const VERIFY_CERTIFICATE_VERSION = 2;

/** The lower-line slopes a ∈ [0, 1] of the ReLUs of one activation node (one per neuron, rationals). */
export interface LowerLines {
  readonly node: number;
  readonly a: readonly string[];
}

/**
 * An input split x_dim ≤ at (first child) / x_dim ≥ at (second child); a ReLU split z ≤ 0 (first child) / z ≥ 0
 * (second child) of neuron `neuron` of activation node `node`; a leaf with its relaxation choices; or an empty
 * leaf (the bounds of its path's ReLU phases cross: no input of the box takes them).
 */
export type CertificateNode =
  | { readonly split: { readonly dim: number; readonly at: string }; readonly children: readonly [CertificateNode, CertificateNode] }
  | { readonly relu: { readonly node: number; readonly neuron: number }; readonly children: readonly [CertificateNode, CertificateNode] }
  | { readonly mu: readonly string[]; readonly lower?: readonly LowerLines[]; readonly beta?: readonly string[] }
  | { readonly empty: true };

export interface CertificateCase {
  /** Index of the input box (VNN-LIB disjunction of boxes, in file order). */
  readonly box: number;
  /** Index of the unsafe output disjunct. */
  readonly disjunct: number;
  readonly tree: CertificateNode;
}

/** The relaxation rule every node is bounded with (the fast verifier's), replayed by the checker. */
export interface RelaxationRule {
  /** An unstable ReLU's lower line is a = 1 when u > −r·l, else 0 (a positive integer r). */
  readonly lowerSlopeRatio: number;
}

/** Everything but the trees: the header line of an NDJSON certificate. */
export interface CertificateHeader {
  readonly format: typeof VERIFY_CERTIFICATE_FORMAT;
  readonly version: typeof VERIFY_CERTIFICATE_VERSION;
  /** The network proved about: its file name (informational) and the SHA-256 of its exact weights (networkSha256). */
  readonly network: { readonly file?: string; readonly sha256: string };
  /** The property file (informational), and the SHA-256 of the embedded problem's canonical JSON. */
  readonly property: { readonly file?: string; readonly sha256: string };
  /** The property itself (the unsafe set). */
  readonly problem: SerializedProblem;
  readonly relaxation: RelaxationRule;
}

export interface VerifyCertificate extends CertificateHeader {
  readonly cases: readonly CertificateCase[];
}

/** A VerificationProblem with rationals as strings. */
export interface SerializedProblem {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly boxes: readonly { readonly lo: readonly string[]; readonly hi: readonly string[] }[];
  readonly disjuncts: readonly (readonly { readonly a: readonly string[]; readonly b: string; readonly strict?: boolean }[])[];
}

export function serializeProblem(p: VerificationProblem): SerializedProblem {
  return {
    inputSize: p.inputSize,
    outputSize: p.outputSize,
    boxes: p.boxes.map((b) => ({ lo: b.lo.map(formatRational), hi: b.hi.map(formatRational) })),
    disjuncts: p.disjuncts.map((conj) =>
      conj.map((c) => (c.strict ? { a: c.a.map(formatRational), b: formatRational(c.b), strict: true } : { a: c.a.map(formatRational), b: formatRational(c.b) })),
    ),
  };
}

/** SHA-256 of a problem's canonical JSON (serializeProblem, keys in that order, rationals in lowest terms). */
export function problemSha256(p: VerificationProblem): string {
  return createHash("sha256").update(JSON.stringify(serializeProblem(p))).digest("hex");
}

/** Decode an embedded problem, throwing an InputError naming the JSON path of the first bad value. */
export function parseProblem(value: unknown, file: string): VerificationProblem {
  const fail = (path: string, why: string): never => {
    throw new InputError(file, path, why);
  };
  const o = (typeof value === "object" && value !== null ? value : fail("problem", "is not an object")) as Record<string, unknown>;
  const num = (v: unknown, path: string): Rational => (typeof v === "string" ? tryParseRational(v) : undefined) ?? fail(path, "is not a rational string");
  const list = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, "is not an array"));
  const int = (v: unknown, path: string): number => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : fail(path, "is not a positive integer"));
  return {
    inputSize: int(o.inputSize, "problem.inputSize"),
    outputSize: int(o.outputSize, "problem.outputSize"),
    boxes: list(o.boxes, "problem.boxes").map((b, i) => {
      const box = b as Record<string, unknown>;
      return {
        lo: list(box?.lo, `problem.boxes[${i}].lo`).map((v, k) => num(v, `problem.boxes[${i}].lo[${k}]`)),
        hi: list(box?.hi, `problem.boxes[${i}].hi`).map((v, k) => num(v, `problem.boxes[${i}].hi[${k}]`)),
      };
    }),
    disjuncts: list(o.disjuncts, "problem.disjuncts").map((conj, i) =>
      list(conj, `problem.disjuncts[${i}]`).map((c, k) => {
        const path = `problem.disjuncts[${i}][${k}]`;
        const cc = c as Record<string, unknown>;
        const a = list(cc?.a, `${path}.a`).map((v, m) => num(v, `${path}.a[${m}]`));
        return cc.strict === true ? { a, b: num(cc.b, `${path}.b`), strict: true } : { a, b: num(cc.b, `${path}.b`) };
      }),
    ),
  };
}

/** One node of a tree as the checker reads it (rationals decoded; children follow in pre-order). */
export type ParsedNode =
  | { readonly kind: "split"; readonly dim: number; readonly at: Rational; readonly path: string }
  | { readonly kind: "relu"; readonly node: number; readonly neuron: number; readonly path: string }
  | { readonly kind: "empty"; readonly path: string }
  | {
      readonly kind: "leaf";
      readonly mu: readonly Rational[];
      readonly lower: readonly { readonly node: number; readonly a: readonly Rational[] }[];
      /** One Lagrange multiplier β ≥ 0 per ReLU split on the leaf's path (root first); empty when not given. */
      readonly beta: readonly Rational[];
      readonly path: string;
    };

/** Decode one tree node (not its children), throwing an InputError naming the JSON path of the first bad value. */
export function parseCertificateNode(node: unknown, file: string, path: string): ParsedNode {
  if (typeof node !== "object" || node === null || Array.isArray(node)) throw new InputError(file, path, "is not an object");
  const o = node as Record<string, unknown>;
  const rationals = (v: unknown, where: string): Rational[] => {
    if (!Array.isArray(v)) throw new InputError(file, where, "is not an array");
    return v.map((m, i) => {
      const r = typeof m === "string" ? tryParseRational(m) : undefined;
      if (r === undefined) throw new InputError(file, `${where}[${i}]`, "is not a rational string");
      return r;
    });
  };
  if ("mu" in o) {
    if ("split" in o) throw new InputError(file, path, 'has both "mu" and "split"');
    const mu = rationals(o.mu, `${path}.mu`);
    const lower = o.lower === undefined ? [] : Array.isArray(o.lower) ? o.lower : undefined;
    if (!lower) throw new InputError(file, `${path}.lower`, "is not an array");
    const beta = o.beta === undefined ? [] : rationals(o.beta, `${path}.beta`);
    return {
      kind: "leaf",
      mu,
      beta,
      lower: lower.map((l, i) => {
        const ll = (typeof l === "object" && l !== null ? l : {}) as Record<string, unknown>;
        if (typeof ll.node !== "number" || !Number.isInteger(ll.node) || ll.node < 0) throw new InputError(file, `${path}.lower[${i}].node`, "is not a node index");
        return { node: ll.node, a: rationals(ll.a, `${path}.lower[${i}].a`) };
      }),
      path,
    };
  }
  if ("empty" in o) {
    if (o.empty !== true || Object.keys(o).length !== 1) throw new InputError(file, path, 'an empty leaf is exactly {"empty": true}');
    return { kind: "empty", path };
  }
  if ("relu" in o) {
    if ("split" in o) throw new InputError(file, path, 'has both "relu" and "split"');
    const relu = (typeof o.relu === "object" && o.relu !== null ? o.relu : {}) as Record<string, unknown>;
    const index = (v: unknown, key: string): number => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new InputError(file, `${path}.relu.${key}`, "is not a nonnegative integer");
      return v;
    };
    return { kind: "relu", node: index(relu.node, "node"), neuron: index(relu.neuron, "neuron"), path };
  }
  const split = o.split as Record<string, unknown> | undefined;
  if (!split || typeof split !== "object") throw new InputError(file, path, 'has none of "mu", "split", "relu" and "empty"');
  if (typeof split.dim !== "number" || !Number.isInteger(split.dim) || split.dim < 0) throw new InputError(file, `${path}.split.dim`, "is not an input index");
  const at = typeof split.at === "string" ? tryParseRational(split.at) : undefined;
  if (at === undefined) throw new InputError(file, `${path}.split.at`, "is not a rational string");
  return { kind: "split", dim: split.dim, at, path };
}

/** Number of leaves of a certificate tree. */
export function countLeaves(node: CertificateNode): number {
  let n = 0;
  const stack: CertificateNode[] = [node];
  while (stack.length) {
    const x = stack.pop()!;
    if ("children" in x) stack.push(x.children[0], x.children[1]);
    else n++;
  }
  return n;
}

/** The header of a certificate (everything but its trees). */
export function certificateHeader(doc: VerifyCertificate): CertificateHeader {
  const { cases: _cases, ...header } = doc;
  return header;
}

/**
 * The NDJSON form, line by line: the header (with "cases": the number of cases), then per case a line
 * {"case": {"box", "disjunct"}} followed by its nodes in pre-order (a split line {"split": …} is followed by its
 * first subtree, then its second), and a last line {"end": true, "leaves": N} that marks the file complete.
 */
export function* certificateLines(doc: VerifyCertificate): Generator<string> {
  yield JSON.stringify({ ...certificateHeader(doc), cases: doc.cases.length });
  let leaves = 0;
  for (const c of doc.cases) {
    yield JSON.stringify({ case: { box: c.box, disjunct: c.disjunct } });
    const stack: CertificateNode[] = [c.tree];
    while (stack.length) {
      const n = stack.pop()!;
      if ("children" in n) {
        yield JSON.stringify("relu" in n ? { relu: n.relu } : { split: n.split });
        stack.push(n.children[1], n.children[0]);
      } else {
        leaves++;
        yield JSON.stringify(n);
      }
    }
  }
  yield JSON.stringify({ end: true, leaves });
}

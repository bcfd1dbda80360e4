// The `holds` certificate of `tessera verify` (format "tessera-verify-certificate"): for every pair of an
// input box and an unsafe disjunct of the property, a branch tree of input splits whose leaves each carry
// nonnegative multipliers μ over the disjunct's constraints a_k·y ≤ b_k. A leaf is valid when
// Σ μ_k (a_k·y − b_k) > 0 for every input in the leaf box, which an independent checker re-proves with
// exact symbolic bounds (certificate-check.ts). This file holds only the data types and their JSON form,
// so the checker and the verifier share nothing else.
import { InputError } from "../errors.js";
import { formatRational, tryParseRational, type Rational } from "../exact/rational.js";
import type { VerificationProblem } from "./problem.js";

export const VERIFY_CERTIFICATE_FORMAT = "tessera-verify-certificate";

/** An input split x_dim ≤ at (first child) / x_dim ≥ at (second child), or a leaf with its multipliers. */
export type CertificateNode =
  | { readonly split: { readonly dim: number; readonly at: string }; readonly children: readonly [CertificateNode, CertificateNode] }
  | { readonly mu: readonly string[]; readonly refine?: boolean };

export interface CertificateCase {
  /** Index of the input box (VNN-LIB disjunction of boxes, in file order). */
  readonly box: number;
  /** Index of the unsafe output disjunct. */
  readonly disjunct: number;
  readonly tree: CertificateNode;
}

export interface VerifyCertificate {
  readonly format: typeof VERIFY_CERTIFICATE_FORMAT;
  readonly version: 1;
  /** The files the certificate is about, with their SHA-256, so `tessera check` can load and compare them. */
  readonly network: { readonly file?: string; readonly sha256?: string };
  readonly property: { readonly file?: string; readonly sha256?: string };
  /** The property itself (the unsafe set), so the certificate can be checked without the file. */
  readonly problem: SerializedProblem;
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

/** Parsed form of a tree (rationals decoded), as the checker walks it. */
export type ParsedNode =
  | { readonly kind: "split"; readonly dim: number; readonly at: Rational; readonly children: readonly [ParsedNode, ParsedNode]; readonly path: string }
  | { readonly kind: "leaf"; readonly mu: readonly Rational[]; readonly refine: boolean; readonly path: string };

/** Decode a certificate tree, throwing an InputError naming the JSON path of the first malformed node. */
export function parseCertificateNode(node: unknown, file: string, path: string): ParsedNode {
  // Iterative along the first child to keep deep trees off the call stack as much as possible.
  if (typeof node !== "object" || node === null) throw new InputError(file, path, "is not an object");
  const o = node as Record<string, unknown>;
  if ("mu" in o) {
    if (!Array.isArray(o.mu)) throw new InputError(file, `${path}.mu`, "is not an array");
    const mu = o.mu.map((m, i) => {
      const r = typeof m === "string" ? tryParseRational(m) : undefined;
      if (r === undefined) throw new InputError(file, `${path}.mu[${i}]`, "is not a rational string");
      return r;
    });
    return { kind: "leaf", mu, refine: o.refine === true, path };
  }
  const split = o.split as Record<string, unknown> | undefined;
  if (!split || typeof split !== "object") throw new InputError(file, path, 'has neither "mu" nor "split"');
  if (typeof split.dim !== "number" || !Number.isInteger(split.dim) || split.dim < 0) throw new InputError(file, `${path}.split.dim`, "is not an input index");
  const at = typeof split.at === "string" ? tryParseRational(split.at) : undefined;
  if (at === undefined) throw new InputError(file, `${path}.split.at`, "is not a rational string");
  if (!Array.isArray(o.children) || o.children.length !== 2) throw new InputError(file, `${path}.children`, "is not an array of two nodes");
  return {
    kind: "split",
    dim: split.dim,
    at,
    children: [parseCertificateNode(o.children[0], file, `${path}.children[0]`), parseCertificateNode(o.children[1], file, `${path}.children[1]`)],
    path,
  };
}

/** Number of leaves of a certificate tree. */
export function countLeaves(node: CertificateNode): number {
  let n = 0;
  const stack: CertificateNode[] = [node];
  while (stack.length) {
    const x = stack.pop()!;
    if ("mu" in x) n++;
    else stack.push(x.children[0], x.children[1]);
  }
  return n;
}

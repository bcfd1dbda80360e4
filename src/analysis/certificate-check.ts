// The independent checker of `holds` certificates ("tessera-verify-certificate"). It re-proves, in exact
// arithmetic, that the unsafe set is empty: every (input box, unsafe disjunct) pair has exactly one tree;
// every split point lies in its box, so the leaves cover the box; and at every leaf, with μ ≥ 0 from the
// certificate, the exact lower bound of Σ μ_k (a_k·y − b_k) over the leaf box (exact-bounds.ts, on the box
// rounded outward to dyadics) is > 0, so no input of the leaf satisfies all the disjunct's constraints.
// It imports nothing from the verifier: only the certificate's data types, the exact bounds and the
// VNN-LIB reader. Registered with `tessera check` under its format name.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFileBytes } from "../formats/load.js";
import { dirname, isAbsolute, resolve } from "node:path";
import { Rational, formatRational } from "../exact/rational.js";
import type { Network } from "../network/ir.js";
import { inputSize, outputSize } from "../network/ir.js";
import { loadVnnlib } from "../formats/vnnlib.js";
import { registerChecker } from "../check/index.js";
import { CheckFailure, type CheckReport } from "../check/types.js";
import { InputError } from "../errors.js";
import { VERIFY_CERTIFICATE_FORMAT, parseCertificateNode, parseProblem, type ParsedNode } from "./certificate.js";
import { problemFromVnnlib, type VerificationProblem } from "./problem.js";
import { exactPropagate, exactObjectiveLowerBound, floorDyadic, ceilDyadic, type DyadicBox } from "./exact-bounds.js";

/** Leaf boxes are rounded outward to multiples of 2^BOX_EXPONENT when their bounds are not dyadic. */
const BOX_EXPONENT = -80;

export interface CertificateCheckResult {
  /** Leaves re-proved. */
  readonly leaves: number;
  readonly cases: number;
}

/**
 * Check a parsed certificate document against a network and a problem; throws CheckFailure naming the first
 * place that does not verify (JSON path in the certificate).
 */
export function checkVerifyCertificate(net: Network, problem: VerificationProblem, doc: Record<string, unknown>, file = "(certificate)"): CertificateCheckResult {
  if (doc.format !== VERIFY_CERTIFICATE_FORMAT) throw new CheckFailure(`format: expected "${VERIFY_CERTIFICATE_FORMAT}", got ${JSON.stringify(doc.format)}`);
  if (doc.version !== 1) throw new CheckFailure(`version: expected 1, got ${JSON.stringify(doc.version)}`);
  if (problem.inputSize !== inputSize(net) || problem.outputSize !== outputSize(net)) {
    throw new CheckFailure(`the property has ${problem.inputSize} inputs and ${problem.outputSize} outputs; the network ${inputSize(net)} and ${outputSize(net)}`);
  }
  if (!Array.isArray(doc.cases)) throw new CheckFailure("cases: is not an array");
  const seen = new Set<string>();
  let leaves = 0;
  (doc.cases as unknown[]).forEach((raw, ci) => {
    const c = raw as Record<string, unknown>;
    const b = c?.box;
    const j = c?.disjunct;
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b >= problem.boxes.length) throw new CheckFailure(`cases[${ci}].box: not an input box of the property`);
    if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j >= problem.disjuncts.length) throw new CheckFailure(`cases[${ci}].disjunct: not a disjunct of the property`);
    const key = `${b}/${j}`;
    if (seen.has(key)) throw new CheckFailure(`cases[${ci}]: box ${b} with disjunct ${j} appears twice`);
    seen.add(key);
    let tree: ParsedNode;
    try {
      tree = parseCertificateNode(c.tree, file, `cases[${ci}].tree`);
    } catch (error) {
      if (error instanceof InputError) throw new CheckFailure(`${error.location}: ${error.reason}`);
      throw error;
    }
    leaves += checkTree(net, problem, b, j, tree);
  });
  for (let b = 0; b < problem.boxes.length; b++) {
    for (let j = 0; j < problem.disjuncts.length; j++) {
      if (!seen.has(`${b}/${j}`)) throw new CheckFailure(`cases: no tree for input box ${b} with unsafe disjunct ${j}`);
    }
  }
  return { leaves, cases: seen.size };
}

function checkTree(net: Network, problem: VerificationProblem, boxIndex: number, disjunct: number, root: ParsedNode): number {
  const conj = problem.disjuncts[disjunct]!;
  const box = problem.boxes[boxIndex]!;
  let leaves = 0;
  const stack: { node: ParsedNode; lo: Rational[]; hi: Rational[] }[] = [{ node: root, lo: [...box.lo], hi: [...box.hi] }];
  while (stack.length) {
    const { node, lo, hi } = stack.pop()!;
    if (node.kind === "split") {
      const { dim, at } = node;
      if (dim >= lo.length) throw new CheckFailure(`${node.path}.split.dim: ${dim} is not an input index`);
      if (at.compare(lo[dim]!) < 0 || at.compare(hi[dim]!) > 0) {
        throw new CheckFailure(`${node.path}.split.at: ${formatRational(at)} is outside [${formatRational(lo[dim]!)}, ${formatRational(hi[dim]!)}]`);
      }
      const leftHi = [...hi];
      leftHi[dim] = at;
      const rightLo = [...lo];
      rightLo[dim] = at;
      stack.push({ node: node.children[1], lo: rightLo, hi }, { node: node.children[0], lo, hi: leftHi });
      continue;
    }
    if (node.mu.length !== conj.length) throw new CheckFailure(`${node.path}.mu: has ${node.mu.length} multipliers, the disjunct has ${conj.length} constraints`);
    if (node.mu.some((m) => m.s < 0n && m.n !== 0n)) throw new CheckFailure(`${node.path}.mu: a multiplier is negative`);
    let c = new Array<Rational>(problem.outputSize).fill(new Rational(0n, 1n));
    let rhs = new Rational(0n, 1n);
    node.mu.forEach((m, k) => {
      if (m.n === 0n) return;
      c = c.map((v, i) => v.add(m.mul(conj[k]!.a[i]!)));
      rhs = rhs.add(m.mul(conj[k]!.b));
    });
    if (node.mu.every((m) => m.n === 0n)) throw new CheckFailure(`${node.path}.mu: all multipliers are zero`);
    const dbox: DyadicBox = { lo: lo.map((v) => floorDyadic(v, BOX_EXPONENT)), hi: hi.map((v) => ceilDyadic(v, BOX_EXPONENT)) };
    const eb = exactPropagate(net, dbox, { refine: node.refine });
    const bound = exactObjectiveLowerBound(net, eb, dbox, c);
    if (bound.compare(rhs) <= 0) {
      throw new CheckFailure(
        `${node.path}: the exact lower bound ${formatRational(bound)} of Σ μ_k a_k·y does not exceed Σ μ_k b_k = ${formatRational(rhs)} on the leaf box`,
      );
    }
    leaves++;
  }
  return leaves;
}

function sha256(file: string): string {
  return createHash("sha256").update(readFileBytes(file)).digest("hex");
}

/**
 * The `tessera check` entry: the property comes from the certificate's property file when it is found
 * (next to the certificate, or as written) with the recorded SHA-256, else from the embedded copy.
 */
export function checkVerifyCertificateDocument(doc: Record<string, unknown>, net: Network, file: string): CheckReport {
  let problem: VerificationProblem;
  let source = "the property embedded in the certificate";
  try {
    problem = parseProblem(doc.problem, file);
  } catch (error) {
    if (error instanceof InputError) throw new CheckFailure(`${error.location}: ${error.reason}`);
    throw error;
  }
  const prop = doc.property as { file?: unknown; sha256?: unknown } | undefined;
  if (prop && typeof prop.file === "string") {
    const candidates = isAbsolute(prop.file) ? [prop.file] : [resolve(dirname(file), prop.file), resolve(prop.file)];
    const found = candidates.find((f) => existsSync(f));
    if (found && (typeof prop.sha256 !== "string" || sha256(found) === prop.sha256)) {
      problem = problemFromVnnlib(loadVnnlib(found));
      source = found;
    }
  }
  const r = checkVerifyCertificate(net, problem, doc, file);
  return {
    ok: true,
    format: VERIFY_CERTIFICATE_FORMAT,
    items: r.leaves,
    complete: true,
    message: `the property holds: ${r.leaves} leaves in ${r.cases} case(s) re-proved exactly (property: ${source})`,
  };
}

registerChecker(VERIFY_CERTIFICATE_FORMAT, (input, net, file) => {
  if (input.kind !== "json") throw new CheckFailure("a verification certificate is one JSON document, not NDJSON");
  return checkVerifyCertificateDocument(input.doc, net, file);
});

// The independent checker of `holds` certificates ("tessera-verify-certificate", version 2). It replays, in
// exact arithmetic, what the fast verifier proved: for every (input box, unsafe disjunct) pair exactly one
// tree; every split point lies in its node's box, so the leaves cover the box; at every node the exact bounds of
// the recorded relaxation rule (exact-bounds.ts: symbolic bounds refined by back-substitution, intersected with
// the parent node's exact bounds, lower lines by the recorded ratio) on the node box rounded outward to dyadics;
// and at every leaf, with μ ≥ 0 and the recorded lower-line slopes a ∈ [0, 1], the exact lower bound of
// Σ μ_k (a_k·y − b_k) over the leaf box is > 0, so no input of the leaf satisfies all the disjunct's constraints.
// A ReLU split cuts one ReLU's pre-activation interval to z ≤ 0 / z ≥ 0 below it (exact-bounds.ts, phases); a leaf
// whose path's phases make some neuron's exact bounds cross is empty (no input of the box takes them).
// It imports nothing from the verifier: only the certificate's data types, the exact bound modules and the
// VNN-LIB reader. Registered with `tessera check` under its format name.
import { Rational, formatRational, rationalToNumber } from "../exact/rational.js";
import { Dyadic } from "../exact/dyadic.js";
import type { Network } from "../network/ir.js";
import { inputSize, outputSize } from "../network/ir.js";
import { networkSha256 } from "../formats/network-json.js";
import { loadVnnlib } from "../formats/vnnlib.js";
import { registerChecker } from "../check/index.js";
import { CheckFailure, type CheckInput, type CheckReport } from "../check/types.js";
import { InputError } from "../errors.js";
import { VERIFY_CERTIFICATE_FORMAT, VERIFY_CERTIFICATE_VERSION, parseCertificateNode, parseProblem, problemSha256, type ParsedNode } from "./certificate.js";
import { problemFromVnnlib, type VerificationProblem } from "./problem.js";
import { exactPropagate, exactPropagateInherited, exactObjectiveLowerBound, floorDyadic, ceilDyadic, type DyadicBox, type ExactBounds } from "./exact-bounds.js";
import type { ExactInjection } from "./exact-back-substitution.js";
import { prepare, SLOPE_BITS, type ExactNode } from "./exact-fixed.js";
import { isRelu } from "./exact-relax.js";
import { backSubstitute, filterBox, filterNet, filteredBounds, inheritedOf, packBounds, type FilterBounds, type FilterBox, type FilterNet, type Inherited } from "./certificate-bounds.js";
import { ceilFloat, dyadicFromFloat64, nextDown } from "../exact/float.js";
import { inflate } from "../exact/float-error.js";

/** Node boxes are rounded outward to multiples of 2^BOX_EXPONENT when their bounds are not dyadic. */
const BOX_EXPONENT = -80;

export interface CertificateCheckResult {
  /** Leaves re-proved. */
  readonly leaves: number;
  /** Nodes (splits and leaves) whose exact bounds were recomputed. */
  readonly nodes: number;
  readonly cases: number;
  /** Leaves the filtered (float, proven error bound) engine could not prove alone, replayed exactly. */
  readonly exactLeaves: number;
}

/**
 * "filtered": every node's bounds in float64 with proven error bounds, a leaf the float bound cannot prove
 * replayed exactly (certificate-bounds.ts; networks that are not float ReLU networks go exact throughout);
 * "exact": every node in exact fixed point (exact-bounds.ts). Both accept exactly the valid proofs the rule gives.
 */
export type Engine = "filtered" | "exact";

/** A source of tree nodes in pre-order, and the header fields of the document. */
interface CertificateSource {
  readonly header: Record<string, unknown>;
  /** The cases in document order: their box, disjunct and JSON path, and their nodes in pre-order. */
  readonly cases: Iterable<{ readonly box: unknown; readonly disjunct: unknown; readonly path: string; readonly nodes: Iterator<ParsedNode> }>;
  /** Called after the last case: throws when the document was cut short. */
  readonly finish: (leaves: number) => void;
}

const asCheckFailure = <T>(f: () => T): T => {
  try {
    return f();
  } catch (error) {
    if (error instanceof InputError) throw new CheckFailure(`${error.location}: ${error.reason}`);
    throw error;
  }
};

/** Pre-order nodes of a nested JSON tree. */
function* jsonTreeNodes(tree: unknown, file: string, path: string): Generator<ParsedNode> {
  const stack: { node: unknown; path: string }[] = [{ node: tree, path }];
  while (stack.length) {
    const { node, path: p } = stack.pop()!;
    const parsed = asCheckFailure(() => parseCertificateNode(node, file, p));
    yield parsed;
    if (parsed.kind === "split" || parsed.kind === "relu") {
      const children = (node as { children?: unknown }).children;
      if (!Array.isArray(children) || children.length !== 2) throw new CheckFailure(`${p}.children: is not an array of two nodes`);
      stack.push({ node: children[1], path: `${p}.children[1]` }, { node: children[0], path: `${p}.children[0]` });
    }
  }
}

function jsonSource(doc: Record<string, unknown>, file: string): CertificateSource {
  if (!Array.isArray(doc.cases)) throw new CheckFailure("cases: is not an array");
  const cases = (doc.cases as unknown[]).map((raw, ci) => {
    const c = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    return { box: c.box, disjunct: c.disjunct, path: `cases[${ci}]`, nodes: jsonTreeNodes(c.tree, file, `cases[${ci}].tree`) };
  });
  return { header: doc, cases, finish: () => undefined };
}

/**
 * The NDJSON form (certificate.ts, certificateLines): header, then per case a case line and its nodes, then the end
 * line. The lines are consumed one at a time with one line of lookahead (the input may be a stream from the file).
 */
function ndjsonSource(input: Extract<CheckInput, { kind: "ndjson" }>, file: string): CertificateSource {
  const it = input.lines[Symbol.iterator]();
  it.next(); // the header
  /** The 1-based number of the line `peeked` holds (the header is line 1). */
  let at = 1;
  let peeked: Record<string, unknown> | null | undefined;
  const peek = (): Record<string, unknown> | null => {
    if (peeked === undefined) {
      const n = it.next();
      at++;
      peeked = n.done ? null : n.value;
    }
    return peeked;
  };
  const take = (): Record<string, unknown> | null => {
    const v = peek();
    peeked = undefined;
    return v;
  };
  let caseLines = 0;
  const lineNodes = function* (): Generator<ParsedNode> {
    for (let p = peek(); p && !("case" in p) && !("end" in p); p = peek()) {
      const where = `line ${at}`;
      take();
      yield asCheckFailure(() => parseCertificateNode(p, file, where));
    }
  };
  const cases = function* () {
    for (let p = peek(); p && "case" in p; p = peek()) {
      const c = (p.case ?? {}) as Record<string, unknown>;
      const path = `line ${at}`;
      take();
      caseLines++;
      yield { box: c.box, disjunct: c.disjunct, path, nodes: lineNodes() };
    }
  };
  return {
    header: input.header,
    cases: cases(),
    finish: (leaves) => {
      const end = peek();
      const endAt = at;
      take();
      if (!end || end.end !== true) throw new CheckFailure(`line ${endAt}: expected the end line {"end": true, …}: the certificate was cut short or has extra lines`);
      if (end.leaves !== leaves) throw new CheckFailure(`line ${endAt}: the end line counts ${JSON.stringify(end.leaves)} leaves, the trees have ${leaves}`);
      if (peek() !== null) throw new CheckFailure(`line ${at}: a line after the end line`);
      if (input.header.cases !== undefined && input.header.cases !== caseLines) throw new CheckFailure(`line 1: cases: the header announces ${JSON.stringify(input.header.cases)} cases`);
    },
  };
}

/**
 * Check a certificate against a network and a problem; throws CheckFailure naming the first place that does not
 * verify. `problem` is the property to prove (the embedded one, or the user's --property once it matched).
 */
export function checkVerifyCertificate(net: Network, problem: VerificationProblem, input: CheckInput, file = "(certificate)", engine: Engine = "filtered"): CertificateCheckResult {
  const source = input.kind === "json" ? jsonSource(input.doc, file) : ndjsonSource(input, file);
  const header = source.header;
  checkHeader(header, net);
  if (problem.inputSize !== inputSize(net) || problem.outputSize !== outputSize(net)) {
    throw new CheckFailure(`the property has ${problem.inputSize} inputs and ${problem.outputSize} outputs; the network ${inputSize(net)} and ${outputSize(net)}`);
  }
  const rule = header.relaxation as { lowerSlopeRatio?: unknown } | undefined;
  const ratio = rule?.lowerSlopeRatio;
  if (typeof ratio !== "number" || !Number.isInteger(ratio) || ratio < 1 || ratio > 1024) throw new CheckFailure("relaxation.lowerSlopeRatio: is not an integer from 1 to 1024");
  const seen = new Set<string>();
  let leaves = 0;
  let nodes = 0;
  let exactLeaves = 0;
  for (const c of source.cases) {
    const b = c.box;
    const j = c.disjunct;
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b >= problem.boxes.length) throw new CheckFailure(`${c.path}.box: not an input box of the property`);
    if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j >= problem.disjuncts.length) throw new CheckFailure(`${c.path}.disjunct: not a disjunct of the property`);
    const key = `${b}/${j}`;
    if (seen.has(key)) throw new CheckFailure(`${c.path}: box ${b} with disjunct ${j} appears twice`);
    seen.add(key);
    const r = checkTree(net, problem, b, j, c.nodes, BigInt(ratio), c.path, engine);
    leaves += r.leaves;
    nodes += r.nodes;
    exactLeaves += r.exactLeaves;
  }
  source.finish(leaves);
  for (let b = 0; b < problem.boxes.length; b++) {
    for (let j = 0; j < problem.disjuncts.length; j++) {
      if (!seen.has(`${b}/${j}`)) throw new CheckFailure(`cases: no tree for input box ${b} with unsafe disjunct ${j}`);
    }
  }
  return { leaves, nodes, cases: seen.size, exactLeaves };
}

function checkHeader(header: Record<string, unknown>, net: Network): void {
  if (header.format !== VERIFY_CERTIFICATE_FORMAT) throw new CheckFailure(`format: expected "${VERIFY_CERTIFICATE_FORMAT}", got ${JSON.stringify(header.format)}`);
  if (header.version !== VERIFY_CERTIFICATE_VERSION) {
    throw new CheckFailure(`version: this tessera checks version ${VERIFY_CERTIFICATE_VERSION} certificates, found ${JSON.stringify(header.version)} (re-run tessera verify --certificate)`);
  }
  const recorded = (header.network as { sha256?: unknown } | undefined)?.sha256;
  const sha = networkSha256(net);
  if (recorded !== sha) throw new CheckFailure(`network.sha256: the certificate is for another network (certificate ${JSON.stringify(recorded)}, network ${sha})`);
}

interface Frame {
  readonly lo: Rational[];
  readonly hi: Rational[];
  /** The parent node's exact bounds (exact engine). */
  readonly inherit: ExactBounds | undefined;
  /** The parent node's filtered bounds, packed (filtered engine: nodes above every ReLU split). */
  readonly inheritFloat: Inherited | undefined;
  /** The ReLU phases of the path to this node. */
  readonly phases: readonly ReluPhase[];
  /** A ReLU split's child: its parent's box, bounded without a symbolic pass (exactPropagateInherited). */
  readonly sameBox?: boolean;
}

type ReluPhase = { readonly node: number; readonly neuron: number; readonly active: boolean };

/** The leaf's objective Σ μ_k a_k and right-hand side Σ μ_k b_k, exactly. */
function leafObjective(conj: VerificationProblem["disjuncts"][number], leaf: LeafNode, outputSize: number): { c: Rational[]; rhs: Rational } {
  if (leaf.mu.length !== conj.length) throw new CheckFailure(`${leaf.path}.mu: has ${leaf.mu.length} multipliers, the disjunct has ${conj.length} constraints`);
  if (leaf.mu.some((m) => m.s < 0n && m.n !== 0n)) throw new CheckFailure(`${leaf.path}.mu: a multiplier is negative`);
  if (leaf.mu.every((m) => m.n === 0n)) throw new CheckFailure(`${leaf.path}.mu: all multipliers are zero`);
  let c = new Array<Rational>(outputSize).fill(new Rational(0n, 1n));
  let rhs = new Rational(0n, 1n);
  leaf.mu.forEach((m, k) => {
    if (m.n === 0n) return;
    c = c.map((v, i) => v.add(m.mul(conj[k]!.a[i]!)));
    rhs = rhs.add(m.mul(conj[k]!.b));
  });
  return { c, rhs };
}

/**
 * The filtered proof of a leaf: a proven float lower bound of c·y (c rounded to floats, the rounding bounded by
 * the output magnitudes) compared exactly with rhs. False when the float bound does not prove it.
 */
function filteredLeafProves(fnet: FilterNet, fb: FilterBounds, box: FilterBox, c: readonly Rational[], rhs: Rational, lower: ReadonlyMap<number, Float64Array>): boolean {
  const out = fnet.output;
  const cf = Float64Array.from(c, (v) => rationalToNumber(v));
  let cErr = 0;
  const lo = fb.lo[out]!;
  const hi = fb.hi[out]!;
  c.forEach((v, i) => {
    const rem = v.sub(dyadicFromFloat64(cf[i]!)!.toRational()).abs();
    if (rem.n !== 0n) cErr += ceilFloat(rem) * Math.max(Math.abs(lo[i]!), Math.abs(hi[i]!));
  });
  const b = backSubstitute(fnet, fb, box, out, cf, 1, lower)[0]!;
  const bound = nextDown(b - inflate(cErr, c.length * 4));
  return Number.isFinite(bound) && dyadicFromFloat64(bound)!.toRational().compare(rhs) > 0;
}

/** Packed filtered bounds as the exact engine's inherited bounds (it reads those of affine nodes only). */
const dyadicBounds = (fnet: FilterNet, inh: Inherited): { lo: Dyadic[][]; hi: Dyadic[][] } => {
  const [lo, hi] = [0, 1].map((side) => fnet.nodes.map((_, id) => Array.from(inheritedOf(fnet, inh, id)?.[side] ?? [], (x) => dyadicFromFloat64(x)!)));
  return { lo: lo!, hi: hi! };
};

function checkTree(net: Network, problem: VerificationProblem, boxIndex: number, disjunct: number, nodes: Iterator<ParsedNode>, ratio: bigint, casePath: string, engine: Engine): { leaves: number; nodes: number; exactLeaves: number } {
  const conj = problem.disjuncts[disjunct]!;
  const box = problem.boxes[boxIndex]!;
  const fnet = engine === "filtered" ? filterNet(net) : undefined;
  let leaves = 0;
  let count = 0;
  let exactLeaves = 0;
  const pending: Frame[] = [{ lo: [...box.lo], hi: [...box.hi], inherit: undefined, inheritFloat: undefined, phases: [] }];
  const nodesOfNet = prepare(net);
  while (pending.length) {
    const frame = pending.pop()!;
    const next = nodes.next();
    if (next.done) throw new CheckFailure(`${casePath}: the tree ends before every split has two children (a node is missing)`);
    const node = next.value;
    const { lo, hi, phases } = frame;
    count++;
    const dbox = (): DyadicBox => ({ lo: lo.map((v) => floorDyadic(v, BOX_EXPONENT)), hi: hi.map((v) => ceilDyadic(v, BOX_EXPONENT)) });
    // The filtered engine bounds the nodes above every ReLU split (input splits and their leaves); below a ReLU
    // split, and for networks it does not cover, the exact engine bounds every node.
    const filtered = fnet !== undefined && phases.length === 0 && !frame.sameBox ? fnet : undefined;
    const fbox = filtered ? filterBox(lo, hi) : undefined;
    const bounds = (): ExactBounds => {
      const options = { refine: true, lowerSlopeRatio: ratio, phases };
      if (frame.sameBox && frame.inherit) return exactPropagateInherited(net, dbox(), { ...options, inherit: frame.inherit });
      const inherit = frame.inherit ?? (fnet && frame.inheritFloat ? dyadicBounds(fnet, frame.inheritFloat) : undefined);
      return exactPropagate(net, dbox(), { ...options, ...(inherit ? { inherit } : {}) });
    };
    if (node.kind === "relu") {
      const act = nodesOfNet[node.node];
      if (!act || act.kind !== "activation") throw new CheckFailure(`${node.path}.relu.node: ${node.node} is not an activation node of the network`);
      if (node.neuron >= act.size) throw new CheckFailure(`${node.path}.relu.neuron: ${node.neuron} is not a neuron of node ${node.node} (${act.size} neurons)`);
      if (!isRelu(act.fns[node.neuron]!)) throw new CheckFailure(`${node.path}.relu: neuron ${node.neuron} of node ${node.node} is not a ReLU`);
      const eb = bounds();
      if (eb.empty) throw new CheckFailure(`${node.path}: the node's bounds are already empty (make it an empty leaf)`);
      const split = (active: boolean): Frame => ({ lo, hi, inherit: eb, inheritFloat: undefined, phases: [...phases, { node: node.node, neuron: node.neuron, active }], sameBox: true });
      pending.push(split(true), split(false));
      continue;
    }
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
      if (filtered) {
        // A node whose float bounds are not finite hands on its parent's (sound: its box is inside the parent's).
        const fb = filteredBounds(filtered, fbox!, Number(ratio), frame.inheritFloat);
        const pack = fb ? packBounds(filtered, fb) : frame.inheritFloat;
        pending.push({ lo: rightLo, hi, inherit: undefined, inheritFloat: pack, phases }, { lo, hi: leftHi, inherit: undefined, inheritFloat: pack, phases });
        continue;
      }
      const eb = bounds();
      if (eb.empty) throw new CheckFailure(`${node.path}: the node's bounds are already empty (make it an empty leaf)`);
      pending.push({ lo: rightLo, hi, inherit: eb, inheritFloat: undefined, phases }, { lo, hi: leftHi, inherit: eb, inheritFloat: undefined, phases });
      continue;
    }
    // A leaf: no input of the box takes the path's ReLU phases (the bounds cross), or the multipliers prove it.
    if (node.kind === "leaf" && filtered && node.beta.length === 0) {
      const { c, rhs } = leafObjective(conj, node, problem.outputSize);
      const lower = leafLowerLines(net, node);
      const fb = filteredBounds(filtered, fbox!, Number(ratio), frame.inheritFloat);
      if (fb && filteredLeafProves(filtered, fb, fbox!, c, rhs, floatLowerLines(lower))) {
        leaves++;
        continue;
      }
      exactLeaves++;
    }
    const eb = bounds();
    if (eb.empty) {
      leaves++;
      continue;
    }
    if (node.kind === "empty") throw new CheckFailure(`${node.path}: the leaf is marked empty, but no neuron's exact bounds cross under its ReLU phases`);
    const { c, rhs } = leafObjective(conj, node, problem.outputSize);
    const bound = exactObjectiveLowerBound(net, withLowerLines(net, eb, leafLowerLines(net, node)), dbox(), c, net.output, lagrangeTerms(nodesOfNet, phases, node));
    if (bound.compare(rhs) <= 0) {
      throw new CheckFailure(`${node.path}: the exact lower bound ${formatRational(bound)} of Σ μ_k a_k·y does not exceed Σ μ_k b_k = ${formatRational(rhs)} on the leaf box`);
    }
    leaves++;
  }
  return { leaves, nodes: count, exactLeaves };
}

/**
 * The leaf's Lagrange terms: for the i-th ReLU split of its path with z ≤ 0 (inactive) the objective gains +β_i·z,
 * with z ≥ 0 (active) −β_i·z. On the leaf's inputs each term is ≤ 0, so a lower bound of the objective with them is
 * a lower bound of the objective (β-CROWN's split constraints).
 */
function lagrangeTerms(nodes: readonly ExactNode[], phases: readonly ReluPhase[], leaf: LeafNode): ExactInjection[] {
  if (leaf.beta.length === 0) return [];
  if (leaf.beta.length !== phases.length) throw new CheckFailure(`${leaf.path}.beta: has ${leaf.beta.length} multipliers, the path has ${phases.length} ReLU splits`);
  return leaf.beta.flatMap((b, i) => {
    if (b.s < 0n && b.n !== 0n) throw new CheckFailure(`${leaf.path}.beta[${i}]: the multiplier ${formatRational(b)} is negative`);
    const d = Dyadic.fromRational(b);
    if (!d) throw new CheckFailure(`${leaf.path}.beta[${i}]: the multiplier ${formatRational(b)} is not a dyadic rational`);
    if (d.isZero()) return [];
    const p = phases[i]!;
    const act = nodes[p.node] as Extract<ExactNode, { kind: "activation" }>;
    return [{ node: act.input, neuron: p.neuron, coef: p.active ? d.neg() : d }];
  });
}

type LeafNode = Extract<ParsedNode, { kind: "leaf" }>;

/**
 * A leaf's recorded lower lines, checked: for each listed activation node (once), one slope a ∈ [0, 1] per
 * neuron, a multiple of 2^-SLOPE_BITS.
 */
function leafLowerLines(net: Network, leaf: LeafNode): Map<number, Dyadic[]> {
  const nodes = prepare(net);
  const zero = new Rational(0n, 1n);
  const one = new Rational(1n, 1n);
  const out = new Map<number, Dyadic[]>();
  leaf.lower.forEach(({ node: id, a }, i) => {
    const where = `${leaf.path}.lower[${i}]`;
    const node = nodes[id];
    if (!node || node.kind !== "activation") throw new CheckFailure(`${where}.node: ${id} is not an activation node of the network`);
    if (out.has(id)) throw new CheckFailure(`${where}.node: node ${id} is listed twice`);
    if (a.length !== node.size) throw new CheckFailure(`${where}.a: has ${a.length} slopes, the node has ${node.size} neurons`);
    out.set(
      id,
      a.map((v, j) => {
        if (v.compare(zero) < 0 || v.compare(one) > 0) throw new CheckFailure(`${where}.a[${j}]: the slope ${formatRational(v)} is outside [0, 1]`);
        const d = Dyadic.fromRational(v);
        if (!d || d.e < -SLOPE_BITS) throw new CheckFailure(`${where}.a[${j}]: the slope ${formatRational(v)} is not a multiple of 2^-${SLOPE_BITS}`);
        return d;
      }),
    );
  });
  return out;
}

/** The recorded slopes as floats (multiples of 2^-40 in [0, 1]: exact). */
const floatLowerLines = (lower: ReadonlyMap<number, readonly Dyadic[]>): Map<number, Float64Array> => new Map([...lower].map(([id, a]) => [id, Float64Array.from(a, (d) => d.toNumber())]));

/**
 * The leaf's recorded lower lines put into the exact relaxation: used for the ReLUs that are unstable on the
 * leaf box (any a ∈ [0, 1] with intercept 0 is a valid lower line), ignored for the others, whose relaxation is
 * exact.
 */
function withLowerLines(net: Network, eb: ExactBounds, lower: ReadonlyMap<number, readonly Dyadic[]>): ExactBounds {
  if (lower.size === 0) return eb;
  const nodes = prepare(net);
  const relax = [...eb.relax];
  for (const [id, a] of lower) {
    const node = nodes[id] as Extract<ReturnType<typeof prepare>[number], { kind: "activation" }>;
    const rx = relax[id]!;
    const slopes = [...rx.a];
    a.forEach((d, j) => {
      const l = eb.lo[node.input]![j]!;
      const u = eb.hi[node.input]![j]!;
      if (isRelu(node.fns[j]!) && l.sign() < 0 && u.sign() > 0) slopes[j] = d;
    });
    relax[id] = { ...rx, a: slopes };
  }
  return { ...eb, relax };
}

/**
 * The `tessera check` entry. The property proved is the one embedded in the certificate (its SHA-256 must match);
 * with `property` (a VNN-LIB file) it must be that property, else the check fails.
 */
export function checkVerifyCertificateDocument(input: CheckInput, net: Network, file: string, options: { readonly property?: string } = {}): CheckReport {
  const header = input.kind === "json" ? input.doc : input.header;
  checkHeader(header, net);
  const problem = asCheckFailure(() => parseProblem(header.problem, file));
  const sha = problemSha256(problem);
  const recorded = (header.property as { sha256?: unknown } | undefined)?.sha256;
  if (recorded !== sha) throw new CheckFailure(`property.sha256: ${JSON.stringify(recorded)} is not the SHA-256 of the embedded problem (${sha}): the certificate was altered`);
  if (options.property !== undefined) {
    const given = problemSha256(problemFromVnnlib(loadVnnlib(options.property)));
    if (given !== sha) throw new CheckFailure(`--property ${options.property} is not the property this certificate proves (its problem's SHA-256 is ${given}, the certificate's ${sha})`);
  }
  const r = checkVerifyCertificate(net, problem, input, file);
  return {
    ok: true,
    format: VERIFY_CERTIFICATE_FORMAT,
    items: r.leaves,
    complete: true,
    message: `the property holds: ${r.leaves} leaves (${r.nodes} nodes) in ${r.cases} case(s) re-proved (${r.exactLeaves} leaves by the exact engine, the others by proven float bounds; property ${options.property ?? "embedded in the certificate"}, problem sha256 ${sha.slice(0, 12)}…)`,
  };
}

registerChecker(VERIFY_CERTIFICATE_FORMAT, (input, net, file, options) => checkVerifyCertificateDocument(input, net, file, options ?? {}));

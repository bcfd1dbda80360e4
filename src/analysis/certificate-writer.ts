// Writing the `holds` certificate: the verifier's branch tree (float split points, multipliers and re-chosen
// lower lines, built by branch-and-bound.ts) turned into the exact document of certificate.ts. Every float is a
// dyadic, so the conversion is exact.
import { formatRational } from "../exact/rational.js";
import { dyadicFromFloat64 } from "../exact/float.js";
import type { Network } from "../network/ir.js";
import { networkSha256 } from "../formats/network-json.js";
import type { VerificationProblem } from "./problem.js";
import type { FloatNet } from "./float-net.js";
import type { LowerLineChoice } from "./close-node.js";
import {
  VERIFY_CERTIFICATE_FORMAT,
  VERIFY_CERTIFICATE_VERSION,
  problemSha256,
  serializeProblem,
  type CertificateCase,
  type CertificateNode,
  type LowerLines,
  type RelaxationRule,
  type VerifyCertificate,
} from "./certificate.js";

/** The verifier's tree while it is built: an input split with two children, or a closed leaf. */
export interface TreeNode {
  split?: { dim: number; at: number };
  /** A ReLU split: the first child has z ≤ 0, the second z ≥ 0. */
  relu?: { node: number; neuron: number };
  children?: [TreeNode, TreeNode];
  /** A leaf on which the ReLU phases of its path cross (no input takes them). */
  empty?: boolean;
  mu?: number[];
  /** Lower-line slopes re-chosen for this leaf (retunedBound), by activation node. */
  lower?: LowerLineChoice;
  /** Lagrange multipliers of the ReLU splits on the leaf's path (root first). */
  beta?: number[];
}

const exact = (v: number): string => formatRational(dyadicFromFloat64(v)!.toRational());

/** The certificate form of a closed tree; lower-line slopes are written for the ReLUs (0 for other neurons, which the checker ignores). */
export function certificateTree(root: TreeNode, fn: FloatNet): CertificateNode {
  const lines = (lower: LowerLineChoice): LowerLines[] =>
    [...lower].map(([node, a]) => {
      const act = fn.nodes[node]!;
      const relu = act.kind === "activation" ? act.neurons.map((f) => f.relu) : [];
      return { node, a: Array.from(a, (v, j) => (relu[j] ? exact(v) : "0")) };
    });
  const build = (t: TreeNode): CertificateNode => {
    if (t.mu !== undefined) {
      const mu = t.mu.map(exact);
      return { mu, ...(t.lower && t.lower.size > 0 ? { lower: lines(t.lower) } : {}), ...(t.beta ? { beta: t.beta.map(exact) } : {}) };
    }
    if (t.empty) return { empty: true };
    const [a, b] = t.children!;
    if (t.relu) return { relu: { node: t.relu.node, neuron: t.relu.neuron }, children: [build(a), build(b)] };
    return { split: { dim: t.split!.dim, at: exact(t.split!.at) }, children: [build(a), build(b)] };
  };
  return build(root);
}

/** Recorded in the certificate (informational): the files' names as the user gave them. */
export interface CertificateFiles {
  readonly network?: string;
  readonly property?: string;
}

/** The certificate document for the problem, one tree per (input box, disjunct) case. */
export function certificateDocument(net: Network, problem: VerificationProblem, relaxation: RelaxationRule, cases: readonly CertificateCase[], files: CertificateFiles = {}): VerifyCertificate {
  return {
    format: VERIFY_CERTIFICATE_FORMAT,
    version: VERIFY_CERTIFICATE_VERSION,
    network: { ...(files.network === undefined ? {} : { file: files.network }), sha256: networkSha256(net) },
    property: { ...(files.property === undefined ? {} : { file: files.property }), sha256: problemSha256(problem) },
    problem: serializeProblem(problem),
    relaxation,
    cases,
  };
}

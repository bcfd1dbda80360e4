// Writing the `holds` certificate: the verifier's branch tree (float split points and multipliers, built by
// branch-and-bound.ts) turned into the exact document of certificate.ts. Every float is a dyadic, so the
// conversion is exact.
import { formatRational } from "../exact/rational.js";
import { dyadicFromFloat64 } from "../exact/float.js";
import type { VerificationProblem } from "./problem.js";
import { VERIFY_CERTIFICATE_FORMAT, serializeProblem, type CertificateCase, type CertificateNode, type VerifyCertificate } from "./certificate.js";

/** The verifier's tree while it is built: an input split with two children, or a closed leaf. */
export interface TreeNode {
  split?: { dim: number; at: number };
  children?: [TreeNode, TreeNode];
  mu?: number[];
  /** Closed with back-substitution bounds (the checker must refine too). */
  refine?: boolean;
}

const exact = (v: number): string => formatRational(dyadicFromFloat64(v)!.toRational());

/** The certificate form of a closed tree. */
export function certificateTree(root: TreeNode): CertificateNode {
  const build = (t: TreeNode): CertificateNode => {
    if (t.mu !== undefined) {
      const mu = t.mu.map(exact);
      return t.refine ? { mu, refine: true } : { mu };
    }
    const [a, b] = t.children!;
    return { split: { dim: t.split!.dim, at: exact(t.split!.at) }, children: [build(a), build(b)] };
  };
  return build(root);
}

/** Recorded in the certificate so `tessera check` finds the files. */
export interface CertificateFiles {
  readonly network?: { file?: string; sha256?: string };
  readonly property?: { file?: string; sha256?: string };
}

/** The certificate document for the problem, one tree per (input box, disjunct) case. */
export function certificateDocument(problem: VerificationProblem, cases: readonly CertificateCase[], files: CertificateFiles = {}): VerifyCertificate {
  return {
    format: VERIFY_CERTIFICATE_FORMAT,
    version: 1,
    network: files.network ?? {},
    property: files.property ?? {},
    problem: serializeProblem(problem),
    cases,
  };
}

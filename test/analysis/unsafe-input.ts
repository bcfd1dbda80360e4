// Test helper: a counterexample checked by a plain exact forward pass (network/evaluate.ts), independently of
// the verifier's own re-check: the input lies in a box of the property and the output satisfies an unsafe
// conjunction of it.
import { rat, type Rational } from "../../src/exact/rational.js";
import { evaluate } from "../../src/network/evaluate.js";
import type { Network } from "../../src/network/ir.js";
import type { VerificationProblem } from "../../src/analysis/problem.js";

export function isUnsafeInput(net: Network, problem: VerificationProblem, input: readonly Rational[]): boolean {
  const y = evaluate(net, [...input]).output;
  const inBox = problem.boxes.some((b) => input.every((x, i) => x.compare(b.lo[i]!) >= 0 && x.compare(b.hi[i]!) <= 0));
  const unsafe = problem.disjuncts.some((conj) =>
    conj.every((c) => {
      const lhs = c.a.reduce((s, a, i) => s.add(a.mul(y[i]!)), rat(0));
      return c.strict ? lhs.compare(c.b) < 0 : lhs.compare(c.b) <= 0;
    }),
  );
  return inBox && unsafe;
}

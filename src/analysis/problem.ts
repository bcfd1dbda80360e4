// A verification problem in the form every verification module uses: the UNSAFE set of a VNN-LIB spec as
// a disjunction of input boxes times a disjunction of conjunctions of linear output constraints a·y ≤ b.
// The property holds exactly when no input in any box reaches outputs satisfying any disjunct.
import { UsageError } from "../errors.js";
import { formatRational, type Rational } from "../exact/rational.js";
import type { VnnlibSpec } from "../formats/vnnlib.js";

/** A closed input box lo ≤ x ≤ hi. */
export interface InputBox {
  readonly lo: readonly Rational[];
  readonly hi: readonly Rational[];
}

/** The half-space a·y ≤ b on the outputs (a·y < b when strict). */
export interface OutputConstraint {
  readonly a: readonly Rational[];
  readonly b: Rational;
  readonly strict?: boolean;
}

export interface VerificationProblem {
  readonly inputSize: number;
  readonly outputSize: number;
  /** The input set is the union of these boxes. */
  readonly boxes: readonly InputBox[];
  /** The unsafe output set is the union of these conjunctions (each a list of constraints that must all hold). */
  readonly disjuncts: readonly (readonly OutputConstraint[])[];
}

/** Throw a UsageError unless the problem's sizes match the network's and every box is nonempty. */
export function checkProblem(p: VerificationProblem, inputs: number, outputs: number, where = "analysis/problem"): void {
  if (p.inputSize !== inputs) throw new UsageError(`${where}: the property has ${p.inputSize} inputs, the network takes ${inputs}`);
  if (p.outputSize !== outputs) throw new UsageError(`${where}: the property has ${p.outputSize} outputs, the network gives ${outputs}`);
  p.boxes.forEach((box, i) => {
    if (box.lo.length !== inputs || box.hi.length !== inputs) throw new UsageError(`${where}: input box ${i} has the wrong size`);
    box.lo.forEach((lo, k) => {
      if (lo.compare(box.hi[k]!) > 0) {
        throw new UsageError(`${where}: input box ${i} is empty: X_${k} ≥ ${formatRational(lo)} and ≤ ${formatRational(box.hi[k]!)}`);
      }
    });
  });
  p.disjuncts.forEach((conj, i) =>
    conj.forEach((c, k) => {
      if (c.a.length !== outputs) throw new UsageError(`${where}: output constraint ${k} of disjunct ${i} has the wrong size`);
    }),
  );
}

/** True when x lies in the box (exactly). */
export function inBox(box: InputBox, x: readonly Rational[]): boolean {
  return x.every((v, i) => v.compare(box.lo[i]!) >= 0 && v.compare(box.hi[i]!) <= 0);
}

/** True when y satisfies every constraint of the conjunction (exactly). */
export function satisfiesAll(conj: readonly OutputConstraint[], y: readonly Rational[]): boolean {
  return conj.every((c) => {
    let s = c.b.mul(0);
    c.a.forEach((ai, k) => {
      if (ai.n !== 0n) s = s.add(ai.mul(y[k]!));
    });
    const cmp = s.compare(c.b);
    return c.strict ? cmp < 0 : cmp <= 0;
  });
}

/** The index of a disjunct whose constraints y satisfies, or -1. */
export function unsafeDisjunct(p: VerificationProblem, y: readonly Rational[]): number {
  return p.disjuncts.findIndex((conj) => satisfiesAll(conj, y));
}

/** The verification problem of a parsed VNN-LIB spec (input regions must be boxes); sizes checked when given. */
export function problemFromVnnlib(spec: VnnlibSpec, sizes?: { readonly inputs: number; readonly outputs: number }): VerificationProblem {
  if (sizes && spec.inputs !== sizes.inputs) throw new UsageError(`analysis/verify: the property has ${spec.inputs} inputs, the network takes ${sizes.inputs}`);
  if (sizes && spec.outputs !== sizes.outputs) throw new UsageError(`analysis/verify: the property has ${spec.outputs} outputs, the network gives ${sizes.outputs}`);
  return {
    inputSize: spec.inputs,
    outputSize: spec.outputs,
    boxes: spec.inputRegions.map((r, i) => {
      if (r.kind !== "box") {
        throw new UsageError(`analysis/verify: ${spec.file}: input disjunct ${i} is a general polytope; verify needs input boxes (bounds on each X_i)`);
      }
      return { lo: r.lo, hi: r.hi };
    }),
    disjuncts: spec.outputDnf.map((conj) => conj.map((c) => (c.strict ? { a: c.coeffs, b: c.rhs, strict: true } : { a: c.coeffs, b: c.rhs }))),
  };
}

// Activations as piecewise-linear functions: every ActivationSpec becomes, per neuron, one
// PiecewiseLinear (sorted breakpoints, continuous), and the piece of a pre-activation value is decided
// exactly. Validation of user-given PWL functions lives here too.
import { ONE, ZERO, Rational, rat } from "../exact/rational.js";
import type { Field } from "../exact/field.js";
import type { ActivationSpec, PiecewiseLinear } from "./ir.js";

const NEG_ONE = rat(-1);
const SIX = rat(6);

const RELU: PiecewiseLinear = { breakpoints: [ZERO], slopes: [ZERO, ONE], intercepts: [ZERO, ZERO] };
const ABS: PiecewiseLinear = { breakpoints: [ZERO], slopes: [NEG_ONE, ONE], intercepts: [ZERO, ZERO] };

function leaky(alpha: Rational): PiecewiseLinear {
  return { breakpoints: [ZERO], slopes: [alpha, ONE], intercepts: [ZERO, ZERO] };
}

/** clip(z, lo, hi): constant lo, identity, constant hi. */
function clamp(lo: Rational, hi: Rational): PiecewiseLinear {
  return { breakpoints: [lo, hi], slopes: [ZERO, ONE, ZERO], intercepts: [lo, ZERO, hi] };
}

/** The piecewise-linear function neuron `index` of this activation applies. */
export function neuronFunction(spec: ActivationSpec, index: number): PiecewiseLinear {
  switch (spec.kind) {
    case "relu":
      return RELU;
    case "leaky_relu":
      return leaky(spec.alpha);
    case "prelu":
      return leaky(spec.alpha.length === 1 ? spec.alpha[0]! : spec.alpha[index]!);
    case "hardtanh":
    case "clip":
      return clamp(spec.min, spec.max);
    case "relu6":
      return clamp(ZERO, SIX);
    case "abs":
      return ABS;
    case "pwl":
      return spec.pwl;
    default: {
      const unreachable: never = spec;
      throw new Error(`network/activation: unknown activation ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Number of pieces of neuron `index` (breakpoints + 1). */
export function pieceCount(spec: ActivationSpec, index: number): number {
  return neuronFunction(spec, index).breakpoints.length + 1;
}

/**
 * The piece holding z: the number of breakpoints strictly below z (a value exactly at a breakpoint takes the
 * lower piece), and whether z sits exactly on a breakpoint (a tie).
 */
export function pieceOf<T>(F: Field<T>, breakpoints: readonly T[], z: T): { piece: number; tie: boolean } {
  let piece = 0;
  let tie = false;
  for (const b of breakpoints) {
    const c = F.compare(z, b);
    if (c > 0) piece++;
    else {
      if (c === 0) tie = true;
      break;
    }
  }
  return { piece, tie };
}

/**
 * Why a user-given PWL function is invalid, or undefined when it is valid: breakpoints strictly increasing,
 * one slope and one intercept per piece, and continuity at every breakpoint (both pieces agree there).
 */
export function pwlProblem(f: PiecewiseLinear): string | undefined {
  const k = f.breakpoints.length;
  if (f.slopes.length !== k + 1) return `has ${k} breakpoints, so it needs ${k + 1} slopes, not ${f.slopes.length}`;
  if (f.intercepts.length !== k + 1) return `has ${k} breakpoints, so it needs ${k + 1} intercepts, not ${f.intercepts.length}`;
  for (let i = 1; i < k; i++) {
    if (f.breakpoints[i]!.compare(f.breakpoints[i - 1]!) <= 0) return `breakpoints are not strictly increasing at index ${i}`;
  }
  for (let i = 0; i < k; i++) {
    const b = f.breakpoints[i]!;
    const left = f.slopes[i]!.mul(b).add(f.intercepts[i]!);
    const right = f.slopes[i + 1]!.mul(b).add(f.intercepts[i + 1]!);
    if (!left.equals(right)) {
      return `is not continuous at breakpoint ${i} (${b.toFraction()}): ${left.toFraction()} from the left, ${right.toFraction()} from the right`;
    }
  }
  return undefined;
}

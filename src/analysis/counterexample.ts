// Counterexample search: a PGD attack from the box centre, random points and gradient-guided (projected sign-gradient) descent on the
// float violation of the unsafe conditions propose inputs; each candidate is then moved exactly into the
// input box and checked by an exact forward pass (dyadic when possible, rational otherwise). Only an
// exactly checked point is ever returned.
import type { Rational } from "../exact/rational.js";
import { ceilFloat, dyadicFromFloat64, floorFloat } from "../exact/float.js";
import { evaluate, evaluateDyadic, isDyadicNetwork } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import { Dyadic } from "../exact/dyadic.js";
import { floatForward, floatGradient, type FloatNet } from "./float-net.js";
import { satisfiesAll, inBox, type InputBox, type OutputConstraint, type VerificationProblem } from "./problem.js";
import { rationalToNumber } from "../exact/rational.js";
import { seededRandom } from "../exact/random.js";
import { evaluateFloat32 } from "../network/float32.js";

export interface Counterexample {
  /** Exact input inside `problem.boxes[box]`. */
  readonly input: readonly Rational[];
  /** Exact output of the network at `input`. */
  readonly output: readonly Rational[];
  readonly box: number;
  /** A disjunct of the unsafe output set that the output satisfies. */
  readonly disjunct: number;
  /** Informational: the float32 forward pass (network/float32.ts) at `input` rounded to float32. */
  readonly float32: Float32Replay;
}

/** The float32 replay of a counterexample, as VNN-COMP's onnxruntime check would see it (up to summation order). */
export interface Float32Replay {
  readonly input: readonly number[];
  readonly output: readonly number[];
  /** Whether the float32 output satisfies an unsafe disjunct (compared exactly). */
  readonly violates: boolean;
}

/** The float32 replay at an exact input (informational). */
export function float32Replay(net: Network, problem: VerificationProblem, input: readonly Rational[]): Float32Replay {
  const x = input.map((v) => Math.fround(rationalToNumber(v)));
  const output = evaluateFloat32(net, x);
  const y = output.map((v) => dyadicFromFloat64(v)?.toRational());
  const violates = y.every((v): v is Rational => v !== undefined) && problem.disjuncts.some((conj) => satisfiesAll(conj, y));
  return { input: x, output, violates };
}

/** Float form of one conjunction of output constraints. */
export interface FloatConjunction {
  readonly a: readonly Float64Array[];
  readonly b: Float64Array;
}

export function floatConjunction(conj: readonly OutputConstraint[]): FloatConjunction {
  return { a: conj.map((c) => Float64Array.from(c.a.map(rationalToNumber))), b: Float64Array.from(conj.map((c) => rationalToNumber(c.b))) };
}

/** max_k (a_k·y − b_k): ≤ 0 when y is (approximately) in the unsafe conjunction; and the maximizing k. */
export function violation(fc: FloatConjunction, y: ArrayLike<number>): [value: number, argmax: number] {
  let best = -Infinity;
  let arg = 0;
  fc.a.forEach((a, k) => {
    let s = -fc.b[k]!;
    for (let i = 0; i < a.length; i++) s += a[i]! * y[i]!;
    if (s > best) {
      best = s;
      arg = k;
    }
  });
  return [best, arg];
}

/**
 * The float x moved into the exact box: a coordinate below lo becomes the smallest float ≥ lo (above hi, the largest
 * float ≤ hi), so the point stays dyadic (the fast exact path) when the box bounds are decimals; the exact bound
 * itself only when no float lies between lo and hi.
 */
export function clampExact(box: InputBox, x: ArrayLike<number>): Rational[] {
  return box.lo.map((lo, i) => {
    const hi = box.hi[i]!;
    const v = dyadicFromFloat64(x[i]!)!.toRational();
    const inside = (f: number, bound: Rational): Rational => {
      const r = dyadicFromFloat64(f)!.toRational();
      return r.compare(lo) >= 0 && r.compare(hi) <= 0 ? r : bound;
    };
    if (v.compare(lo) < 0) return inside(ceilFloat(lo), lo);
    if (v.compare(hi) > 0) return inside(floorFloat(hi), hi);
    return v;
  });
}

/** Exact output at an exact input (dyadic fast path when both the network and the point are dyadic). */
export function exactOutput(net: Network, x: readonly Rational[]): Rational[] {
  if (isDyadicNetwork(net)) {
    const dx = x.map((v) => Dyadic.fromRational(v));
    if (dx.every((v): v is Dyadic => v !== undefined)) return evaluateDyadic(net, dx).output.map((v) => v.toRational());
  }
  return evaluate(net, x).output;
}

/**
 * Check a float proposal exactly: the counterexample, or undefined when the exact point is safe. The proposal
 * rounded to float32 is tried first when it lies in the box: a counterexample that the float32 replay confirms
 * too is preferred (VNN-COMP replays in float32); otherwise an exact counterexample is returned anyway, with its
 * float32 replay reported beside it. No further search is made for agreement.
 */
export function checkCandidate(net: Network, problem: VerificationProblem, boxIndex: number, x: ArrayLike<number>): Counterexample | undefined {
  const box = problem.boxes[boxIndex]!;
  const at = (input: Rational[]): Counterexample | undefined => counterexampleAt(net, problem, boxIndex, input);
  const x32 = Array.from(x, (v) => Math.fround(v));
  const input32 = x32.every((v, i) => v === x[i]) ? undefined : x32.map((v) => dyadicFromFloat64(v)!.toRational());
  const first = input32 && inBox(box, input32) ? at(input32) : undefined;
  if (first?.float32.violates) return first;
  return at(clampExact(box, x)) ?? first;
}

/** The counterexample at an exact input of box `boxIndex`, or undefined when its exact output is safe (worker threads send inputs). */
export function counterexampleAt(net: Network, problem: VerificationProblem, boxIndex: number, input: Rational[]): Counterexample | undefined {
  const output = exactOutput(net, input);
  const disjunct = problem.disjuncts.findIndex((conj) => satisfiesAll(conj, output));
  return disjunct < 0 ? undefined : { input, output, box: boxIndex, disjunct, float32: float32Replay(net, problem, input) };
}

/**
 * Re-check a counterexample from scratch in exact arithmetic (what the CLI does before printing): the input in a
 * box, and a fresh exact forward pass (dyadic fixed point for a dyadic input, rationals otherwise) in the unsafe set.
 */
export function recheckCounterexample(net: Network, problem: VerificationProblem, cx: { input: readonly Rational[] }): boolean {
  const box = problem.boxes.findIndex((b) => inBox(b, cx.input));
  if (box < 0) return false;
  const y = exactOutput(net, cx.input);
  return problem.disjuncts.some((conj) => satisfiesAll(conj, y));
}

export interface SearchOptions {
  /** Random points per input box (shared by its disjuncts). Default 200. */
  readonly randomPoints?: number;
  /** Descent starts per disjunct (its best random points and the centre). Default 8. */
  readonly starts?: number;
  /** Sign-gradient steps per start. Default 40. */
  readonly steps?: number;
  readonly seed?: number;
}

/**
 * What a search (and every proposal of the branch and bound) works on: one input box of the problem, one unsafe
 * conjunction in floats, and the counters it updates. One object instead of the same positional parameters in
 * every search function.
 */
export interface SearchContext {
  readonly net: Network;
  readonly fn: FloatNet;
  readonly problem: VerificationProblem;
  readonly boxIndex: number;
  readonly conjunction: FloatConjunction;
  readonly stats?: { points: number; exactChecks: number };
}

/** A float proposal x (with its float output y) checked exactly when its float violation is ≤ tolerance. */
export function proposeCandidate(ctx: SearchContext, x: ArrayLike<number>, y: ArrayLike<number>, tolerance: number): Counterexample | undefined {
  if (ctx.stats) ctx.stats.points++;
  if (!(violation(ctx.conjunction, y)[0] <= tolerance)) return undefined;
  if (ctx.stats) ctx.stats.exactChecks++;
  return checkCandidate(ctx.net, ctx.problem, ctx.boxIndex, x);
}

/** The random sampling of one input box, shared by its unsafe conjunctions: per conjunction, the best starts. */
export interface BoxSample {
  /** Per conjunction (in the order given), the sampled points by increasing float violation. */
  readonly starts: readonly (readonly Float64Array[])[];
}

/**
 * Sample [lo, hi] (inside the contexts' box) for an input whose output satisfies one of the conjunctions: the
 * centre and random points, each evaluated once in floats and measured against every conjunction. Every float
 * hit is checked exactly. Returns a counterexample, or the best points per conjunction for `descendFrom`.
 */
export function sampleBox(ctxs: readonly SearchContext[], lo: Float64Array, hi: Float64Array, options: SearchOptions = {}): Counterexample | BoxSample {
  const fn = ctxs[0]!.fn;
  const rand = seededRandom(options.seed ?? 1);
  const d = lo.length;
  const pools: { x: Float64Array; v: number }[][] = ctxs.map(() => []);
  const tolerances = ctxs.map((c) => 1e-12 * (1 + Math.abs(c.conjunction.b[0] ?? 0)));
  const tryPoint = (x: Float64Array): Counterexample | undefined => {
    const y = floatForward(fn, x)[fn.output]!;
    for (let j = 0; j < ctxs.length; j++) {
      const ctx = ctxs[j]!;
      pools[j]!.push({ x, v: violation(ctx.conjunction, y)[0] });
      const hit = proposeCandidate(ctx, x, y, tolerances[j]!);
      if (hit) return hit;
    }
    return undefined;
  };
  const centre = Float64Array.from({ length: d }, (_, i) => (lo[i]! + hi[i]!) / 2);
  let hit = tryPoint(centre);
  if (hit) return hit;
  for (let n = 0; n < (options.randomPoints ?? 200); n++) {
    const x = Float64Array.from({ length: d }, (_, i) => lo[i]! + rand() * (hi[i]! - lo[i]!));
    if ((hit = tryPoint(x))) return hit;
  }
  return { starts: pools.map((pool) => pool.sort((p, q) => p.v - q.v).slice(0, options.starts ?? 8).map((p) => p.x)) };
}

/** Steps of the PGD attack (`attack`) and its first step as a fraction of the box width. */
const ATTACK_STEPS = 30;
const ATTACK_FIRST_STEP = 0.5;
const ATTACK_DECAY = 0.85;

/**
 * PGD (projected gradient descent with sign steps, the L∞ attack of Madry et al.) on the margin of the nearest unsafe
 * conjunction, all conjunctions of one box at once: at every step the conjunction with the smallest float violation
 * is the target, the input gradient of its largest constraint gives the direction, and x moves by
 * step·width_i·sign(−g_i), clipped to [lo, hi]. The first step from the centre (the unperturbed image of a robustness
 * property) reaches a vertex of the box (FGSM); later steps shrink geometrically. Every point whose float violation
 * is ≤ 0 is checked exactly (checkCandidate); a point that fails the exact check is stepped on, which deepens its
 * float margin. Floats only propose.
 */
export function attack(ctxs: readonly SearchContext[], lo: Float64Array, hi: Float64Array, start: Float64Array, steps = ATTACK_STEPS): Counterexample | undefined {
  const fn = ctxs[0]!.fn;
  const d = lo.length;
  const x = Float64Array.from(start);
  let step = ATTACK_FIRST_STEP;
  for (let it = 0; it < steps; it++) {
    const values = floatForward(fn, x);
    const y = values[fn.output]!;
    let target = -1;
    let nearest = Infinity;
    let constraint = 0;
    ctxs.forEach((ctx, j) => {
      if (ctx.conjunction.a.length === 0) return;
      const [v, k] = violation(ctx.conjunction, y);
      if (v < nearest) [nearest, target, constraint] = [v, j, k];
    });
    if (target < 0) return undefined;
    const hit = proposeCandidate(ctxs[target]!, x, y, 0);
    if (hit) return hit;
    const g = floatGradient(fn, values, ctxs[target]!.conjunction.a[constraint]!);
    for (let i = 0; i < d; i++) x[i] = Math.min(hi[i]!, Math.max(lo[i]!, x[i]! - step * (hi[i]! - lo[i]!) * Math.sign(g[i]!)));
    step *= ATTACK_DECAY;
  }
  return undefined;
}

/** Projected sign-gradient descents of one conjunction from its best sampled points (sampleBox). */
export function descendFrom(ctx: SearchContext, lo: Float64Array, hi: Float64Array, starts: readonly Float64Array[], options: SearchOptions = {}): Counterexample | undefined {
  for (const start of starts) {
    const hit = descend(ctx, lo, hi, start, options.steps ?? 40);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Projected sign-gradient descent on the violation from `start` inside [lo, hi] (steps shrink from a quarter of
 * the box geometrically); every point whose float violation is ≤ 0 is checked exactly.
 */
export function descend(ctx: SearchContext, lo: Float64Array, hi: Float64Array, start: Float64Array, steps: number): Counterexample | undefined {
  const { fn, conjunction: fc } = ctx;
  const d = lo.length;
  const x = Float64Array.from(start);
  let step = 0.25;
  for (let it = 0; it < steps; it++) {
    const values = floatForward(fn, x);
    const y = values[fn.output]!;
    const hit = proposeCandidate(ctx, x, y, 0);
    if (hit) return hit;
    if (fc.a.length === 0) return undefined;
    const g = floatGradient(fn, values, fc.a[violation(fc, y)[1]]!);
    for (let i = 0; i < d; i++) {
      const nx = x[i]! - step * (hi[i]! - lo[i]!) * Math.sign(g[i]!);
      x[i] = Math.min(hi[i]!, Math.max(lo[i]!, nx));
    }
    step *= 0.85;
  }
  return undefined;
}

/** Counterexample as text rows for the VNN-COMP result file: `((X_0 v) ... (Y_0 v) ...)`. */
export function vnncompWitness(cx: Counterexample): string {
  const rows = [...cx.input.map((v, i) => `(X_${i} ${decimalOrFraction(v)})`), ...cx.output.map((v, i) => `(Y_${i} ${decimalOrFraction(v)})`)];
  return `(${rows.join("\n ")})`;
}

/** A rational as exact decimal text when its denominator is 2^a·5^b (every float is), else "(/ p q)". */
export function decimalOrFraction(r: Rational): string {
  let d = r.d;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) return `(/ ${r.s * r.n} ${r.d})`;
  const digits = Math.max(twos, fives);
  const scaled = r.s * r.n * 10n ** BigInt(digits) / r.d;
  const neg = scaled < 0n;
  const s = (neg ? -scaled : scaled).toString().padStart(digits + 1, "0");
  const text = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return neg ? `-${text}` : text;
}

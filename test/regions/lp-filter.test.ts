// The filtered predicates of LP decisions (regions/lp-filter.ts, docs/algorithms/filtered-predicates.md,
// "LP decisions") tried against exact arithmetic written here: the bound that float multipliers prove
// must never be below the exact maximum (the exact simplex's, in rationals), an exact tie is never proved,
// and a float point is proved inside rows / a piece only when it is, exactly. Adversarial inputs: 90-bit
// mantissas (no float is exact), exponents from 2^-400 to 2^400, float rows pushed by up to their error
// bound, multipliers perturbed away from the optimum, points exactly on a hyperplane.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Dyadic } from "../../src/exact/dyadic.js";
import { DyadicField } from "../../src/exact/field.js";
import { nextUp } from "../../src/exact/float.js";
import { rationalToNumber, type Rational } from "../../src/exact/rational.js";
import { exactMax } from "../../src/geometry/exact-simplex.js";
import { proposeMax } from "../../src/geometry/float-lp.js";
import { floatInside, floatValueBetween, multiplierUpperFloat, multipliersProve } from "../../src/regions/lp-filter.js";
import { RowStack } from "../../src/regions/row-stack.js";

const u = 2 ** -53;

/** A dyadic with an odd mantissa of `bits` bits times 2^e. */
const dyadicArb = (bits: number, eMin: number, eMax: number): fc.Arbitrary<Dyadic> =>
  fc.tuple(fc.bigInt({ min: 0n, max: (1n << BigInt(bits - 1)) - 1n }), fc.boolean(), fc.integer({ min: eMin, max: eMax })).map(([m, neg, e]) => {
    const odd = (m << 1n) | 1n;
    return Dyadic.of(neg ? -odd : odd, e);
  });

/** A float ≥ |x| (exactly checked). */
function floatAbove(x: Dyadic): number {
  const a = x.sign() < 0 ? x.neg() : x;
  let f = a.toNumber();
  while (DyadicField.fromFloat(f).compare(a) < 0) f = nextUp(f);
  return f;
}

/** The float row (w, then c) of an exact row, each entry pushed by up to half its error bound e; and e. */
function floatRowOf(w: readonly Dyadic[], c: Dyadic, push: readonly number[]): { vals: Float64Array; e: number } {
  const exact = [...w, c];
  const max = exact.reduce((m, v) => Math.max(m, Math.abs(v.toNumber())), 0);
  const e = 4 * u * max + Number.MIN_VALUE;
  return { vals: new Float64Array(exact.map((v, k) => v.toNumber() + push[k]! * e * 0.5)), e };
}

const d = 3;

/** Exactly: max of w·x + c over the rows (the exact simplex), or undefined when unbounded. */
function exactMaximum(rows: RowStack<Dyadic>, w: readonly Dyadic[], c: Dyadic): Rational | undefined {
  const res = exactMax(
    rows.a.map((a) => a.map((v) => v.toRational())),
    rows.b.map((v) => v.toRational()),
    w.map((v) => v.toRational()),
  );
  return res.status === "optimal" ? res.value.add(c.toRational()) : undefined;
}

describe("float multipliers: the proven bound against the exact LP maximum", () => {
  const caseArb = fc.record({
    w: fc.array(dyadicArb(90, -90, 0), { minLength: d, maxLength: d }),
    c: dyadicArb(90, -90, 0),
    U: fc.array(dyadicArb(62, -62, 1), { minLength: d, maxLength: d }),
    L: fc.array(dyadicArb(62, -62, 1), { minLength: d, maxLength: d }),
    cuts: fc.array(fc.record({ a: fc.array(dyadicArb(90, -90, 0), { minLength: d, maxLength: d }), b: dyadicArb(40, -40, 0) }), { maxLength: 3 }),
    scale: fc.integer({ min: -400, max: 400 }),
    push: fc.array(fc.constantFrom(-1, 0, 1), { minLength: d + 1, maxLength: d + 1 }),
    wobble: fc.constantFrom(0, 2 ** -40, -(2 ** -20)),
    shift: fc.constantFrom("tie", "tiny-above", "tiny-below", "far-above"),
  });

  it("fast-check: a proof of max < t only when the exact max is < t; the float upper bound is ≥ the exact max; ties never proved", () => {
    fc.assert(
      fc.property(caseArb, ({ w: w0, c: c0, U: U0, L: L0, cuts, scale, push, wobble, shift }) => {
        const s = Dyadic.of(1n, scale);
        // The box [−L, U] contains 0 (U, L > 0), and so do the cuts (b > 0): the set has interior.
        const U = U0.map((x) => (x.sign() < 0 ? x.neg() : x).mul(s));
        const L = L0.map((x) => (x.sign() < 0 ? x.neg() : x).mul(s));
        const rows = new RowStack(DyadicField, d);
        for (let k = 0; k < d; k++) {
          const e = (sign: bigint): Dyadic[] => Array.from({ length: d }, (_, j) => (j === k ? Dyadic.of(sign, 0) : Dyadic.ZERO));
          rows.push({ a: e(1n), b: U[k]! }, { kind: "domain", index: 2 * k });
          rows.push({ a: e(-1n), b: L[k]! }, { kind: "domain", index: 2 * k + 1 });
        }
        cuts.forEach((cut, i) => rows.push({ a: cut.a, b: (cut.b.sign() < 0 ? cut.b.neg() : cut.b).mul(s) }, { kind: "domain", index: 2 * d + i }));
        const w = w0;
        const X = Float64Array.from(U.map((x, k) => Math.max(floatAbove(x), floatAbove(L[k]!))));
        const max0 = exactMaximum(rows, w, Dyadic.ZERO)!;
        // c: the tie makes the exact max 0 when it is a dyadic (box only); else the row's own constant.
        const c = shift === "tie" && cuts.length === 0 ? DyadicField.fromRational(max0).neg() : c0.mul(s);
        const max = max0.add(c.toRational());
        const { vals, e } = floatRowOf(w, c, push);
        if (!vals.every(Number.isFinite)) return;
        const prop = proposeMax(rows.af, rows.bf, rows.length, d, vals.subarray(0, d));
        if (prop.status !== "optimal") return;
        const y = prop.y.map((v) => v * (1 + wobble));
        // The float upper bound is ≥ the exact maximum.
        const up = multiplierUpperFloat(rows, prop.basis, y, vals, 0, 1, e, X);
        if (Number.isFinite(up)) expect(DyadicField.fromFloat(up).toRational().compare(max)).toBeGreaterThanOrEqual(0);
        // t beside the exact max (a float; a tie when the max is 0).
        const maxF = rationalToNumber(max);
        const tiny = Math.abs(maxF) * 2 ** -40 + 2 ** (scale - 200);
        const tie = shift === "tie" && cuts.length === 0;
        const t = tie ? 0 : shift === "tiny-above" ? maxF + tiny : shift === "tiny-below" ? maxF - tiny : maxF * 2 + 1;
        if (!Number.isFinite(t)) return;
        const proved = multipliersProve(rows, prop.basis, y, vals, 0, 1, e, X, t);
        if (proved) expect(max.compare(DyadicField.fromFloat(t).toRational())).toBeLessThan(0);
        if (tie) expect(proved).toBe(false);
        // The same on −z (the lower side).
        const down = proposeMax(rows.af, rows.bf, rows.length, d, vals.subarray(0, d).map((v) => -v));
        if (down.status === "optimal") {
          const min = exactMaximum(rows, w.map((v) => v.neg()), c.neg())!;
          const upNeg = multiplierUpperFloat(rows, down.basis, down.y, vals, 0, -1, e, X);
          if (Number.isFinite(upNeg)) expect(DyadicField.fromFloat(upNeg).toRational().compare(min)).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: 1313, numRuns: 400 },
    );
  });

  it("decides the easy cases and refuses ties (hand-made)", () => {
    const rows = new RowStack(DyadicField, 2);
    const one = Dyadic.ONE;
    const zero = Dyadic.ZERO;
    // The square [−1, 1]^2.
    rows.push({ a: [one, zero], b: one }, { kind: "domain", index: 0 });
    rows.push({ a: [one.neg(), zero], b: one }, { kind: "domain", index: 1 });
    rows.push({ a: [zero, one], b: one }, { kind: "domain", index: 2 });
    rows.push({ a: [zero, one.neg()], b: one }, { kind: "domain", index: 3 });
    const X = new Float64Array([1, 1]);
    // z = x0 + x1 − 3 ≤ −1 (multipliers 1, 1 on rows 0 and 2): below −0.5, not below −1 (a tie).
    const vals = new Float64Array([1, 1, -3]);
    expect(multipliersProve(rows, [0, 2], new Float64Array([1, 1]), vals, 0, 1, 0, X, -0.5)).toBe(true);
    expect(multipliersProve(rows, [0, 2], new Float64Array([1, 1]), vals, 0, 1, 0, X, -1)).toBe(false);
    // Multipliers that do not match w leave a residual bounded on the box: y = (1, 0) leaves r = (0, 1), |r|·X = 1.
    expect(multipliersProve(rows, [0, 2], new Float64Array([1, 0]), vals, 0, 1, 0, X, -0.5)).toBe(true);
    expect(multipliersProve(rows, [0, 2], new Float64Array([1, 0]), vals, 0, 1, 0, X, -1)).toBe(false);
    // A negative multiplier is no proof.
    expect(multipliersProve(rows, [0, 2], new Float64Array([-1, 1]), vals, 0, 1, 0, X, 100)).toBe(false);
    // An error bound on the row widens the bound: e = 0.25 on each entry adds 0.25·(1 + 1 + 1) (c and |x_k| ≤ 1): −0.25.
    expect(multipliersProve(rows, [0, 2], new Float64Array([1, 1]), vals, 0, 1, 0.25, X, -0.2)).toBe(true);
    expect(multipliersProve(rows, [0, 2], new Float64Array([1, 1]), vals, 0, 1, 0.25, X, -0.25)).toBe(false);
  });
});

describe("float witnesses: inside the rows and inside a piece", () => {
  it("fast-check: floatInside only when every a_i·q < b_i exactly; a point on a hyperplane is never inside", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.array(dyadicArb(90, -80, 0), { minLength: d, maxLength: d }), b: dyadicArb(90, -80, 0) }), { minLength: 1, maxLength: 4 }),
        fc.array(dyadicArb(30, -30, 0), { minLength: d, maxLength: d }),
        fc.integer({ min: -300, max: 300 }),
        fc.constantFrom("random", "on-hyperplane", "tiny-inside"),
        (cuts, q0, scale, mode) => {
          const s = Dyadic.of(1n, scale);
          const q = Float64Array.from(q0, (v) => v.toNumber());
          const qD = Array.from(q, (v) => DyadicField.fromFloat(v));
          const rows = new RowStack(DyadicField, d);
          cuts.forEach((cut, i) => {
            const a = cut.a.map((v) => v.mul(s));
            const aq = a.reduce((acc, v, k) => acc.add(v.mul(qD[k]!)), Dyadic.ZERO);
            // b: exactly a·q (on the hyperplane), a·q plus 2^-250 of the scale, or random.
            const b = mode === "on-hyperplane" && i === 0 ? aq : mode === "tiny-inside" ? aq.add(Dyadic.of(1n, scale - 250)) : cut.b.mul(s);
            rows.push({ a, b }, { kind: "domain", index: i });
          });
          const inside = floatInside(rows, q);
          const truth = rows.a.every((a, i) => a.reduce((acc, v, k) => acc.add(v.mul(qD[k]!)), Dyadic.ZERO).compare(rows.b[i]!) < 0);
          if (inside) expect(truth).toBe(true);
          if (mode === "on-hyperplane") expect(inside).toBe(false);
        },
      ),
      { seed: 1314, numRuns: 500 },
    );
  });

  it("fast-check: floatValueBetween only when lo < w·q + c < hi exactly; a value on an end is never between", () => {
    fc.assert(
      fc.property(
        fc.array(dyadicArb(90, -80, 0), { minLength: d, maxLength: d }),
        dyadicArb(90, -80, 0),
        fc.array(dyadicArb(30, -30, 0), { minLength: d, maxLength: d }),
        fc.array(fc.constantFrom(-1, 0, 1), { minLength: d + 1, maxLength: d + 1 }),
        fc.integer({ min: -300, max: 300 }),
        fc.constantFrom("end", "near", "far"),
        (w0, c0, q0, push, scale, mode) => {
          const s = Dyadic.of(1n, scale);
          const q = Float64Array.from(q0, (v) => v.toNumber());
          const w = w0.map((v) => v.mul(s));
          const zExact = w.reduce((acc, v, k) => acc.add(v.mul(DyadicField.fromFloat(q[k]!))), c0.mul(s));
          // c chosen so that z(q) is exactly 0 (an end), or 2^-200 of the scale above 0, or as drawn.
          const c = mode === "end" ? c0.mul(s).sub(zExact) : mode === "near" ? c0.mul(s).sub(zExact).add(Dyadic.of(1n, scale - 200)) : c0.mul(s);
          const z = w.reduce((acc, v, k) => acc.add(v.mul(DyadicField.fromFloat(q[k]!))), c);
          const { vals, e } = floatRowOf(w, c, push);
          if (!vals.every(Number.isFinite)) return;
          const between = floatValueBetween(vals, 0, d, e, q, 0, Infinity);
          if (between) expect(z.sign()).toBeGreaterThan(0);
          if (mode === "end") expect(between).toBe(false);
          const below = floatValueBetween(vals, 0, d, e, q, -Infinity, 0);
          if (below) expect(z.sign()).toBeLessThan(0);
        },
      ),
      { seed: 1315, numRuns: 500 },
    );
  });
});

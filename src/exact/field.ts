// Number-type-generic arithmetic (CGAL's kernel style): algorithms are written once against Field<T>
// and run with exact Rationals or with fast Dyadics. The field also owns the conversions generic code
// needs (to and from floats, integers and dyadics) and the sums that have a fast fixed-point form on
// dyadics, so no code outside src/exact/ asks which number type it holds.
import { Dyadic } from "./dyadic.js";
import { dotDyadic, integerCombinationDyadic } from "./fixed-point.js";
import { dyadicFromFloat64 } from "./float.js";
import { Rational, ZERO, ONE, sign as ratSign } from "./rational.js";

export interface Field<T> {
  readonly name: string;
  /** True when every value is a Dyadic (toDyadic is then the identity and fixed-point paths apply). */
  readonly dyadic: boolean;
  readonly zero: T;
  readonly one: T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  neg(a: T): T;
  sign(a: T): -1 | 0 | 1;
  compare(a: T, b: T): -1 | 0 | 1;
  fromRational(r: Rational): T;
  toRational(a: T): Rational;
  fromBigInt(n: bigint): T;
  fromDyadic(x: Dyadic): T;
  /** The exact value of a finite float (a RangeError for NaN and ±Infinity). */
  fromFloat(x: number): T;
  /** A float close to the value, for proposals and filters only (never a verdict). */
  toNumber(a: T): number;
  /** The value as a Dyadic (exact; a RangeError when it is not dyadic). */
  toDyadic(a: T): Dyadic;
  /** The vector as Dyadics (the same array on the dyadic field). */
  toDyadics(v: readonly T[]): readonly Dyadic[];
  /** Σ a_k·x_k + c, exactly (one fixed-point sum on dyadics). */
  dot(a: readonly T[], x: readonly T[], c?: T): T;
  /** Σ n_j·v_j for integers n_j, exactly (one fixed-point sum on dyadics). */
  integerCombination(n: readonly bigint[], v: readonly T[]): T;
}

function finiteDyadic(x: number): Dyadic {
  const d = dyadicFromFloat64(x);
  if (d === undefined) throw new RangeError(`exact/field: ${x} is not finite`);
  return d;
}

function genericDot<T>(F: Field<T>, a: readonly T[], x: readonly T[], c: T): T {
  let s = c;
  for (let k = 0; k < a.length; k++) if (F.sign(a[k]!) !== 0 && F.sign(x[k]!) !== 0) s = F.add(s, F.mul(a[k]!, x[k]!));
  return s;
}

function rationalToDyadic(r: Rational): Dyadic {
  const d = Dyadic.fromRational(r);
  if (d === undefined) throw new RangeError(`exact/field: ${r.toFraction()} is not dyadic`);
  return d;
}

export const RationalField: Field<Rational> = {
  name: "rational",
  dyadic: false,
  zero: ZERO,
  one: ONE,
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  neg: (a) => a.neg(),
  sign: (a) => ratSign(a),
  compare: (a, b) => Math.sign(a.compare(b)) as -1 | 0 | 1,
  fromRational: (r) => r,
  toRational: (a) => a,
  fromBigInt: (n) => new Rational(n, 1n),
  fromDyadic: (x) => x.toRational(),
  fromFloat: (x) => finiteDyadic(x).toRational(),
  toNumber: (a) => a.valueOf(),
  toDyadic: rationalToDyadic,
  toDyadics: (v) => v.map(rationalToDyadic),
  dot: (a, x, c = ZERO) => genericDot(RationalField, a, x, c),
  integerCombination: (n, v) => {
    let s = ZERO;
    for (let j = 0; j < n.length; j++) if (n[j] !== 0n) s = s.add(v[j]!.mul(new Rational(n[j]!, 1n)));
    return s;
  },
};

/** Dyadic field: only valid on dyadic inputs; fromRational throws on a non-dyadic value. */
export const DyadicField: Field<Dyadic> = {
  name: "dyadic",
  dyadic: true,
  zero: Dyadic.ZERO,
  one: Dyadic.ONE,
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  neg: (a) => a.neg(),
  sign: (a) => a.sign(),
  compare: (a, b) => a.compare(b),
  fromRational: rationalToDyadic,
  toRational: (a) => a.toRational(),
  fromBigInt: (n) => Dyadic.of(n),
  fromDyadic: (x) => x,
  fromFloat: finiteDyadic,
  toNumber: (v) => {
    // Number(m)·2^e directly when that neither overflows nor underflows, else the careful conversion.
    if (v.m === 0n) return 0;
    const r = Number(v.m) * 2 ** v.e;
    return Number.isFinite(r) && r !== 0 ? r : v.toNumber();
  },
  toDyadic: (a) => a,
  toDyadics: (v) => v,
  dot: (a, x, c) => dotDyadic(a, x, c),
  integerCombination: integerCombinationDyadic,
};

// Number-type-generic arithmetic (CGAL's kernel style): algorithms are written once against Field<T>
// and run with exact Rationals, with fast Dyadics, or with plain floats for proposals.
import { Dyadic } from "./dyadic.js";
import { Rational, ZERO, ONE, sign as ratSign } from "./rational.js";

export interface Field<T> {
  readonly name: string;
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
}

export const RationalField: Field<Rational> = {
  name: "rational",
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
};

/** Dyadic field: only valid on dyadic inputs; fromRational throws on a non-dyadic value. */
export const DyadicField: Field<Dyadic> = {
  name: "dyadic",
  zero: Dyadic.ZERO,
  one: Dyadic.ONE,
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  neg: (a) => a.neg(),
  sign: (a) => a.sign(),
  compare: (a, b) => a.compare(b),
  fromRational: (r) => {
    const d = Dyadic.fromRational(r);
    if (d === undefined) throw new RangeError(`exact/field: ${r.toFraction()} is not dyadic`);
    return d;
  },
  toRational: (a) => a.toRational(),
};

// Exact vectors and matrices over any Field<T>: the handful of operations the engine needs.
// Matrices are row-major arrays of rows; nothing here mutates its arguments.
import type { Field } from "./field.js";

export type Vec<T> = readonly T[];
export type Mat<T> = readonly (readonly T[])[];

export function dot<T>(F: Field<T>, a: Vec<T>, b: Vec<T>): T {
  if (a.length !== b.length) throw new RangeError(`exact/linalg: dot of sizes ${a.length} and ${b.length}`);
  let s = F.zero;
  for (let i = 0; i < a.length; i++) {
    if (F.sign(a[i]!) !== 0 && F.sign(b[i]!) !== 0) s = F.add(s, F.mul(a[i]!, b[i]!));
  }
  return s;
}

/** M·x. */
export function matVec<T>(F: Field<T>, m: Mat<T>, x: Vec<T>): T[] {
  return m.map((row) => dot(F, row, x));
}

/** A·B (A is p×q, B is q×r). */
export function matMul<T>(F: Field<T>, a: Mat<T>, b: Mat<T>): T[][] {
  const q = b.length;
  const r = q === 0 ? 0 : b[0]!.length;
  return a.map((row) => {
    if (row.length !== q) throw new RangeError(`exact/linalg: matMul of ${row.length} columns by ${q} rows`);
    const out: T[] = new Array<T>(r).fill(F.zero);
    for (let k = 0; k < q; k++) {
      const aik = row[k]!;
      if (F.sign(aik) === 0) continue;
      const bk = b[k]!;
      for (let j = 0; j < r; j++) if (F.sign(bk[j]!) !== 0) out[j] = F.add(out[j]!, F.mul(aik, bk[j]!));
    }
    return out;
  });
}

export function vecAdd<T>(F: Field<T>, a: Vec<T>, b: Vec<T>): T[] {
  return a.map((x, i) => F.add(x, b[i]!));
}

export function vecSub<T>(F: Field<T>, a: Vec<T>, b: Vec<T>): T[] {
  return a.map((x, i) => F.sub(x, b[i]!));
}

export function vecScale<T>(F: Field<T>, s: T, a: Vec<T>): T[] {
  return a.map((x) => F.mul(s, x));
}

export function identity<T>(F: Field<T>, n: number): T[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? F.one : F.zero)));
}

export function zeros<T>(F: Field<T>, rows: number, cols: number): T[][] {
  return Array.from({ length: rows }, () => new Array<T>(cols).fill(F.zero));
}

export function transpose<T>(m: Mat<T>, cols?: number): T[][] {
  const c = cols ?? (m.length === 0 ? 0 : m[0]!.length);
  return Array.from({ length: c }, (_, j) => m.map((row) => row[j]!));
}

export function vecEquals<T>(F: Field<T>, a: Vec<T>, b: Vec<T>): boolean {
  return a.length === b.length && a.every((x, i) => F.compare(x, b[i]!) === 0);
}

export function matEquals<T>(F: Field<T>, a: Mat<T>, b: Mat<T>): boolean {
  return a.length === b.length && a.every((row, i) => vecEquals(F, row, b[i]!));
}

// The checker of a region's geometry fields (docs/formats/region-map.md, "Certificates of the H-form"), in
// exact rationals and without any LP: the listed constraints are exactly the facets of the region (a point on
// each hyperplane strictly inside the others; every other row of the split-tree path implied by multipliers
// or by the region's certified bounding box),
// `bounded` (a bounding box by multipliers, or a recession direction), and the vertices (each a vertex, none
// missing: counted against the facets with Euler's formula).
import { gcdBigInt } from "../exact/bigint.js";
import { Rational } from "../exact/rational.js";
import { CheckFailure } from "./types.js";

type Json = Record<string, unknown>;

/** A constraint a·x ≤ b with its path key (d3, n0.1.0, …). */
export interface KeyedRow {
  readonly key: string;
  readonly a: readonly Rational[];
  readonly b: Rational;
}

const ZERO = new Rational(0n, 1n);

const fail = (where: string, message: string): never => {
  throw new CheckFailure(`${where}: ${message}`);
};

/**
 * n/d with d > 0, not reduced: the sums of products below take at most one gcd per term, where Rational
 * arithmetic reduces after every product and every sum (that reduction was two thirds of a check's time).
 */
export interface Ratio {
  readonly n: bigint;
  readonly d: bigint;
}

const ZERO_RATIO: Ratio = { n: 0n, d: 1n };
const signedNumerator = (r: Rational): bigint => (r.s < 0n ? -r.n : r.n);

/** acc + p/q (q > 0) over the least common denominator found; exact whatever g is, since g is checked to divide both. */
function addTerm(acc: Ratio, p: bigint, q: bigint): Ratio {
  if (p === 0n) return acc;
  if (acc.d === q) return { n: acc.n + p, d: q };
  let g = gcdBigInt(acc.d, q);
  if (g === 0n || acc.d % g !== 0n || q % g !== 0n) g = 1n;
  const scaleAcc = q / g;
  return { n: acc.n * scaleAcc + p * (acc.d / g), d: acc.d * scaleAcc };
}

/** Σ a_k x_k exactly. */
function dotRatio(a: readonly Rational[], x: readonly Ratio[]): Ratio {
  let s = ZERO_RATIO;
  for (let k = 0; k < a.length; k++) {
    const ak = a[k]!;
    const xk = x[k]!;
    if (ak.n !== 0n && xk.n !== 0n) s = addTerm(s, signedNumerator(ak) * xk.n, ak.d * xk.d);
  }
  return s;
}

/** The sign of x − r. */
function compareRatio(x: Ratio, r: Rational | number): -1 | 0 | 1 {
  const rn = typeof r === "number" ? BigInt(r) : signedNumerator(r);
  const rd = typeof r === "number" ? 1n : r.d;
  const lhs = x.n * rd;
  const rhs = rn * x.d;
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

/** Parses "p/q" strings (any length; the file size limit bounds them). */
export type RationalReader = (value: unknown, where: string) => Rational;

/** The form tessera writes a rational in: "p/q" or "p", the sign on the numerator. */
const WRITTEN = /^(-?\d+)(?:\/(\d+))?$/;

/**
 * A number of a certificate (multiplier, facet point, recession direction) as a Ratio, not reduced: in the form
 * tessera writes ("p/q", "p"; q > 0 is checked) it is read straight into BigInts without a gcd (that gcd was a
 * third of a check's time), since these values only enter sums of products and comparisons; any other form goes
 * through the full reader.
 */
export function readRatio(read: RationalReader, value: unknown, where: string): Ratio {
  if (typeof value === "string") {
    const m = WRITTEN.exec(value);
    if (m) {
      const d = m[2] === undefined ? 1n : BigInt(m[2]);
      if (d !== 0n) return { n: BigInt(m[1]!), d };
    }
  }
  const r = read(value, where);
  return { n: signedNumerator(r), d: r.d };
}

function vector(read: RationalReader, value: unknown, where: string, d: number): Rational[] {
  if (!Array.isArray(value) || value.length !== d) return fail(where, `must be an array of ${d} rationals`);
  return value.map((v, k) => read(v, `${where}[${k}]`));
}

function ratioVector(read: RationalReader, value: unknown, where: string, d: number): Ratio[] {
  if (!Array.isArray(value) || value.length !== d) return fail(where, `must be an array of ${d} rationals`);
  return value.map((v, k) => readRatio(read, v, `${where}[${k}]`));
}

const INTEGER = /^-?[0-9]+$/;

/**
 * A certificate's multipliers as written (docs/formats/region-map.md): `y[t] / den` on row `rows[t]`, each
 * y[t] a non-negative integer string and den a positive one. Rows are checked against `rowCount` by the caller
 * (`rowName` says what a row is, for the message).
 */
export function readMultipliers(cert: unknown, where: string, rowCount: number, rowName: (count: number) => string): { rows: number[]; y: bigint[]; den: bigint } {
  if (typeof cert !== "object" || cert === null) return fail(where, "is missing");
  const { rows, y, den } = cert as Json;
  if (!Array.isArray(rows) || !Array.isArray(y) || rows.length !== y.length) return fail(where, "rows and y must be arrays of the same length");
  if (typeof den !== "string" || !INTEGER.test(den)) return fail(`${where}.den`, `${JSON.stringify(den)} is not an integer string (the multipliers' common denominator)`);
  const D = BigInt(den);
  if (D <= 0n) fail(`${where}.den`, `is ${den}: the common denominator must be positive`);
  const ys = y.map((v: unknown, t) => {
    if (typeof v !== "string" || !INTEGER.test(v)) return fail(`${where}.y[${t}]`, `${JSON.stringify(v)} is not an integer string (a multiplier's numerator over den)`);
    const n = BigInt(v);
    if (n < 0n) fail(`${where}.y[${t}]`, "is negative");
    return n;
  });
  rows.forEach((i: unknown, t) => {
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= rowCount) fail(`${where}.rows[${t}]`, `${JSON.stringify(i)} ${rowName(rowCount)}`);
  });
  return { rows: rows as number[], y: ys, den: D };
}

/** Σ y_t rows[t] over `listed`, with y ≥ 0; returns Σ y a and Σ y b. */
function combine(cert: unknown, listed: readonly KeyedRow[], d: number, where: string): { a: Ratio[]; b: Ratio } {
  const m = readMultipliers(cert, where, listed.length, (n) => `is not a listed constraint (there are ${n})`);
  const a = new Array<Ratio>(d).fill(ZERO_RATIO);
  let b = ZERO_RATIO;
  m.rows.forEach((i, t) => {
    const yn = m.y[t]!;
    if (yn === 0n) return;
    const row = listed[i]!;
    for (let k = 0; k < d; k++) {
      const ak = row.a[k]!;
      if (ak.n !== 0n) a[k] = addTerm(a[k]!, yn * signedNumerator(ak), m.den * ak.d);
    }
    if (row.b.n !== 0n) b = addTerm(b, yn * signedNumerator(row.b), m.den * row.b.d);
  });
  return { a, b };
}

/** The verified bounds of a bounding box: x_k ≤ upper[k] and -x_k ≤ lower[k]. */
interface BoxBounds {
  readonly upper: readonly Ratio[];
  readonly lower: readonly Ratio[];
}

/** Multipliers proving every coordinate bounded above and below on the rows (x_k ≤ U_k, -x_k ≤ L_k); returns the bounds. */
export function checkBoundingBox(cert: unknown, rows: readonly KeyedRow[], d: number, where: string): BoxBounds {
  if (typeof cert !== "object" || cert === null) return fail(where, "is missing");
  const bounds: { upper: Ratio[]; lower: Ratio[] } = { upper: [], lower: [] };
  for (const side of ["upper", "lower"] as const) {
    const list = (cert as Json)[side];
    if (!Array.isArray(list) || list.length !== d) fail(`${where}.${side}`, `must have ${d} entries`);
    (list as unknown[]).forEach((c, k) => {
      const { a, b } = combine(c, rows, d, `${where}.${side}[${k}]`);
      a.forEach((v, j) => {
        const e = j === k ? (side === "upper" ? 1 : -1) : 0;
        if (compareRatio(v, e) !== 0) fail(`${where}.${side}[${k}]`, `Σ y_i a_i is not ${side === "upper" ? "" : "-"}e_${k}`);
      });
      bounds[side].push(b);
    });
  }
  return bounds;
}

/** Does the box imply a·x ≤ b?  Σ_{a_k>0} a_k U_k + Σ_{a_k<0} |a_k| L_k ≤ b, exactly. */
function boxImplies(box: BoxBounds, row: KeyedRow): boolean {
  let top = ZERO_RATIO;
  row.a.forEach((ak, k) => {
    if (ak.n === 0n) return;
    const bound = ak.s < 0n ? box.lower[k]! : box.upper[k]!;
    top = addTerm(top, ak.n * bound.n, ak.d * bound.d);
  });
  return compareRatio(top, row.b) <= 0;
}

/** Rank of a few rational vectors (Gaussian elimination; d ≤ 3 for vertices). */
function rank(rows: readonly (readonly Rational[])[], d: number): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  for (let c = 0; c < d && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && row[c]!.n !== 0n);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p]!, m[r]!];
    for (let i = 0; i < m.length; i++) {
      if (i === r || m[i]![c]!.n === 0n) continue;
      const f = m[i]![c]!.div(m[r]![c]!);
      m[i] = m[i]!.map((v, k) => v.sub(f.mul(m[r]![k]!)));
    }
    r++;
  }
  return r;
}

export interface HFormContext {
  readonly read: RationalReader;
  readonly d: number;
  /** Every row of the region's split-tree path (domain half-spaces and kept-piece constraints). */
  readonly pathRows: readonly KeyedRow[];
  /** The listed constraints, in order, already matched to path rows by key. */
  readonly listed: readonly KeyedRow[];
  /** The domain is bounded (a box, or its `domainBounds` verified): every region is. */
  readonly domainBounded: boolean;
}

/** Verify `constraints` (facets, none missing), `bounded` and `vertices` of one region. */
export function checkRegionGeometry(json: Json, where: string, ctx: HFormContext): void {
  const { read, d, listed } = ctx;
  const constraints = json.constraints as Json[];
  // Each listed row is a facet: a point on its hyperplane strictly inside every other listed row.
  listed.forEach((row, i) => {
    const w = `${where}.constraints[${i}].facetPoint`;
    if (!("facetPoint" in constraints[i]!)) fail(w, "is missing: without it the constraint cannot be checked to be a facet");
    const p = ratioVector(read, constraints[i]!.facetPoint, w, d);
    if (compareRatio(dotRatio(row.a, p), row.b) !== 0) fail(w, "is not on the constraint's hyperplane");
    listed.forEach((other, j) => {
      if (j !== i && compareRatio(dotRatio(other.a, p), other.b) >= 0) fail(w, `is not strictly inside constraint ${j}, so constraint ${i} is not shown to be a facet`);
    });
  });
  // The region's bounding box, when given: it proves the region bounded and implies the path rows that
  // `implied` leaves out.
  const box = json.boundedBy === undefined ? undefined : checkBoundingBox(json.boundedBy, listed, d, `${where}.boundedBy`);
  // No facet is missing: every path row left out is implied by the listed ones.
  const listedKeys = new Set(listed.map((r) => r.key));
  const implied = json.implied;
  if (!Array.isArray(implied)) return fail(`${where}.implied`, "is missing: without it no constraint is shown to be missing");
  const byKey = new Map<string, Json>();
  implied.forEach((item: Json, t) => {
    const key = sourceKey(item?.source);
    if (byKey.has(key) || listedKeys.has(key)) fail(`${where}.implied[${t}].source`, "repeats a constraint");
    byKey.set(key, item);
  });
  for (const row of ctx.pathRows) {
    if (listedKeys.has(row.key)) continue;
    const item = byKey.get(row.key);
    const w = `${where}.implied`;
    if (!item) {
      if (box && boxImplies(box, row)) continue;
      return fail(w, `the path's constraint ${row.key} is neither listed nor implied${box ? " (nor by the bounding box boundedBy)" : ""} (a facet may be missing)`);
    }
    byKey.delete(row.key);
    const { a, b } = combine(item, listed, d, `${w}[${implied.indexOf(item)}]`);
    if (a.some((v, k) => compareRatio(v, row.a[k]!) !== 0)) fail(`${w}[${implied.indexOf(item)}]`, "Σ y_i a_i differs from the implied constraint's normal");
    if (compareRatio(b, row.b) > 0) fail(`${w}[${implied.indexOf(item)}]`, "Σ y_i b_i exceeds the implied constraint's bound");
  }
  if (byKey.size > 0) fail(`${where}.implied`, `lists ${[...byKey.keys()][0]}, which is not a constraint of the region's split-tree path`);
  // bounded
  if (json.bounded === true) {
    if (!ctx.domainBounded && !box) checkBoundingBox(json.boundedBy, listed, d, `${where}.boundedBy`);
  } else if (json.bounded === false) {
    if (ctx.domainBounded) fail(`${where}.bounded`, "is false, but the domain is bounded");
    if (box) fail(`${where}.bounded`, "is false, but boundedBy proves the region bounded");
    const r = ratioVector(read, json.recession, `${where}.recession`, d);
    if (r.every((v) => v.n === 0n)) fail(`${where}.recession`, "is the zero vector");
    listed.forEach((row, j) => {
      if (compareRatio(dotRatio(row.a, r), 0) > 0) fail(`${where}.recession`, `leaves the region through constraint ${j}`);
    });
  } else fail(`${where}.bounded`, "must be true or false");
  if ("vertices" in json) checkVertices(json, where, ctx);
}

export function sourceKey(src: unknown): string {
  const s = src as Json | undefined;
  return s?.kind === "domain" ? `d${String(s.index)}` : s?.kind === "neuron" ? `n${String(s.layer)}.${String(s.neuron)}.${String(s.breakpoint)}` : "?";
}

/** Each listed vertex is a vertex of the region; none is missing (V = F in 2-D, V − E + F = 2 in 3-D, V = 2 in 1-D). */
function checkVertices(json: Json, where: string, ctx: HFormContext): void {
  const { read, d, listed } = ctx;
  const w = `${where}.vertices`;
  if (json.bounded !== true) fail(w, "are listed for an unbounded region");
  if (!Array.isArray(json.vertices)) return fail(w, "is not an array");
  const vs = (json.vertices as unknown[]).map((v, i) => vector(read, v, `${w}[${i}]`, d));
  const seen = new Set<string>();
  const tight = vs.map((v, i) => {
    const key = v.map((x) => x.toFraction()).join(",");
    if (seen.has(key)) fail(`${w}[${i}]`, "is listed twice");
    seen.add(key);
    const t: number[] = [];
    const vr = v.map((x) => ({ n: signedNumerator(x), d: x.d }));
    listed.forEach((row, j) => {
      const c = compareRatio(dotRatio(row.a, vr), row.b);
      if (c > 0) fail(`${w}[${i}]`, `violates constraint ${j}`);
      if (c === 0) t.push(j);
    });
    if (rank(t.map((j) => listed[j]!.a), d) < d) fail(`${w}[${i}]`, `is not a vertex (tight on fewer than ${d} independent constraints)`);
    return new Set(t);
  });
  const V = vs.length;
  const F = listed.length;
  const missing = (): never => fail(w, `${V} vertices for a region with ${F} facets: a vertex is missing`);
  if (d === 1 && V !== 2) missing();
  if (d === 2) {
    if (V !== F) missing();
    for (let i = 0; i < V; i++) {
      const [p, q, r] = [vs[i]!, vs[(i + 1) % V]!, vs[(i + 2) % V]!];
      if (![...tight[i]!].some((j) => tight[(i + 1) % V]!.has(j))) fail(`${w}[${(i + 1) % V}]`, `does not follow vertex ${i} along an edge (the order is not the boundary's)`);
      const turn = q[0]!.sub(p[0]!).mul(r[1]!.sub(q[1]!)).sub(q[1]!.sub(p[1]!).mul(r[0]!.sub(q[0]!)));
      if (turn.compare(ZERO) <= 0) fail(`${w}[${(i + 1) % V}]`, "the vertices are not in counter-clockwise order");
    }
  }
  if (d === 3) {
    let E = 0;
    for (let i = 0; i < F; i++) for (let j = i + 1; j < F; j++) if (tight.filter((t) => t.has(i) && t.has(j)).length >= 2) E++;
    if (V - E + F !== 2) missing();
  }
}

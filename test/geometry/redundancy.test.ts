// The certificates of an irredundant H-form (geometry/redundancy.ts) on dyadic rows, checked here in exact
// rationals without any LP: every kept row has a point on its hyperplane strictly inside every other kept
// row (so it is a facet), and every dropped row has multipliers y ≥ 0 over the kept rows with Σ y a = a_row
// and Σ y b ≤ b_row (so no facet is missing). The rows are adversarial: repeated and scaled copies, rows
// through one common point (degenerate vertices), rows redundant by 2^-60, scales 2^±300, open directions.
// The kept set is the same on the dyadic and the rational field (the same decisions).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Dyadic } from "../../src/exact/dyadic.js";
import { DyadicField, RationalField, type Field } from "../../src/exact/field.js";
import { ZERO, rat, Rational } from "../../src/exact/rational.js";
import { lpRows, newLpStats } from "../../src/geometry/lp.js";
import { boxImpliesInFloats, certifiedIrredundantRows, filterCopies, projectedFacetPoint } from "../../src/geometry/redundancy.js";

const dot = (a: readonly Rational[], x: readonly Rational[]): Rational => a.reduce((s, v, k) => s.add(v.mul(x[k]!)), ZERO);

interface Rows {
  readonly a: Dyadic[][];
  readonly b: Dyadic[];
  readonly inside: Dyadic[];
}

/**
 * Rows a_i·x ≤ b_i with `inside` strictly inside: random dyadic normals (mantissas of `bits` bits, the whole
 * row scaled by 2^scale), b_i = a_i·inside + slack_i; some rows pass through one point p = inside + v (b_i =
 * a_i·p, a_i·v > 0), some copy an earlier row (times a power of two, slack 0 or 2^-60).
 */
function makeRows(seed: number, d: number, m: number, bits: number, scaleRange: number): Rows {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const mant = (): bigint => BigInt(Math.floor((next() - 0.5) * 2 ** Math.min(bits, 52))) * (bits > 52 ? (1n << BigInt(bits - 52)) + 1n : 1n);
  const inside = Array.from({ length: d }, () => Dyadic.of(BigInt(Math.floor((next() - 0.5) * 64)), -4));
  const v = Array.from({ length: d }, () => Dyadic.of(BigInt(Math.floor((next() - 0.5) * 64)) | 1n, -3));
  const F = DyadicField;
  const a: Dyadic[][] = [];
  const b: Dyadic[] = [];
  for (let i = 0; i < m; i++) {
    const kind = next();
    if (kind < 0.15 && a.length > 0) {
      const j = Math.floor(next() * a.length);
      const s = Math.floor(next() * 5) - 2;
      a.push(a[j]!.map((x) => x.mul(Dyadic.of(1n, s))));
      b.push(b[j]!.mul(Dyadic.of(1n, s)).add(next() < 0.5 ? Dyadic.ZERO : Dyadic.of(1n, -60 + s)));
      continue;
    }
    const scale = Math.floor((next() - 0.5) * 2 * scaleRange);
    let row = Array.from({ length: d }, () => Dyadic.of(mant(), scale - Math.min(bits, 52)));
    if (row.every((x) => x.isZero())) row[0] = Dyadic.of(1n, scale);
    if (kind < 0.45) {
      // Through the common point p = inside + v.
      if (F.sign(F.dot(row, v)) === 0) row[0] = row[0]!.add(Dyadic.of(1n, scale));
      if (F.sign(F.dot(row, v)) < 0) row = row.map((x) => x.neg());
      a.push(row);
      b.push(F.dot(row, inside.map((x, k) => x.add(v[k]!))));
    } else {
      const slack = kind < 0.55 ? Dyadic.of(1n, -60) : Dyadic.of(BigInt(1 + Math.floor(next() * 1000)), -6);
      a.push(row);
      b.push(F.dot(row, inside).add(slack.mul(Dyadic.of(1n, scale))));
    }
  }
  return { a, b, inside };
}

/** Runs the certified H-form on field F and checks its certificates exactly; returns the kept rows. */
function checkedHForm<T>(F: Field<T>, rows: Rows, label: string): number[] {
  const d = rows.inside.length;
  const aT = rows.a.map((r) => r.map((x) => F.fromDyadic(x)));
  const bT = rows.b.map((x) => F.fromDyadic(x));
  const { kept, certificates } = certifiedIrredundantRows(F, lpRows(F, d, aT, bT), newLpStats(), rows.inside.map((x) => F.fromDyadic(x)));
  const A = rows.a.map((r) => r.map((x) => x.toRational()));
  const B = rows.b.map((x) => x.toRational());
  kept.forEach((i, j) => {
    const p = certificates.facetPoints[j]!;
    expect(dot(A[i]!, p).compare(B[i]!), `${label}: facet point of row ${i} is on its hyperplane`).toBe(0);
    for (const o of kept) if (o !== i) expect(dot(A[o]!, p).compare(B[o]!), `${label}: facet point of row ${i} strictly inside row ${o}`).toBe(-1);
  });
  const dropped = rows.a.map((_, i) => i).filter((i) => !kept.includes(i));
  const byMultipliers = certificates.implied.map((x) => x.row);
  // The bounding box (when given): upper[k] proves x_k ≤ U_k and lower[k] −x_k ≤ L_k over the kept rows; it
  // implies every dropped row without multipliers: Σ_{a_k>0} a_k U_k + Σ_{a_k<0} |a_k| L_k ≤ b.
  const box = certificates.box;
  const bounds = box && (["upper", "lower"] as const).map((side) =>
    box[side].map((m, k) => {
      expect(m.den > 0n, `${label}: box ${side}[${k}] denominator`).toBe(true);
      let sa = new Array<Rational>(d).fill(ZERO);
      let sb = ZERO;
      m.rows.forEach((j, t) => {
        const yj = new Rational(m.y[t]!, m.den);
        expect(yj.compare(0), `${label}: box multiplier`).toBeGreaterThanOrEqual(0);
        sa = sa.map((v, c) => v.add(yj.mul(A[kept[j]!]![c]!)));
        sb = sb.add(yj.mul(B[kept[j]!]!));
      });
      expect(sa.map((v) => v.toFraction()), `${label}: box ${side}[${k}] is ±e_k`).toEqual(Array.from({ length: d }, (_, c) => (c === k ? (side === "upper" ? "1" : "-1") : "0")));
      return sb;
    }),
  );
  for (const row of dropped.filter((i) => !byMultipliers.includes(i))) {
    expect(bounds, `${label}: dropped row ${row} has neither multipliers nor a box`).toBeDefined();
    const top = A[row]!.reduce((s, v, k) => s.add(v.compare(0) > 0 ? v.mul(bounds![0]![k]!) : v.neg().mul(bounds![1]![k]!)), ZERO);
    expect(top.compare(B[row]!), `${label}: the box implies dropped row ${row}`).toBeLessThanOrEqual(0);
  }
  expect([...byMultipliers].sort((x, y) => x - y), label).toEqual(byMultipliers);
  expect(byMultipliers.every((i) => dropped.includes(i)), label).toBe(true);
  for (const { row, y } of certificates.implied) {
    let sa = new Array<Rational>(d).fill(ZERO);
    let sb = ZERO;
    expect(y.den > 0n, `${label}: denominator of row ${row}`).toBe(true);
    for (let t = 0; t < y.rows.length; t++) {
      const j = y.rows[t]!;
      const yj = new Rational(y.y[t]!, y.den);
      expect(yj.compare(0), `${label}: multiplier of row ${row}`).toBeGreaterThanOrEqual(0);
      sa = sa.map((v, k) => v.add(yj.mul(A[kept[j]!]![k]!)));
      sb = sb.add(yj.mul(B[kept[j]!]!));
    }
    expect(sa.map((v) => v.toFraction()), `${label}: Σ y a of row ${row}`).toEqual(A[row]!.map((v) => v.toFraction()));
    expect(sb.compare(B[row]!), `${label}: Σ y b of row ${row}`).toBeLessThanOrEqual(0);
  }
  return kept;
}

describe("certified irredundant H-forms on dyadic rows", () => {
  it("fast-check: facet points and implied multipliers verify; dyadic and rational fields keep the same rows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 3, max: 14 }),
        fc.constantFrom(8, 24, 53, 90),
        fc.constantFrom(0, 4, 300),
        (seed, d, m, bits, scaleRange) => {
          const rows = makeRows(seed, d, m, bits, scaleRange);
          const label = `seed ${seed} d ${d} m ${m} bits ${bits} scale ${scaleRange}`;
          const dyadic = checkedHForm(DyadicField, rows, `${label} (dyadic)`);
          const rational = checkedHForm(RationalField, rows, `${label} (rational)`);
          expect(dyadic, label).toEqual(rational);
        },
      ),
      { seed: 1301, numRuns: 60 },
    );
  });

  it("fast-check: a box with many rows far outside it: the dropped rows are proved by the region's bounding box", () => {
    let boxes = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 10, max: 30 }), fc.array(fc.constantFrom("tie", "above", "below"), { maxLength: 3 }), (seed, d, extra, corners) => {
        const base = makeRows(seed, d, 4, 24, 0);
        // A box around `inside`, its faces 2 + (2k + side)/16 away (unequal: a ray from `inside` meets no corner),
        // then rows clear of the box by at least 1/64 (each implied by it, none a facet).
        let state = seed >>> 0;
        const next = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0), state / 2 ** 32);
        const a: Dyadic[][] = [];
        const b: Dyadic[] = [];
        for (let k = 0; k < d; k++) {
          for (const s of [1n, -1n]) {
            a.push(Array.from({ length: d }, (_, j) => (j === k ? Dyadic.of(s) : Dyadic.ZERO)));
            b.push(Dyadic.of(s).mul(base.inside[k]!).add(Dyadic.of(32n + BigInt(2 * k) + (s < 0n ? 1n : 0n), -4)));
          }
        }
        for (let i = 0; i < extra; i++) {
          const row = Array.from({ length: d }, () => Dyadic.of(BigInt(Math.floor((next() - 0.5) * 2 ** 20)) | 1n, -20));
          a.push(row);
          const norm1 = row.reduce((s2, v) => s2.add(v.sign() < 0 ? v.neg() : v), Dyadic.ZERO);
          b.push(DyadicField.dot(row, base.inside).add(norm1.mul(Dyadic.of(3n))).add(Dyadic.of(BigInt(1 + Math.floor(next() * 64)), -6)));
        }
        // Rows through a corner of the box (max of a·x over the box, exactly), or 2^-70 beyond it (implied, by a
        // margin no float sees) or short of it (cutting the corner: a facet): the float filters must defer.
        for (const kind of corners) {
          const row = Array.from({ length: d }, () => Dyadic.of(BigInt(Math.floor((next() - 0.5) * 2 ** 20)) | 1n, -20));
          const top = row.reduce((acc, v, k) => acc.add(v.sign() > 0 ? v.mul(b[2 * k]!) : v.neg().mul(b[2 * k + 1]!)), Dyadic.ZERO);
          const tiny = Dyadic.of(1n, -70).mul(top.sign() < 0 ? top.neg() : top.isZero() ? Dyadic.ONE : top);
          a.push(row);
          b.push(kind === "tie" ? top : kind === "above" ? top.add(tiny) : top.sub(tiny));
        }
        const label = `box seed ${seed} d ${d} extra ${extra} corners ${corners.join(",")}`;
        const rows = { a, b, inside: base.inside };
        const kept = checkedHForm(DyadicField, rows, label);
        expect(kept, label).toEqual(checkedHForm(RationalField, rows, `${label} (rational)`));
        if (!corners.includes("below")) expect(kept.length, `${label}: the box's 2d faces are the facets`).toBe(2 * d);
        const F = DyadicField;
        const { certificates } = certifiedIrredundantRows(F, lpRows(F, d, a, b), newLpStats(), base.inside);
        if (certificates.box) boxes++;
      }),
      { seed: 1302, numRuns: 40 },
    );
    expect(boxes, "runs whose dropped rows the bounding box proved").toBeGreaterThan(15);
  });

  it("fast-check: the facet point's float filter never changes the verdict (exact ties, near ties by 2^-70, scales up to 2^±400)", () => {
    const F = DyadicField;
    const outcomes = { point: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), { minLength: 40, maxLength: 40 }),
        fc.constantFrom(0, 40, 290, 310, 400),
        fc.array(fc.constantFrom("random", "tie", "above", "below"), { minLength: 1, maxLength: 6 }),
        (d, ints, scale, kinds) => {
          let at = 0;
          const int = (): bigint => BigInt(ints[at++ % ints.length]!);
          const sc = (e: number): number => e + (at % 2 === 0 ? scale : -scale);
          // Row 0 (this facet): a_0 = 2^(scale+20) dominates, so x_0 = N / a_0 is dyadic and the point is exact.
          const a = Array.from({ length: d }, (_, k) => (k === 0 ? Dyadic.of(1n, scale + 20) : Dyadic.of(int(), sc(0))));
          const b = Dyadic.of(int(), scale);
          const g = Array.from({ length: d }, () => Number(int()) * 2 ** -18);
          const x = g.map((v, k) => (k === 0 ? Dyadic.ZERO : F.fromFloat(v)));
          const x0 = b.sub(F.dot(a, x)).mul(Dyadic.of(1n, -(scale + 20)));
          const point = x.map((v, k) => (k === 0 ? x0 : v));
          const rows = kinds.map(() => Array.from({ length: d }, () => Dyadic.of(int(), sc(-4))));
          const betas = kinds.map((kind, i) => {
            const at0 = F.dot(rows[i]!, point);
            const tiny = Dyadic.of(1n, -70).mul(at0.isZero() ? Dyadic.ONE : at0.sign() < 0 ? at0.neg() : at0);
            return kind === "tie" ? at0 : kind === "above" ? at0.add(tiny) : kind === "below" ? at0.sub(tiny) : Dyadic.of(int(), sc(0));
          });
          const Q = { d, a: [a, ...rows], b: [b, ...betas] };
          const plain = projectedFacetPoint(F, Q, a, b, g, 0);
          const withFilter = projectedFacetPoint(F, Q, a, b, g, 0, filterCopies(F, Q));
          expect(withFilter?.map((v) => v.toFraction()), `d ${d} scale ${scale} ${kinds.join(",")}`).toEqual(plain?.map((v) => v.toFraction()));
          // The point, when given, is the exact projection (on row 0's hyperplane), and a tie always refuses it.
          if (plain) expect(plain.map((v) => v.toFraction())).toEqual(point.map((v) => v.toRational().toFraction()));
          if (kinds.includes("tie")) expect(plain).toBeUndefined();
          outcomes[plain ? "point" : "refused"]++;
        },
      ),
      { seed: 1303, numRuns: 400 },
    );
    expect(outcomes.point, "runs with a point").toBeGreaterThan(40);
    expect(outcomes.refused, "runs refused").toBeGreaterThan(40);
  });

  it("fast-check: the box test in floats is never true where the exact test is false (ties and 2^-60 margins)", () => {
    const F = DyadicField;
    const verdicts = { proved: 0, deferred: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), fc.integer({ min: -30, max: 30 })), { minLength: 12, maxLength: 12 }),
        fc.constantFrom("tie", "above", "below", "far above", "far below"),
        (d, ints, kind) => {
          let at = 0;
          const val = (): Dyadic => {
            const [m, e] = ints[at++ % ints.length]!;
            return Dyadic.of(BigInt(m) * 2n ** 30n + 1n, e - 30);
          };
          const a = Array.from({ length: d }, val);
          const U = Array.from({ length: d }, val);
          const L = Array.from({ length: d }, val);
          // Σ_{a_k>0} a_k U_k + Σ_{a_k<0} |a_k| L_k, exactly; b around it.
          const top = a.reduce((s2, v, k) => s2.add(v.sign() > 0 ? v.mul(U[k]!) : v.neg().mul(L[k]!)), Dyadic.ZERO);
          const mag = top.sign() < 0 ? top.neg() : top.isZero() ? Dyadic.ONE : top;
          const shift = { tie: Dyadic.ZERO, above: Dyadic.of(1n, -60).mul(mag), below: Dyadic.of(-1n, -60).mul(mag), "far above": mag, "far below": mag.neg() }[kind];
          const b = top.add(shift);
          const copies = filterCopies(F, { d, a: [a], b: [b] });
          // Proven float upper bounds of U and L: their floats rounded up until ≥ the exact value.
          const up = (x: Dyadic): number => {
            let f = x.toNumber();
            while (F.compare(F.fromFloat(f), x) < 0) f += Math.abs(f) * 2 ** -52 + 2 ** -1000;
            return f;
          };
          const inFloats = boxImpliesInFloats(U.map(up), L.map(up), copies, d);
          const exact = F.compare(top, b) <= 0;
          if (inFloats) expect(exact, `d ${d} ${kind}`).toBe(true);
          if (kind === "far above") expect(inFloats, `d ${d}: a margin of 100% is proved in floats`).toBe(true);
          verdicts[inFloats ? "proved" : "deferred"]++;
        },
      ),
      { seed: 1304, numRuns: 500 },
    );
    expect(verdicts.proved).toBeGreaterThan(50);
    expect(verdicts.deferred).toBeGreaterThan(50);
  });

  it("the facet point's float filter defers exact ties and refuses on them as the exact test does", () => {
    const F = DyadicField;
    const row = (...v: number[]): Dyadic[] => v.map((x) => Dyadic.fromInt(x));
    // Row 0: x + y ≤ 1 (this facet); row 1: x − y ≤ 0 passes through (1/2, 1/2), where the guess x = 1/2 projects.
    const Q = { d: 2, a: [row(1, 1), row(1, -1)], b: row(1, 0) };
    expect(projectedFacetPoint(F, Q, Q.a[0]!, Q.b[0]!, [0.5, 0.5], 0, filterCopies(F, Q))).toBeUndefined();
    expect(projectedFacetPoint(F, Q, Q.a[0]!, Q.b[0]!, [0.25, 0.75], 0, filterCopies(F, Q))?.map((v) => v.toFraction())).toEqual(["1/4", "3/4"]);
    // Just across the tie by 2^-60 (far below a float's resolution of the inputs' magnitudes): exact decides.
    const near = { d: 2, a: [row(1, 1), row(1, -1)], b: [Dyadic.ONE, Dyadic.of(1n, -60)] };
    expect(projectedFacetPoint(F, near, near.a[0]!, near.b[0]!, [0.5, 0.5], 0, filterCopies(F, near))?.map((v) => v.toFraction())).toEqual(["1/2", "1/2"]);
  });

  it("a projected facet point: exact on its hyperplane (one rational coordinate), refused on another row's hyperplane", () => {
    const F = DyadicField;
    const row = (...v: number[]): Dyadic[] => v.map((x) => Dyadic.fromInt(x));
    // Row 3x + y ≤ 1; the others x + y ≤ 1 and -y ≤ 1.
    const Q = lpRows(F, 2, [row(1, 1), row(0, -1)], row(1, 1));
    // Guess (0.25, 0.2): y = 0.2 is kept (as its float's exact value), x = (1 − y)/3 from 3x + y = 1.
    const p = projectedFacetPoint(F, Q, row(3, 1), Dyadic.ONE, [0.25, 0.2])!;
    const y = F.fromFloat(0.2).toRational();
    expect(p.map((v) => v.toFraction())).toEqual([rat(1).sub(y).div(3).toFraction(), y.toFraction()]);
    // Guess (0, 1): the point (0, 1) of 3x + y = 1 lies on x + y = 1: not strictly inside, refused.
    expect(projectedFacetPoint(F, Q, row(3, 1), Dyadic.ONE, [0.01, 1])).toBeUndefined();
    // Guess (2/3, -1): on -y = 1, refused; (0.6, -0.8) is strictly inside both, accepted.
    expect(projectedFacetPoint(F, Q, row(3, 1), Dyadic.ONE, [0.7, -1])).toBeUndefined();
    expect(projectedFacetPoint(F, Q, row(3, 1), Dyadic.ONE, [0.6, -0.8])).toBeDefined();
  });
});

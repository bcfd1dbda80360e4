// Deadlines inside the set-up and the decisions (geometry/deadline.ts), and the direct answers for box domains
// (geometry/axis-rows.ts). A deadline must stop the float simplex, the search's set-up and its decisions with
// the documented partial answer, never a wrong one: a unit interrupted anywhere resumes at the node it was
// entering, so what it gave before plus its rest is the whole tree (compared with an uninterrupted run). Box
// rows must give the same interior point, boundedness and bounding box as the LPs they replace (the LP path is
// forced by one redundant non-axis row). No test is timed: the deadline path is counted (deadlineHits).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DyadicField, RationalField } from "../../src/exact/field.js";
import { rat, type Rational } from "../../src/exact/rational.js";
import { DeadlineError, deadlineHits, withDeadline } from "../../src/geometry/deadline.js";
import { proposeMax } from "../../src/geometry/float-lp.js";
import { interiorPoint } from "../../src/geometry/interior.js";
import { lpRows, newLpStats, strictlyInside } from "../../src/geometry/lp.js";
import { isBounded } from "../../src/geometry/redundancy.js";
import { axisRows } from "../../src/geometry/axis-rows.js";
import { regionBox } from "../../src/regions/box-filter.js";
import { RowStack } from "../../src/regions/row-stack.js";
import { enumerateRegions } from "../../src/regions/enumerate.js";
import { enumerate } from "../../src/regions/run.js";
import { UnitEngine, type UnitItem, type UnitSettings } from "../../src/regions/unit-runner.js";
import { ROOT_UNIT, type WorkUnit } from "../../src/regions/work-unit.js";
import { NetworkBuilder, sequential } from "../../src/network/build.js";
import type { Network } from "../../src/network/ir.js";
import { workersFromFlags, MAX_THREADED_PARAMETERS } from "../../src/cli/workers-option.js";
import { usableCores } from "../../src/regions/pool.js";

/** n−1 inputs → n ReLUs with small integer weights (the pattern of bench/hostile.ts's network at the parameter limit). */
function wideLayer(n: number): Network {
  const W = Array.from({ length: n }, (_, r) => Array.from({ length: n - 1 }, (_, c) => rat(((r * 7919 + c * 104729) % 17) - 8)));
  const b = new NetworkBuilder(n - 1);
  b.affine(W, Array.from({ length: n }, (_, r) => rat((r % 5) - 2)));
  b.activation({ kind: "relu" });
  return b.build();
}

const cube = (d: number, lo = -1, hi = 1) => ({ kind: "box" as const, lo: new Array<Rational>(d).fill(rat(lo)), hi: new Array<Rational>(d).fill(rat(hi)) });

/** A small dyadic 2-6-5-1 net with integer weights (the fixed-point and float engines). */
const smallNet = sequential(
  2,
  [
    { weights: [[1, 2], [-1, 1], [3, -1], [1, 1], [2, -3], [0, 1]].map((r) => r.map((v) => rat(v))), bias: [1, 0, -1, 2, 1, -2].map((v) => rat(v)) },
    { weights: Array.from({ length: 5 }, (_, r) => Array.from({ length: 6 }, (_, c) => rat(((r * 5 + c * 3) % 7) - 3))), bias: [1, -1, 0, 2, -2].map((v) => rat(v)) },
    { weights: [[1, -2, 1, 3, -1].map((v) => rat(v))], bias: [rat(0)] },
  ],
  { kind: "relu" },
);

describe("deadlines", () => {
  it("the float simplex stops at a passed deadline; withDeadline restores the enclosing one", () => {
    const d = 3;
    const A = Float64Array.from([1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 1, 1, 1]);
    const b = Float64Array.from([1, 1, 1, 1, 1, 1, 2]);
    const w = Float64Array.from([1, 2, 3]);
    const free = proposeMax(A, b, 7, d, w);
    expect(free.status).toBe("optimal");
    // max x + 2y + 3z on the cube cut by x + y + z ≤ 2: z = y = 1, x = 0 (value 5).
    expect(free.status === "optimal" && free.value).toBeCloseTo(5, 9);
    const before = deadlineHits();
    expect(() => withDeadline(() => true, () => proposeMax(A, b, 7, d, w))).toThrow(DeadlineError);
    expect(deadlineHits()).toBe(before + 1);
    // Nested: the inner deadline (never) holds inside, the outer one (passed) again after it.
    const inner = withDeadline(
      () => true,
      () => withDeadline(() => false, () => proposeMax(A, b, 7, d, w)),
    );
    expect(inner.status).toBe("optimal");
    expect(proposeMax(A, b, 7, d, w).status).toBe("optimal");
  });

  it("a 256-wide layer with a 0.2 s timeout stops inside its set-up or a decision: complete false, no region", async () => {
    const net = wideLayer(256);
    const before = deadlineHits();
    const r = await enumerateRegions(net, cube(255), { timeoutMs: 200, certify: true, keepCertificates: false, onRegionKey: () => undefined });
    expect(r).toMatchObject({ status: "timeout", complete: false, regions: 0 });
    // The stop came from inside (an LP's pivot, the maps, the box): between decisions the search would not have looked yet.
    expect(deadlineHits()).toBeGreaterThan(before);
  });

  it("on worker threads too: the pool's stop reaches the threads' LPs (complete false)", async () => {
    const r = await enumerate(wideLayer(128), cube(127), { workers: 2, timeoutMs: 300, certify: true, keepCertificates: false, onRegionKey: () => undefined });
    expect(r.complete).toBe(false);
    expect(r.status).toBe("timeout");
  });

  it("a unit interrupted after k deadline checks resumes where it was: before + rest = the whole tree", () => {
    const settings: UnitSettings = { certify: true, irredundant: false, keepCertificates: false, collectVertices: false, detail: "key" };
    const engine = new UnitEngine(smallNet, cube(2, -3, 3), settings);
    const run = (unit: WorkUnit, expired?: () => boolean): { items: string[]; rest?: readonly number[] } => {
      const items: string[] = [];
      const sink = { poll: () => undefined, item: (item: UnitItem) => void items.push(JSON.stringify(item)), box: () => undefined, donated: () => undefined, cursor: () => undefined };
      const outcome = withDeadline(expired, () => engine.run(unit, sink));
      return { items, ...(outcome.rest ? { rest: outcome.rest.path } : {}) };
    };
    const whole = run(ROOT_UNIT).items;
    expect(whole.length).toBeGreaterThan(10);
    let interrupted = 0;
    for (let k = 0; k < 400; k += 7) {
      let checks = 0;
      const first = run(ROOT_UNIT, () => ++checks > k);
      if (!first.rest) {
        expect(first.items).toEqual(whole);
        continue;
      }
      interrupted++;
      const rest = run({ start: first.rest });
      expect([...first.items, ...rest.items], `interrupted after ${k} checks at ${first.rest.join(".")}`).toEqual(whole);
    }
    expect(interrupted).toBeGreaterThan(5);
  });
});

describe("the search's end without a look-ahead", () => {
  it("--max-regions equal to the count is complete, one less is not; the first region costs one decision per neuron", async () => {
    const box = cube(2, -3, 3);
    const all = await enumerateRegions(smallNet, box, { irredundant: false });
    expect(all.complete).toBe(true);
    const exact = await enumerateRegions(smallNet, box, { irredundant: false, maxRegions: all.regions });
    expect(exact).toMatchObject({ complete: true, regions: all.regions });
    const short = await enumerateRegions(smallNet, box, { irredundant: false, maxRegions: all.regions - 1 });
    expect(short).toMatchObject({ complete: false, status: "max-regions", regions: all.regions - 1 });
    // The first region in tree order is one path of 11 decisions (6 + 5 neurons): nothing past it is decided.
    const first = await enumerateRegions(smallNet, box, { irredundant: false, maxRegions: 1 });
    expect(first.stats.decisions).toBe(11);
  });
});

describe("box rows: direct answers equal the LPs'", () => {
  // Per axis: both sides, only one, or none; bounds are halves of small integers.
  const side = fc.option(fc.integer({ min: -12, max: 12 }), { nil: undefined });
  const axis = fc.tuple(side, side).map(([a, b]) => (a !== undefined && b !== undefined ? ([Math.min(a, b) / 2, (Math.max(a, b) + 1) / 2] as const) : ([a === undefined ? undefined : a / 2, b === undefined ? undefined : b / 2] as const)));
  it("interior point, boundedness and bounding box (dyadic and rational fields)", () => {
    fc.assert(
      fc.property(fc.array(axis, { minLength: 1, maxLength: 5 }), fc.boolean(), (axes, dyadic) => {
        const d = axes.length;
        const a: Rational[][] = [];
        const bs: Rational[] = [];
        const unit = (k: number, s: number): Rational[] => Array.from({ length: d }, (_, j) => rat(j === k ? s : 0));
        axes.forEach(([lo, hi], k) => {
          if (hi !== undefined) (a.push(unit(k, 1)), bs.push(rat(hi * 2, 2)));
          if (lo !== undefined) (a.push(unit(k, -1)), bs.push(rat(-lo * 2, 2)));
          // A looser duplicate row: the tightest one must be taken.
          if (hi !== undefined) (a.push(unit(k, 1)), bs.push(rat(hi * 2 + 6, 2)));
        });
        if (a.length === 0) return;
        const F = dyadic ? DyadicField : RationalField;
        const toF = (rows: Rational[][], b: Rational[]) => lpRows<unknown>(F as never, d, rows.map((r) => r.map((v) => F.fromRational(v))) as never, b.map((v) => F.fromRational(v)) as never);
        const P = toF(a, bs);
        expect(axisRows(F as never, P)).toBeDefined();
        // The LP path: the same set with one redundant non-axis row (2·Σ x_k ≤ 2000: a coefficient 2 is no axis row).
        const Q = toF([...a, new Array<Rational>(d).fill(rat(2))], [...bs, rat(2000)]);
        expect(axisRows(F as never, Q)).toBeUndefined();
        const p = interiorPoint(F as never, P, newLpStats());
        expect(p).toBeDefined();
        expect(strictlyInside(F as never, P, p as never)).toBe(true);
        expect(isBounded(F as never, P, newLpStats())).toBe(axes.every(([lo, hi]) => lo !== undefined && hi !== undefined));
        if (!axes.every(([lo, hi]) => lo !== undefined && hi !== undefined)) return;
        expect(isBounded(F as never, Q, newLpStats())).toBe(true);
        const stack = (rows: Rational[][], b: Rational[]): RowStack<unknown> => {
          const s = new RowStack<unknown>(F as never, d);
          rows.forEach((r, i) => s.push({ a: r.map((v) => F.fromRational(v)), b: F.fromRational(b[i]!) }, { kind: "domain", index: i }));
          return s;
        };
        const direct = regionBox(F as never, stack(a, bs), newLpStats());
        const byLp = regionBox(F as never, stack([...a, new Array<Rational>(d).fill(rat(2))], [...bs, rat(2000)]), newLpStats());
        for (let k = 0; k < d; k++) {
          expect(direct.upper[k]!.upD.compare(byLp.upper[k]!.upD)).toBe(0);
          expect(direct.lower[k]!.upD.compare(byLp.lower[k]!.upD)).toBe(0);
          // And the box's own bounds: hi and −lo.
          expect(direct.upper[k]!.f).toBe(axes[k]![1]);
          expect(direct.lower[k]!.f === -axes[k]![0]!).toBe(true);
        }
      }),
      { seed: 1701, numRuns: 120 },
    );
  });
});

describe("worker threads by default", () => {
  it("a network beyond MAX_THREADED_PARAMETERS runs in one thread unless --workers or TESSERA_WORKERS asks for more", () => {
    // 1025 × 1024 weights (one shared row: parameterCount reads the shape only) + 1025 biases.
    const row = new Array<Rational>(1024).fill(rat(1));
    const big = sequential(1024, [{ weights: new Array<Rational[]>(1025).fill(row), bias: new Array<Rational>(1025).fill(rat(0)) }], { kind: "relu" });
    expect(1025 * 1024 + 1025).toBeGreaterThan(MAX_THREADED_PARAMETERS);
    expect(workersFromFlags({}, {}, big)).toBe(1);
    expect(workersFromFlags({ workers: "2" }, {}, big)).toBe(2);
    expect(workersFromFlags({}, { TESSERA_WORKERS: "3" }, big)).toBe(3);
    expect(workersFromFlags({}, {}, smallNet)).toBe(usableCores());
  });
});

// Regions as geometry: exact areas of the 2-D regions of a box add up to the box's area, and at random
// rational points (fast-check) the exact forward pass equals the affine map of the region whose
// constraints contain the point, with the same pattern.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ZERO, rat, type Rational } from "../../src/exact/rational.js";
import { evaluate, formatPattern } from "../../src/network/evaluate.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import type { Region } from "../../src/regions/types.js";
import { randomMlp } from "./helpers.js";
import { seededRandom } from "../../src/exact/random.js";

/** Shoelace area of a polygon whose vertices are in order (written here, independent of src/geometry). */
function area(vertices: readonly (readonly Rational[])[]): Rational {
  let s = ZERO;
  for (let i = 0; i < vertices.length; i++) {
    const p = vertices[i]!;
    const q = vertices[(i + 1) % vertices.length]!;
    s = s.add(p[0]!.mul(q[1]!)).sub(q[0]!.mul(p[1]!));
  }
  return s.div(2).abs();
}

const dot = (a: readonly Rational[], x: readonly Rational[]): Rational => a.reduce((s, v, k) => s.add(v.mul(x[k]!)), ZERO);

describe("2-D regions of a box", () => {
  it("exact areas add up exactly to the box's area", async () => {
    for (const seed of [21, 22]) {
      const net = randomMlp(seededRandom(seed), [2, 8, 8, 1]);
      const lo = [rat(-1), rat(0)];
      const hi = [rat(3, 2), rat(2)];
      const { regions, result } = await collectRegions(net, { kind: "box", lo, hi }, { collectVertices: true });
      expect(result.complete).toBe(true);
      expect(regions.length).toBeGreaterThan(5);
      let total = ZERO;
      for (const r of regions) {
        expect(r.bounded).toBe(true);
        expect(r.vertices!.length).toBeGreaterThanOrEqual(3);
        total = total.add(area(r.vertices!));
      }
      expect(total.toFraction(), `seed ${seed}`).toBe(rat(5).toFraction());
    }
  });
});

function containing(regions: readonly Region[], x: readonly Rational[]): { strict: Region[]; closed: Region[] } {
  const strict: Region[] = [];
  const closed: Region[] = [];
  for (const r of regions) {
    const sides = r.constraints.map((c) => dot(c.a, x).compare(c.b));
    if (sides.every((s) => s <= 0)) closed.push(r);
    if (sides.every((s) => s < 0)) strict.push(r);
  }
  return { strict, closed };
}

describe("fast-check: maps and patterns at random rational points", () => {
  const cases = [
    { name: "2-6-5-2 relu on a box", widths: [2, 6, 5, 2], seed: 31, box: true },
    { name: "3-5-4-1 relu over all of R^3", widths: [3, 5, 4, 1], seed: 32, box: false },
    { name: "2-5-5-1 hardtanh on a box", widths: [2, 5, 5, 1], seed: 33, box: true, activation: { kind: "hardtanh", min: rat(-1), max: rat(1) } as const },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const net = randomMlp(seededRandom(c.seed), c.widths, c.activation);
      const d = c.widths[0]!;
      const domain = c.box ? { kind: "box" as const, lo: new Array<Rational>(d).fill(rat(-2)), hi: new Array<Rational>(d).fill(rat(2)) } : undefined;
      const { regions } = await collectRegions(net, domain);
      const coord = fc.tuple(fc.integer({ min: -2000, max: 2000 }), fc.integer({ min: 1, max: 1000 })).map(([p, q]) => rat(p, q * 1).div(c.box ? 500 : 1));
      fc.assert(
        fc.property(fc.array(coord, { minLength: d, maxLength: d }), (x) => {
          const { strict, closed } = containing(regions, x);
          const ev = evaluate(net, x);
          if (c.box && x.some((v) => v.abs().compare(rat(2)) > 0)) return true;
          expect(closed.length).toBeGreaterThanOrEqual(1);
          expect(strict.length).toBeLessThanOrEqual(1);
          for (const r of closed) {
            const y = r.map.A.map((row, i) => dot(row, x).add(r.map.c[i]!));
            expect(y.map((v) => v.toFraction())).toEqual(ev.output.map((v) => v.toFraction()));
          }
          if (strict.length === 1 && ev.ties.length === 0) expect(formatPattern(strict[0]!.pattern)).toBe(formatPattern(ev.pattern));
          return true;
        }),
        { seed: c.seed, numRuns: 200 },
      );
    });
  }
});

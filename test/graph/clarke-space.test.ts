// The Clarke Jacobian in R^2 with the region engine enumerating the local network: the seed network where two
// of its lines cross lists 4 Jacobians (computed here by hand from its weights), on one line 2, off every line 1;
// a bias-free net at the origin lists the Jacobian of every region (all regions touch the origin); and at
// vertices of random deep nets, clarke lists exactly the regions of the full enumeration whose closure holds it.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseRational, rat, type Rational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { readNetworkJson } from "../../src/formats/network-json.js";
import { collectRegions } from "../../src/regions/enumerate.js";
import { clarkeJacobian } from "../../src/graph/clarke.js";
import { inClosure } from "../../src/graph/facets.js";
import { formatPattern } from "../../src/network/evaluate.js";
import type { DomainSpec } from "../../src/geometry/types.js";
import fc from "fast-check";
import { projectFile } from "../project.js";

const seed = () => readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "seed");
const text = (J: readonly (readonly Rational[])[]) => J.map((row) => row.map((v) => v.toFraction()).join(",")).join(";");

describe("graph/clarke in R^2", () => {
  it("the seed network at (2, 1), where lines 0 and 1 cross: 4 Jacobians, a kink", async () => {
    // z0 = x1 − 2x2 and z1 = −x1 + x2 + 1 vanish at (2, 1); z2 = 2x1 + x2 − 2 = 3 > 0 stays active.
    // Output weights 1, 1/3, 1/10: J = a·(1, −2) + b·(1/3)(−1, 1) + (1/10)(2, 1) for a, b ∈ {0, 1}.
    const c = await clarkeJacobian(seed(), [rat(2), rat(1)]);
    const q = parseRational;
    const expected = [0, 1].flatMap((a) =>
      [0, 1].map((b) => [q("1/5").add(rat(a)).sub(q("1/3").mul(rat(b))), q("1/10").sub(rat(2 * a)).add(q("1/3").mul(rat(b)))]),
    );
    expect(c.complete).toBe(true);
    expect(c.kink).toBe(true);
    expect(c.regions).toHaveLength(4);
    expect(c.jacobians.map(text).sort()).toEqual(expected.map((J) => text([J])).sort());
    expect(c.ties).toEqual([{ layer: 0, neuron: 0 }, { layer: 0, neuron: 1 }]);
    expect(c.interval).toBeUndefined();
  });

  it("the seed network on one line (at (0, 0), z0 = 0 only): 2 Jacobians; at (3, 1/2): 1, not a kink", async () => {
    const on = await clarkeJacobian(seed(), [rat(0), rat(0)]);
    expect(on.jacobians).toHaveLength(2);
    expect(on.kink).toBe(true);
    const off = await clarkeJacobian(seed(), [rat(3), rat(1, 2)]);
    expect(off.jacobians).toHaveLength(1);
    expect(off.kink).toBe(false);
    expect(text(off.jacobians[0]!)).toBe("6/5,-19/10");
  });

  it("a bias-free net at the origin: exactly the Jacobians of all its regions over R^2", async () => {
    const net = sequential(2, [
      { weights: [[rat(1), rat(2)], [rat(-1), rat(1)], [rat(3), rat(-1)], [rat(1), rat(1)]], bias: [rat(0), rat(0), rat(0), rat(0)] },
      { weights: [[rat(1), rat(-1), rat(1), rat(2)], [rat(2), rat(1), rat(-1), rat(-1)]], bias: [rat(0), rat(0)] },
      { weights: [[rat(1), rat(-3)]], bias: [rat(0)] },
    ]);
    const { regions } = await collectRegions(net);
    const c = await clarkeJacobian(net, [rat(0), rat(0)]);
    expect(c.regions.map((r) => r.pattern.map((l) => l.join("")).join("|")).sort()).toEqual(
      regions.map((r) => r.pattern.map((l) => l.join("")).join("|")).sort(),
    );
    const all = new Set(regions.map((r) => text(r.map.A)));
    expect(new Set(c.jacobians.map(text))).toEqual(all);
  });
});

describe("graph/clarke against the full enumeration", () => {
  it("fast-check: at vertices and facet points inside a box, clarke lists exactly the regions whose closure holds the point", async () => {
    const weight = fc.integer({ min: -2, max: 2 }).map((n) => rat(n));
    const layer = (rows: number, cols: number) =>
      fc.tuple(fc.array(fc.array(weight, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }), fc.array(weight, { minLength: rows, maxLength: rows }));
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(layer(3, 2), layer(2, 3), layer(1, 2), async (l1, l2, l3) => {
        const net = sequential(2, [l1, l2, l3].map(([weights, bias]) => ({ weights, bias })));
        const box: DomainSpec = { kind: "box", lo: [rat(-4), rat(-4)], hi: [rat(4), rat(4)] };
        const { regions } = await collectRegions(net, box, { collectVertices: true });
        const strictlyInside = (x: readonly Rational[]) => x.every((v) => v.compare(rat(-4)) > 0 && v.compare(rat(4)) < 0);
        const points = regions.flatMap((r) => r.vertices ?? []).filter(strictlyInside).slice(0, 6);
        for (const x of points) {
          const c = await clarkeJacobian(net, x);
          const expected = regions.filter((r) => inClosure(r.constraints, x)).map((r) => formatPattern(r.pattern)).sort();
          expect(c.regions.map((r) => formatPattern(r.pattern)).sort(), `at (${x.map((v) => v.toFraction())})`).toEqual(expected);
          checked++;
        }
      }),
      { numRuns: 25, seed: 8 },
    );
    expect(checked).toBeGreaterThan(25);
  });
});

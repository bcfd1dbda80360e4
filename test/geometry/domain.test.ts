// resolveDomain: a slice restricted by a box becomes half-spaces in slice coordinates, (a·U)·t ≤ b − a·o, computed
// here by hand for a plane through a 3-input network; and resolving the same network and domain twice gives the
// same object (so what is cached per network, such as its float form, is made once for the sliced network too).
import { describe, expect, it } from "vitest";
import { rat, formatRational } from "../../src/exact/rational.js";
import { sequential } from "../../src/network/build.js";
import { resolveDomain, sliceDomain } from "../../src/geometry/domain.js";

const net = sequential(3, [{ weights: [[rat(1), rat(2), rat(3)]], bias: [rat(0)] }]);

describe("resolveDomain", () => {
  it("a plane within a box: the box rows in slice coordinates", () => {
    // x = (1, 0, 0) + s·(1, 1, 0) + t·(0, 1/2, 2) within [-1, 2]^3.
    const box = { kind: "box" as const, lo: [rat(-1), rat(-1), rat(-1)], hi: [rat(2), rat(2), rat(2)] };
    const spec = sliceDomain([[rat(1), rat(0), rat(0)], [rat(2), rat(1), rat(0)], [rat(1), rat(1, 2), rat(2)]], box);
    const rows = resolveDomain(net, spec).polyhedron.halfspaces.map((h) => `${h.a.map(formatRational).join(",")} <= ${formatRational(h.b)}`);
    // By hand, row x_i ≤ 2 is (U_i)·(s, t) ≤ 2 − o_i, row −x_i ≤ 1 is −(U_i)·(s, t) ≤ 1 + o_i, scaled to integers:
    // x_1: s ≤ 1 and −s ≤ 2; x_2: s + t/2 ≤ 2 → 2s + t ≤ 4, −2s − t ≤ 2; x_3: 2t ≤ 2, −2t ≤ 1.
    expect(rows).toEqual(["1,0 <= 1", "-1,0 <= 2", "2,1 <= 4", "-2,-1 <= 2", "0,2 <= 2", "0,-2 <= 1"]);
  });

  it("the same network and domain resolve to the same object", () => {
    const spec = sliceDomain([[rat(0), rat(0), rat(0)], [rat(1), rat(0), rat(0)], [rat(0), rat(1), rat(0)]]);
    const first = resolveDomain(net, spec);
    expect(resolveDomain(net, spec)).toBe(first);
    expect(resolveDomain(net, sliceDomain([[rat(0), rat(0), rat(0)], [rat(1), rat(0), rat(0)], [rat(0), rat(1), rat(0)]]))).not.toBe(first);
  });
});

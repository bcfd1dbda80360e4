// formats/domain.ts, the one reader of domains: the JSON form round-trips for every kind, flag strings read
// exact rationals, a VNN-LIB property hands over its one input box, and every bad value is a one-line
// InputError naming the file (or flag) and the place.
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { formatRational, parseRational } from "../../src/exact/rational.js";
import { boxFromText, describeDomain, domainFromJson, domainFromVnnlib, domainToJson, slicePointsFromText } from "../../src/formats/domain.js";
import { readVnnlib } from "../../src/formats/vnnlib.js";
import { sliceDomain } from "../../src/geometry/domain.js";
import type { DomainSpec } from "../../src/geometry/types.js";

const r = parseRational;

describe("the JSON form of a domain", () => {
  const specs: [string, DomainSpec][] = [
    ["all", { kind: "all", dim: 3 }],
    ["box", { kind: "box", lo: [r("-1"), r("1/3")], hi: [r("1"), r("2/3")] }],
    ["polytope", { kind: "polytope", polyhedron: { dim: 2, halfspaces: [{ a: [r("1"), r("1")], b: r("1") }, { a: [r("-1"), r("0")], b: r("0") }] }, file: "map.json" }],
    ["plane within a box", sliceDomain([[r("0"), r("0"), r("0")], [r("1"), r("0"), r("0")], [r("0"), r("1/2"), r("0")]], { kind: "box", lo: [r("-1"), r("-1"), r("-1")], hi: [r("1"), r("1"), r("1")] })],
  ];
  it.each(specs)("%s round-trips through domainToJson and domainFromJson", (_, spec) => {
    const json = JSON.parse(JSON.stringify(domainToJson(spec)));
    expect(domainToJson(domainFromJson(json, "map.json"))).toEqual(domainToJson(spec));
  });

  const bad: [string, unknown, string][] = [
    ["not an object", 3, "map.json: domain: expected an object, found number 3"],
    ["unknown kind", { kind: "ball" }, 'map.json: domain.kind: "ball" is not one of all, box, polytope, slice'],
    ["dim zero", { kind: "all", dim: 0 }, "map.json: domain.dim: expected a positive integer, found number 0"],
    ["bad rational", { kind: "box", lo: ["0", "x"], hi: ["1", "1"] }, 'map.json: domain.lo[1]: "x" is not a rational number'],
    ["lo and hi of different lengths", { kind: "box", lo: ["0", "0"], hi: ["1"] }, "map.json: domain.hi: expected 2 entries, found 1"],
    ["A and b of different lengths", { kind: "polytope", A: [["1", "0"]], b: ["1", "2"] }, "map.json: domain.b: has 2 entries but A has 1 rows"],
    ["ragged A", { kind: "polytope", A: [["1", "0"], ["1"]], b: ["1", "2"] }, "map.json: domain.A[1]: expected 2 entries, found 1"],
    ["one slice point", { kind: "slice", points: [["0", "0"]] }, "map.json: domain.points: has 1 points; a line has 2, a plane 3"],
    ["coinciding slice points", { kind: "slice", points: [["0", "0"], ["0", "0"]] }, "map.json: domain.points: two of its points coincide"],
    ["bad restriction", { kind: "slice", points: [["0", "0"], ["1", "0"]], within: { kind: "box", lo: "0", hi: [] } }, "map.json: domain.within.lo: expected an array, found the string \"0\""],
  ];
  it.each(bad)("refuses %s with the place", (_, json, message) => {
    expect(() => domainFromJson(json, "map.json")).toThrow(InputError);
    expect(() => domainFromJson(json, "map.json")).toThrow(message);
  });
});

describe("flag strings", () => {
  it("--box: one interval for every input, or one per input, exact", () => {
    expect(domainToJson(boxFromText("-1/3:0.5", 2))).toEqual({ kind: "box", lo: ["-1/3", "-1/3"], hi: ["1/2", "1/2"] });
    expect(domainToJson(boxFromText("0:1,2:3", 2))).toEqual({ kind: "box", lo: ["0", "2"], hi: ["1", "3"] });
  });
  it.each([
    ["", "--box: is empty"],
    ["0:1,0:1,0:1", "--box: has 3 intervals, the network takes 2 inputs"],
    ["1:0", "--box: interval 1: lo must be below hi"],
    ["0:x", '--box: interval 1: "x" is not a rational number'],
    ["0-1", '--box: interval 1: "0-1" is not of the form lo:hi'],
  ])("--box %j is refused", (text, message) => {
    expect(() => boxFromText(text, 2)).toThrow(message);
  });
  it("--plane: three exact points; collinear points are refused", () => {
    expect(slicePointsFromText("0,0;1,0;0,1/2", "--plane", 3, 2).map((p) => p.map(formatRational))).toEqual([["0", "0"], ["1", "0"], ["0", "1/2"]]);
    expect(() => slicePointsFromText("0,0;1,1;2,2", "--plane", 3, 2)).toThrow("--plane: its three points are collinear");
    expect(() => slicePointsFromText("0,0;1", "--line", 2, 2)).toThrow("--line: point 2: has 1 coordinates, the network takes 2 inputs");
  });
});

describe("a VNN-LIB input box", () => {
  const text = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 -1))\n(assert (<= X_0 0.5))\n(assert (>= X_1 0))\n(assert (<= X_1 0.25))\n(assert (>= Y_0 1))\n";
  it("is handed over as the domain, exactly (0.25 is 1/4)", () => {
    const domain = domainFromVnnlib(readVnnlib(text, "p.vnnlib"), 2);
    expect(describeDomain(domain)).toBe("box -1:1/2,0:1/4");
  });
  it("must match the network's inputs", () => {
    expect(() => domainFromVnnlib(readVnnlib(text, "p.vnnlib"), 3)).toThrow("p.vnnlib: declares 2 inputs X_i, the network takes 3");
  });
});

// A region's affine map in the human output of `regions` (src/cli/affine-text.ts): signs, unit and zero
// coefficients, several outputs, slice coordinates, long coefficients written with "≈" (and in full with
// --exact), and the shape alone past MAX_TERMS coefficients. Every expected line is written out by hand.
import { describe, expect, it } from "vitest";
import { MAX_TERMS, affineText, mapVariables } from "../../src/cli/affine-text.js";
import { rat } from "../../src/exact/rational.js";
import type { DomainSpec } from "../../src/geometry/types.js";

const x2 = ["x1", "x2"];

describe("affineText", () => {
  it("one output: zero terms left out, unit coefficients as the variable alone, signs between terms", () => {
    expect(affineText({ A: [["1/5", "1/10"]], c: ["-1/5"] }, x2)).toBe("y = 1/5·x1 + 1/10·x2 - 1/5");
    expect(affineText({ A: [["1", "-2"]], c: ["0"] }, x2)).toBe("y = x1 - 2·x2");
    expect(affineText({ A: [["-1", "0"]], c: ["3/2"] }, x2)).toBe("y = -x1 + 3/2");
    expect(affineText({ A: [["0", "0"]], c: ["0"] }, x2)).toBe("y = 0");
    expect(affineText({ A: [["0", "0"]], c: ["-7"] }, x2)).toBe("y = -7");
  });

  it("several outputs: y1 = …; y2 = …", () => {
    expect(affineText({ A: [["2", "0"], ["0", "-1/3"]], c: ["1", "0"] }, x2)).toBe("y1 = 2·x1 + 1; y2 = -1/3·x2");
  });

  it("slices are written in their own coordinates", () => {
    const line: DomainSpec = { kind: "slice", shape: "line", points: [], origin: [rat(0)], directions: [[rat(1)]] };
    const plane: DomainSpec = { kind: "slice", shape: "plane", points: [], origin: [rat(0)], directions: [[rat(1)], [rat(1)]] };
    expect(mapVariables(line, 5)).toEqual(["t"]);
    expect(mapVariables(plane, 5)).toEqual(["s", "t"]);
    expect(mapVariables({ kind: "all", dim: 3 }, 3)).toEqual(["x1", "x2", "x3"]);
    expect(affineText({ A: [["3/10"]], c: ["2/15"] }, mapVariables(line, 5))).toBe("y = 3/10·t + 2/15");
  });

  it("a coefficient of more than 20 digits: every number rounded to 5 significant digits, said so; --exact writes it in full", () => {
    // 1/3 + 10^-30 = (10^30 + 3)/(3·10^30): 31 digits over 31 digits, 0.33333… to 5 significant digits.
    const long = `${10n ** 30n + 3n}/${3n * 10n ** 30n}`;
    expect(affineText({ A: [[long, "-2"]], c: ["1/8"] }, x2)).toBe("y ≈ 0.33333·x1 - 2·x2 + 0.125 (rounded to 5 significant digits; --exact prints the exact map)");
    expect(affineText({ A: [[long, "-2"]], c: ["1/8"] }, x2, true)).toBe(`y = ${long}·x1 - 2·x2 + 1/8`);
  });

  it(`more than ${MAX_TERMS} coefficients: the shape only`, () => {
    const row = new Array<string>(5).fill("1");
    expect(affineText({ A: [row, row, row], c: ["0", "0", "0"] }, ["x1", "x2", "x3", "x4", "x5"])).toBe("map 3×5 (--json prints it)");
    expect(affineText({ A: [row.slice(0, 4), row.slice(0, 4), row.slice(0, 4)], c: ["0", "0", "0"] }, ["x1", "x2", "x3", "x4"])).toBe("y1 = x1 + x2 + x3 + x4; y2 = x1 + x2 + x3 + x4; y3 = x1 + x2 + x3 + x4");
  });
});

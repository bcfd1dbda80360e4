// The VNN-LIB reader: every published spec in fixtures/ parses, bounds are checked against values
// copied by hand from the files, numbers are exact (fast-check against digits), and the disjunction shapes
// (two input boxes in prop_6, or-of-ands outputs) come out as the file states them.
import { fileURLToPath } from "node:url";
import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadVnnlib, readVnnlib, vnnlibInputDomains, type InputRegion } from "../../src/formats/vnnlib.js";
import { parseRational, rat, formatRational, type Rational } from "../../src/exact/rational.js";
import { InputError } from "../../src/errors.js";

const DATA = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const ACAS = `${DATA}acasxu/vnnlib/`;
const MNIST = `${DATA}vnncomp/mnist_fc/vnnlib/`;
const TEST = `${DATA}vnncomp/test/`;

const text = (rs: readonly Rational[]) => rs.map(formatRational);
function box(region: InputRegion | undefined): { lo: string[]; hi: string[] } {
  if (region?.kind !== "box") throw new Error(`expected a box, got ${region?.kind}`);
  return { lo: text(region.lo), hi: text(region.hi) };
}

describe("published VNN-LIB specs parse", () => {
  it("all 10 ACAS Xu properties: 5 inputs, 5 outputs, box input regions", () => {
    for (let p = 1; p <= 10; p++) {
      const spec = loadVnnlib(`${ACAS}prop_${p}.vnnlib`);
      expect([spec.inputs, spec.outputs], `prop_${p}`).toEqual([5, 5]);
      expect(spec.inputRegions.every((r) => r.kind === "box")).toBe(true);
      expect(spec.outputDnf.length).toBeGreaterThan(0);
    }
  });

  it("prop_1: the box and Y_0 >= 3.991125645861615 as exact rationals", () => {
    const spec = loadVnnlib(`${ACAS}prop_1.vnnlib`);
    expect(spec.inputRegions.length).toBe(1);
    expect(box(spec.inputRegions[0])).toEqual({
      lo: ["3/5", "-1/2", "-1/2", "9/20", "-1/2"],
      hi: ["679857769/1000000000", "1/2", "1/2", "1/2", "-9/20"],
    });
    // unsafe: Y_0 ≥ 3.991125645861615, i.e. −Y_0 ≤ −3991125645861615/10^15.
    expect(spec.outputDnf.length).toBe(1);
    expect(spec.outputDnf[0]!.length).toBe(1);
    const clause = spec.outputDnf[0]![0]!;
    expect(text(clause.coeffs)).toEqual(["-1", "0", "0", "0", "0"]);
    expect(clause.rhs.equals(rat(-3991125645861615n, 10n ** 15n))).toBe(true);
    expect(clause.strict).toBeUndefined();
  });

  it("prop_6 gives two input boxes, differing in X_1, and four output disjuncts Y_i ≤ Y_0", () => {
    const spec = loadVnnlib(`${ACAS}prop_6.vnnlib`);
    expect(spec.inputRegions.length).toBe(2);
    const [a, b] = spec.inputRegions.map(box);
    expect([a!.lo[1], a!.hi[1]]).toEqual(["5570423/50000000", "62499987/125000000"]);
    expect([b!.lo[1], b!.hi[1]]).toEqual(["-62499987/125000000", "-5570423/50000000"]);
    expect(a!.lo[0]).toBe(b!.lo[0]);
    expect(spec.outputDnf.map((clauses) => clauses.map((c) => text(c.coeffs).join(" ")))).toEqual([
      ["-1 1 0 0 0"],
      ["-1 0 1 0 0"],
      ["-1 0 0 1 0"],
      ["-1 0 0 0 1"],
    ]);
    expect(vnnlibInputDomains(spec).map((d) => d.kind)).toEqual(["box", "box"]);
  });

  it("prop_2 is one conjunction of four clauses (Y_0 is maximal)", () => {
    const spec = loadVnnlib(`${ACAS}prop_2.vnnlib`);
    expect(spec.outputDnf.length).toBe(1);
    expect(spec.outputDnf[0]!.length).toBe(4);
  });

  it("the test benchmark's specs parse; test_small's X and Y share one (or (and ...))", () => {
    for (const f of readdirSync(TEST).filter((n) => n.endsWith(".vnnlib"))) expect(loadVnnlib(TEST + f).inputs).toBeGreaterThan(0);
    const spec = loadVnnlib(`${TEST}test_small.vnnlib`);
    expect(box(spec.inputRegions[0])).toEqual({ lo: ["-1"], hi: ["1"] });
    expect(spec.outputDnf).toEqual([[{ coeffs: [rat(-1)], rhs: rat(-100) }]]);
    const prop = loadVnnlib(`${TEST}test_prop.vnnlib`);
    expect(box(prop.inputRegions[0]).hi[0]).toBe("-29855281193475053/100000000000000000");
  });

  it("all 30 mnist_fc specs: 784 pixel bounds and 9 'other class ≥ true class' disjuncts", () => {
    const files = readdirSync(MNIST).filter((n) => n.endsWith(".vnnlib"));
    expect(files.length).toBe(30);
    for (const f of files) {
      const spec = loadVnnlib(MNIST + f);
      expect([spec.inputs, spec.outputs]).toEqual([784, 10]);
      expect(spec.inputRegions.length).toBe(1);
      expect(spec.outputDnf.length).toBe(9);
    }
    // prop_0_0.03.vnnlib, label 4: X_782 ≤ 0.029999999329447746, X_782 ≥ 0.0, and (>= Y_0 Y_4) first.
    const spec = loadVnnlib(`${MNIST}prop_0_0.03.vnnlib`);
    const b = box(spec.inputRegions[0]);
    expect([b.lo[782], b.hi[782]]).toEqual(["0", formatRational(parseRational("0.029999999329447746"))]);
    expect(text(spec.outputDnf[0]![0]!.coeffs)).toEqual(["-1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]);
  });
});

const HEADER = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n";

describe("VNN-LIB semantics", () => {
  it("numbers are exact: a random decimal parses to the rational built from its digits", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.nat({ max: 25 }), fc.integer({ min: -40, max: 40 }), fc.boolean(), (negative, digits, fractionDigits, exponent, useExponent) => {
        const all = digits.toString().padStart(fractionDigits + 1, "0");
        const literal = `${negative ? "-" : ""}${all.slice(0, all.length - fractionDigits)}${fractionDigits ? "." + all.slice(all.length - fractionDigits) : ""}${useExponent ? `e${exponent}` : ""}`;
        const spec = readVnnlib(`${HEADER}(assert (<= X_0 ${literal}))(assert (>= X_0 -1e99))(assert (<= X_1 1))(assert (>= X_1 0))(assert (>= Y_0 0))`, "t.vnnlib");
        const scale = (useExponent ? exponent : 0) - fractionDigits;
        const value = (negative ? -digits : digits);
        const expected = scale >= 0 ? rat(value * 10n ** BigInt(scale)) : rat(value, 10n ** BigInt(-scale));
        const region = spec.inputRegions[0]!;
        return region.kind === "box" && region.hi[0]!.equals(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("terms: +, unary and binary -, * and / by constants; a non-bound constraint gives a polytope", () => {
    const spec = readVnnlib(`${HEADER}(assert (<= (+ X_0 (* 2 X_1)) (/ 3 2)))(assert (>= (- X_0) -1))(assert (<= (- Y_0 Y_1) (* 0.5 4)))`, "t.vnnlib");
    const region = spec.inputRegions[0]!;
    expect(region.kind).toBe("polytope");
    if (region.kind !== "polytope") return;
    expect(region.halfspaces.map((h) => [...text(h.a), formatRational(h.b)])).toEqual([
      ["1", "2", "3/2"],
      ["1", "0", "1"],
    ]);
    expect(spec.outputDnf).toEqual([[{ coeffs: [rat(1), rat(-1)], rhs: rat(2) }]]);
    expect(vnnlibInputDomains(spec)[0]!.kind).toBe("polytope");
  });

  it("strict comparisons are kept on output clauses; = gives two clauses; or of ands distributes over and", () => {
    const spec = readVnnlib(`${HEADER}(assert (<= 0 X_0 1))(assert (<= 0 X_1 1))(assert (< Y_0 Y_1))(assert (or (= Y_0 1) (> Y_1 2)))`, "t.vnnlib");
    expect(box(spec.inputRegions[0])).toEqual({ lo: ["0", "0"], hi: ["1", "1"] });
    expect(spec.outputDnf.map((t) => t.map((c) => `${text(c.coeffs).join(",")}${c.strict ? "<" : "<="}${formatRational(c.rhs)}`))).toEqual([
      ["1,-1<0", "1,0<=1", "-1,0<=-1"],
      ["1,-1<0", "0,-1<-2"],
    ]);
  });

  it("any text either parses or fails with an InputError (never another error, never a hang)", () => {
    const alphabet = fc.constantFrom("(", ")", " ", "\n", "\t", "\f", ";", "X_0", "Y_0", "<=", "and", "or", "assert", "declare-const", "Real", "1.5e-3", "-", "*", "+");
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
        try {
          readVnnlib(parts.join(""), "fuzz.vnnlib");
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["unbalanced parentheses (unclosed)", `${HEADER}(assert (<= X_0 1)`, "line 5, column 1", "never closed"],
    ["unbalanced parentheses (extra)", `${HEADER}(assert (<= X_0 1)))`, "line 5, column 20", "closes nothing"],
    ["an undeclared variable", `${HEADER}(assert (<= X_7 1))`, "line 5, column 13", "undeclared variable X_7"],
    ["a non-linear term", `${HEADER}(assert (<= (* X_0 X_1) 1))`, "line 5, column 13", "non-linear term"],
    ["an unknown operator", `${HEADER}(assert (foo X_0 1))`, "line 5, column 10", 'unknown operator "foo"'],
    ["a mixed X/Y constraint", `${HEADER}(assert (<= X_0 Y_0))`, "line 5, column 9", "mixes input (X) and output (Y)"],
    ["a non-Real sort", "(declare-const X_0 Int)", "line 1, column 20", "sort Real"],
  ])("%s is an InputError at its line and column", (_name, source, location, reason) => {
    let error: unknown;
    try {
      readVnnlib(source, "bad.vnnlib");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toBe(location);
    expect((error as InputError).reason).toContain(reason);
    expect((error as InputError).message).not.toContain("\n");
  });
});

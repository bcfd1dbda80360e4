// The README's quick start: exactly three commands (`npm install`, one `./bin/tessera …` on a bundled fixture,
// `npm test`), and the second one, run as a real process, prints what the README says it prints. The expected
// answer is worked out here by hand from the fixture's weights (Zaslavsky's count for lines in general position),
// and every witness is checked against its pattern with fraction.js, not with tessera's own arithmetic.
import Fraction from "fraction.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cliProcess } from "../cli/run.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The command lines of the first ```sh block after "## Quick start". */
function quickStart(): string[] {
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error("README.md: no ```sh block under ## Quick start");
  return block[1]!.split("\n").filter((line) => line.trim() !== "");
}

// The map of each pattern by hand: y = Σ over active k of v_k·(a_k·x + b_k), output weights v = (1, 1/3, 1/10),
// z0 = x1 - 2·x2, z1 = -x1 + x2 + 1, z2 = 2·x1 + x2 - 2. For example 011: (1/3)·z1 + (1/10)·z2 =
// (-1/3 + 1/5)·x1 + (1/3 + 1/10)·x2 + (1/3 - 1/5) = -2/15·x1 + 13/30·x2 + 2/15.
const MAP_BY_HAND: Record<string, string> = {
  "001": "y = 1/5·x1 + 1/10·x2 - 1/5",
  "010": "y = -1/3·x1 + 1/3·x2 + 1/3",
  "011": "y = -2/15·x1 + 13/30·x2 + 2/15",
  "100": "y = x1 - 2·x2",
  "101": "y = 6/5·x1 - 19/10·x2 - 1/5",
  "110": "y = 2/3·x1 - 5/3·x2 + 1/3",
  "111": "y = 13/15·x1 - 47/30·x2 + 2/15",
};

// fixtures/seed-three-neurons.json, first layer, written out: neuron k is active where a_k · x + b_k > 0.
const LINES = [
  { a: [1, -2], b: 0 },
  { a: [-1, 1], b: 1 },
  { a: [2, 1], b: -2 },
];

describe("README quick start", () => {
  it("is exactly npm install, one ./bin/tessera command on a bundled fixture, npm test", () => {
    const lines = quickStart();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe("npm install");
    const [program, , file] = lines[1]!.split(" ");
    expect(program).toBe("./bin/tessera");
    expect(file).toMatch(/^fixtures\//);
    expect(lines[2]).toBe("npm test");
  });

  it("the fixture's lines are in general position and cross inside [-3,3]² (hand computation: 7 regions)", () => {
    const net = JSON.parse(readFileSync(new URL("../../fixtures/seed-three-neurons.json", import.meta.url), "utf8")) as { layers: { weights?: string[][]; bias?: string[] }[] };
    expect(net.layers[0]!.weights!.map((row) => row.map(Number))).toEqual(LINES.map((l) => l.a));
    expect(net.layers[0]!.bias!.map(Number)).toEqual(LINES.map((l) => l.b));
    // Pairwise crossings by Cramer's rule: x - 2y = 0 and -x + y = -1 meet at (2, 1); x - 2y = 0 and 2x + y = 2
    // at (4/5, 2/5); -x + y = -1 and 2x + y = 2 at (1, 0). No two lines are parallel, the three points differ (no
    // common point), and all lie inside the box: 1 + 3 + C(3,2) = 7 regions of the box.
    const crossings: Fraction[][] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        const [p, q] = [LINES[i]!, LINES[j]!];
        const det = p.a[0]! * q.a[1]! - p.a[1]! * q.a[0]!;
        expect(det).not.toBe(0);
        crossings.push([new Fraction(-p.b * q.a[1]! + q.b * p.a[1]!, det), new Fraction(-q.b * p.a[0]! + p.b * q.a[0]!, det)]);
      }
    }
    expect(crossings.map((c) => c.map((v) => v.toFraction()))).toEqual([["2", "1"], ["4/5", "2/5"], ["1", "0"]]);
    for (const c of crossings) for (const v of c) expect(v.abs().compare(3)).toBeLessThan(0);
  });

  it("its tessera command prints the 7 regions the README describes: each witness inside its pattern's region, each map the hand-computed one", () => {
    const argv = quickStart()[1]!.split(" ").slice(1);
    expect(argv).toEqual(["regions", "fixtures/seed-three-neurons.json", "--box=-3:3"]);
    const run = cliProcess(...argv);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe("domain box -3:3,-3:3");
    expect(lines.at(-1)).toBe("7 regions, 7 linear pieces");
    expect(readme).toContain("`7 regions, 7 linear pieces`");
    const regions = lines.slice(1, -1);
    expect(regions).toHaveLength(7);
    const patterns = new Set<string>();
    for (const line of regions) {
      const [, pattern, bounded, , witnessText, map] = line.split("\t");
      expect(bounded).toBe("bounded");
      expect(map, line).toBe(MAP_BY_HAND[pattern!]);
      patterns.add(pattern!);
      const witness = /^witness \((.*), (.*)\)$/.exec(witnessText!)!.slice(1).map((v) => new Fraction(v));
      for (const v of witness) expect(v.abs().compare(3)).toBeLessThan(0);
      LINES.forEach((l, k) => {
        const z = witness[0]!.mul(l.a[0]!).add(witness[1]!.mul(l.a[1]!)).add(l.b);
        // Interior: strictly on the side its pattern bit names.
        expect(z.compare(0), `${line}: neuron ${k}`).toBe(pattern![k] === "1" ? 1 : -1);
      });
    }
    // Seven of the eight patterns: three lines in general position never give all eight.
    expect(patterns.size).toBe(7);
  });
});

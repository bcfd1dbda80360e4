// Verification certificates (version 2): what the fast verifier proves is replayed by the exact checker, in
// JSON and NDJSON; and every kind of tampering is rejected (mutation tests), never accepted as a false proof.
// The network is hand-made so the expected answers are hand computations: y0 = |x0| + |x0 − 1| + |x1| + |x1 − 1|
// has minimum 2 on the box [−1, 2]², so "y0 ≤ 19/10" is unreachable (holds), and y1 = x0 − x1 makes a
// two-constraint disjunct. DeepPoly cannot close the root (every lower line is 0), so the tree has splits.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { projectFile } from "../project.js";
import { evaluate } from "../../src/network/evaluate.js";
import { Rational } from "../../src/exact/rational.js";
import { readNetworkJson } from "../../src/formats/network-json.js";
import { verify } from "../../src/analysis/verify.js";
import { readVnnlib } from "../../src/formats/vnnlib.js";
import { problemFromVnnlib, type VerificationProblem } from "../../src/analysis/problem.js";
import { checkVerifyCertificate } from "../../src/analysis/certificate-check.js";
import { certificateLines, type VerifyCertificate } from "../../src/analysis/certificate.js";
import type { Network } from "../../src/network/ir.js";

const abs4 = {
  format: "tessera-network",
  version: 1,
  inputs: 2,
  layers: [
    { type: "dense", weights: [["1", "0"], ["-1", "0"], ["1", "0"], ["-1", "0"], ["0", "1"], ["0", "-1"], ["0", "1"], ["0", "-1"]], bias: ["0", "0", "-1", "1", "0", "0", "-1", "1"] },
    { type: "relu" },
    { type: "dense", weights: [["1", "1", "1", "1", "1", "1", "1", "1"], ["1", "-1", "0", "0", "-1", "1", "0", "0"]], bias: ["0", "0"] },
  ],
};
const header = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n";
const box = "(assert (>= X_0 -1))\n(assert (<= X_0 2))\n(assert (>= X_1 -1))\n(assert (<= X_1 2))\n";
/** Unsafe: y0 ≤ 1.9 and y1 ≤ 3 (the second is reachable, the first is not: holds). */
const PROP = `${header}${box}(assert (<= Y_0 1.9))\n(assert (<= Y_1 3))\n`;

function net(): Network {
  return readNetworkJson(JSON.stringify(abs4), "abs4.json");
}
function problem(text: string): VerificationProblem {
  return problemFromVnnlib(readVnnlib(text, "p.vnnlib"));
}
type JsonInput = { kind: "json"; doc: Record<string, unknown> };
type LinesInput = { kind: "ndjson"; header: Record<string, unknown>; lines: Record<string, unknown>[] };
const linesInput = (lines: Record<string, unknown>[]): LinesInput => ({ kind: "ndjson", header: lines[0]!, lines });
const json = (c: unknown): JsonInput => ({ kind: "json", doc: JSON.parse(JSON.stringify(c)) as Record<string, unknown> });
const ndjson = (c: VerifyCertificate): LinesInput => linesInput([...certificateLines(c)].map((l) => JSON.parse(l) as Record<string, unknown>));

type Node = { split?: { dim: number; at: string }; children?: Node[]; mu?: string[]; lower?: { node: number; a: string[] }[] };
const treeOf = (d: JsonInput): Node => (d.doc.cases as { tree: Node }[])[0]!.tree;
const firstLeaf = (t: Node): Node => (t.mu ? t : firstLeaf(t.children![0]!));

describe("verify certificates: the fast verifier's tree, replayed exactly", () => {
  const N = net();
  const P = problem(PROP);
  const out = verify(N, P, { certificate: true });
  const cert = out.result === "holds" ? out.certificate! : undefined;

  it("holds with a split tree; the checker accepts it as JSON and as NDJSON", () => {
    expect(out.result).toBe("holds");
    expect(out.stats.nodes).toBeGreaterThan(1);
    expect(checkVerifyCertificate(N, P, json(cert)).leaves).toBe(out.stats.leaves);
    expect(checkVerifyCertificate(N, P, ndjson(cert!)).leaves).toBe(out.stats.leaves);
  });

  it("the JSON certificate validates against docs/schema/verify-certificate.schema.json", () => {
    const schema = JSON.parse(readFileSync(projectFile("docs/schema/verify-certificate.schema.json"), "utf8")) as object;
    const AjvClass = (Ajv as unknown as { default?: typeof Ajv }).default ?? Ajv;
    const validate = new (AjvClass as unknown as new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown } })({ allErrors: true }).compile(schema);
    expect(validate(json(cert).doc), JSON.stringify(validate.errors)).toBe(true);
    const bad = json(cert);
    firstLeaf(treeOf(bad)).mu = ["one"];
    expect(validate(bad.doc)).toBe(false);
  });

  it("the same search with and without a certificate (one algorithm)", () => {
    const plain = verify(N, P);
    expect(plain.result).toBe("holds");
    expect(plain.result === "holds" && plain.certificate).toBeUndefined();
    expect({ ...plain.stats, elapsedMs: 0 }).toEqual({ ...out.stats, elapsedMs: 0 });
  });

  it("a multiplier moved onto the reachable constraint is rejected", () => {
    const d = json(cert);
    firstLeaf(treeOf(d)).mu = ["0", "1"];
    expect(() => checkVerifyCertificate(N, P, d)).toThrow(/does not exceed/);
  });

  it("a dropped leaf is rejected (JSON: a split with one child; NDJSON: a missing line)", () => {
    const d = json(cert);
    const root = treeOf(d);
    root.children = [root.children![0]!];
    expect(() => checkVerifyCertificate(N, P, d)).toThrow(/children: is not an array of two nodes/);
    const lines = ndjson(cert!);
    const leafLine = lines.lines.findIndex((l) => "mu" in l);
    const cut = linesInput(lines.lines.filter((_, i) => i !== leafLine));
    expect(() => checkVerifyCertificate(N, P, cut)).toThrow(/line|node is missing|leaves/);
  });

  it("a split point moved out of its box is rejected", () => {
    const outside = json(cert);
    treeOf(outside).split!.at = "7";
    expect(() => checkVerifyCertificate(N, P, outside)).toThrow(/outside \[-1, 2\]/);
  });

  it("a leaf's re-chosen lower lines removed (DeepPoly's rule then gives the bound 0 < 1.9) is rejected", () => {
    const d = json(cert);
    const leaf = firstLeaf(treeOf(d));
    expect(leaf.lower).toBeDefined();
    delete leaf.lower;
    expect(() => checkVerifyCertificate(N, P, d)).toThrow(/does not exceed/);
  });

  it("a lower-line slope outside [0, 1], a negative multiplier, a missing case are rejected", () => {
    const slope = json(cert);
    firstLeaf(treeOf(slope)).lower = [{ node: 2, a: ["3/2", "0", "0", "0", "0", "0", "0", "0"] }];
    expect(() => checkVerifyCertificate(N, P, slope)).toThrow(/a\[0\]: the slope 3\/2 is outside \[0, 1\]/);
    const negative = json(cert);
    firstLeaf(treeOf(negative)).mu = ["-1", "0"];
    expect(() => checkVerifyCertificate(N, P, negative)).toThrow(/negative/);
    const missing = json(cert);
    missing.doc.cases = [];
    expect(() => checkVerifyCertificate(N, P, missing)).toThrow(/no tree/);
  });

  it("truncated NDJSON (no end line) and another version are rejected", () => {
    const lines = ndjson(cert!).lines;
    expect(() => checkVerifyCertificate(N, P, linesInput(lines.slice(0, -1)))).toThrow(/cut short/);
    const v1 = json(cert);
    v1.doc.version = 1;
    expect(() => checkVerifyCertificate(N, P, v1)).toThrow(/version 2/);
  });

  it("a certificate for another network is rejected", () => {
    const other = structuredClone(abs4);
    other.layers[2]!.bias = ["-1", "0"];
    expect(() => checkVerifyCertificate(readNetworkJson(JSON.stringify(other), "other.json"), P, json(cert))).toThrow(/another network/);
  });

  it("the same tree against a larger unsafe set (y0 ≤ 2.1, reachable) does not go through", () => {
    expect(() => checkVerifyCertificate(N, problem(PROP.replace("1.9", "2.1")), json(cert))).toThrow(/does not exceed/);
  });
});

describe("verify: degenerate properties", () => {
  it("a trivially true unsafe constraint (y1 ≤ 1000 on the box) is violated, with a counterexample", () => {
    const out = verify(net(), problem(`${header}${box}(assert (<= Y_1 1000))\n`));
    expect(out.result).toBe("violated");
  });

  it("an empty input box is a clear error", () => {
    expect(() => verify(net(), problem(`${header}(assert (>= X_0 1))\n(assert (<= X_0 0))\n(assert (>= X_1 0))\n(assert (<= X_1 1))\n(assert (<= Y_0 0))\n`))).toThrow(
      /input box 0 is empty: X_0 ≥ 1 and ≤ 0/,
    );
  });
});

it("the hand-made network evaluates as written: y(1/2, 1/2) = (2, 0), y(2, -1) = (6, 3)", () => {
  const r = (n: bigint, d = 1n): Rational => new Rational(n, d);
  expect(evaluate(net(), [r(1n, 2n), r(1n, 2n)]).output.map((v) => v.toFraction())).toEqual(["2", "0"]);
  expect(evaluate(net(), [r(2n), r(-1n)]).output.map((v) => v.toFraction())).toEqual(["6", "3"]);
});

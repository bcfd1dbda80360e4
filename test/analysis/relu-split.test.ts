// ReLU splitting in verify (the branch and bound of high-dimensional inputs): the split tree records (neuron,
// phase) splits, its leaves their multipliers, re-chosen lower lines and Lagrange multipliers β of the path's
// split constraints, and the exact checker replays it; every kind of tampering is rejected.
// The network is hand-made so the answers are hand computations: y = relu(x0) + relu(x1) − relu(x0 + x1) ≥ 0
// (relu is subadditive), so "y ≤ −1/10" is unreachable (holds), while y(1, −1) = 1 makes "y ≥ 1/2" reachable.
// DeepPoly cannot close the root: relu(x0 + x1) on [−2, 2] has the largest relaxation gap and is split first.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { projectFile } from "../project.js";
import { readNetworkJson } from "../../src/formats/network-json.js";
import { readVnnlib } from "../../src/formats/vnnlib.js";
import { verify } from "../../src/analysis/verify.js";
import { problemFromVnnlib, satisfiesAll, inBox, type VerificationProblem } from "../../src/analysis/problem.js";
import { checkVerifyCertificate } from "../../src/analysis/certificate-check.js";
import { certificateLines, type VerifyCertificate } from "../../src/analysis/certificate.js";
import { evaluate } from "../../src/network/evaluate.js";
import type { Network } from "../../src/network/ir.js";

const subadditive = {
  format: "tessera-network",
  version: 1,
  inputs: 2,
  layers: [
    { type: "dense", weights: [["1", "0"], ["0", "1"], ["1", "1"]], bias: ["0", "0", "0"] },
    { type: "relu" },
    { type: "dense", weights: [["1", "1", "-1"]], bias: ["0"] },
  ],
};
const header = "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n";
const box = "(assert (>= X_0 -1))\n(assert (<= X_0 1))\n(assert (>= X_1 -1))\n(assert (<= X_1 1))\n";
const HOLDS = `${header}${box}(assert (<= Y_0 -0.1))\n`;
const VIOLATED = `${header}${box}(assert (>= Y_0 0.5))\n`;

const net = (): Network => readNetworkJson(JSON.stringify(subadditive), "subadditive.json");
const problem = (text: string): VerificationProblem => problemFromVnnlib(readVnnlib(text, "p.vnnlib"));

type Node = { relu?: { node: number; neuron: number }; split?: unknown; children?: Node[]; mu?: string[]; lower?: unknown[]; beta?: string[]; empty?: true };
type JsonInput = { kind: "json"; doc: Record<string, unknown> };
const json = (c: unknown): JsonInput => ({ kind: "json", doc: JSON.parse(JSON.stringify(c)) as Record<string, unknown> });
const treeOf = (d: JsonInput): Node => (d.doc.cases as { tree: Node }[])[0]!.tree;
const leaves = (t: Node): Node[] => (t.children ? t.children.flatMap(leaves) : [t]);

describe("verify with ReLU splits: the (neuron, phase) tree, replayed exactly", () => {
  const N = net();
  const P = problem(HOLDS);
  const out = verify(N, P, { certificate: true, split: "relu" });
  const cert = out.result === "holds" ? out.certificate! : undefined;
  const check = (c: JsonInput) => checkVerifyCertificate(N, P, c);

  it("holds (y ≥ 0 by subadditivity); the root splits relu(x0 + x1); the checker accepts JSON and NDJSON", () => {
    expect(out.result).toBe("holds");
    const root = treeOf(json(cert));
    // Node 2 is the activation, neuron 2 is relu(x0 + x1): the largest gap (its interval is [−2, 2]).
    expect(root.relu).toEqual({ node: 2, neuron: 2 });
    expect(root.split).toBeUndefined();
    expect(check(json(cert)).leaves).toBe(out.stats.leaves);
    const lines = [...certificateLines(cert!)].map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(checkVerifyCertificate(N, P, { kind: "ndjson", header: lines[0]!, lines }).leaves).toBe(out.stats.leaves);
  });

  it("the certificate validates against docs/schema/verify-certificate.schema.json; a ReLU split without its neuron does not", () => {
    const schema = JSON.parse(readFileSync(projectFile("docs/schema/verify-certificate.schema.json"), "utf8")) as object;
    const AjvClass = (Ajv as unknown as { default?: typeof Ajv }).default ?? Ajv;
    const validate = new (AjvClass as unknown as new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown } })({ allErrors: true }).compile(schema);
    expect(validate(json(cert).doc), JSON.stringify(validate.errors)).toBe(true);
    const bad = json(cert);
    (treeOf(bad).relu as { neuron?: number }).neuron = undefined;
    expect(validate(JSON.parse(JSON.stringify(bad.doc)))).toBe(false);
  });

  it("input splits prove the same property (a second algorithm)", () => {
    expect(verify(N, P, { split: "input" }).result).toBe("holds");
  });

  it("a flipped phase (the two children of the split swapped) is rejected", () => {
    const bad = json(cert);
    const root = treeOf(bad);
    root.children = [root.children![1]!, root.children![0]!];
    expect(() => check(bad)).toThrow(/does not exceed/);
  });

  it("a dropped leaf is rejected", () => {
    const bad = json(cert);
    treeOf(bad).children!.pop();
    expect(() => check(bad)).toThrow(/not an array of two nodes/);
  });

  it("a leaf marked empty whose phases are feasible is rejected", () => {
    const bad = json(cert);
    const leaf = leaves(treeOf(bad))[0]!;
    for (const k of Object.keys(leaf)) delete leaf[k as keyof Node];
    leaf.empty = true;
    expect(() => check(bad)).toThrow(/marked empty/);
  });

  it("a split on a neuron that is not a ReLU of the network, or outside it, is rejected", () => {
    const onAffine = json(cert);
    treeOf(onAffine).relu = { node: 1, neuron: 2 };
    expect(() => check(onAffine)).toThrow(/not an activation node/);
    const outside = json(cert);
    treeOf(outside).relu = { node: 2, neuron: 3 };
    expect(() => check(outside)).toThrow(/not a neuron of node 2/);
  });

  it("Lagrange multipliers: a wrong count, a negative or a changed β is rejected", () => {
    // On the z ≤ 0 side the inactive phase needs no β; give that leaf β and check each rule.
    const withBeta = (beta: string[]): JsonInput => {
      const c = json(cert);
      const leaf = leaves(treeOf(c).children![0]!)[0]!;
      leaf.beta = beta;
      return c;
    };
    expect(check(withBeta(["0"])).leaves).toBe(out.stats.leaves);
    expect(() => check(withBeta(["0", "0"]))).toThrow(/path has 1 ReLU splits/);
    expect(() => check(withBeta(["-1"]))).toThrow(/is negative/);
    expect(() => check(withBeta(["1/3"]))).toThrow(/not a dyadic/);
    // β = 4 adds 4·z ≤ 0 on the leaf, but down to −8 on the box: the bound no longer exceeds −1/10.
    expect(() => check(withBeta(["4"]))).toThrow(/does not exceed/);
  });
});

describe("verify with ReLU splits finds violations exactly", () => {
  it("y ≥ 1/2 is violated; the counterexample is in the box and its exact output satisfies the constraint", () => {
    const N = net();
    const P = problem(VIOLATED);
    const out = verify(N, P, { split: "relu" });
    expect(out.result).toBe("violated");
    if (out.result !== "violated") return;
    expect(inBox(P.boxes[0]!, out.counterexample.input)).toBe(true);
    const y = evaluate(N, out.counterexample.input).output;
    expect(satisfiesAll(P.disjuncts[0]!, y)).toBe(true);
  });
});

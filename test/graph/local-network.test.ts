// The local network at a point: f(x + εu) = f(x) + ε·g(u) exactly for a small ε and any direction u, at points
// with ties (the seed network where two of its lines cross, bias-free nets at 0, deep nets at a layer-1 kink).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { rat, type Rational } from "../../src/exact/rational.js";
import { NetworkBuilder, sequential } from "../../src/network/build.js";
import { evaluate } from "../../src/network/evaluate.js";
import type { Network } from "../../src/network/ir.js";
import { readNetworkJson } from "../../src/formats/network-json.js";
import { localNetwork } from "../../src/graph/local-network.js";
import { projectFile } from "../project.js";

const EPS = rat(1, 2 ** 50);
const small = fc.integer({ min: -20, max: 20 }).chain((n) => fc.integer({ min: 1, max: 7 }).map((d) => rat(n, d)));

function checkLocal(net: Network, x: readonly Rational[], runs = 200): void {
  const local = localNetwork(net, x);
  const fx = evaluate(net, x).output;
  fc.assert(
    fc.property(fc.array(small, { minLength: x.length, maxLength: x.length }), (u) => {
      const fxu = evaluate(net, x.map((v, i) => v.add(EPS.mul(u[i]!)))).output;
      const g = evaluate(local.net, u).output;
      return fxu.every((v, i) => v.equals(fx[i]!.add(EPS.mul(g[i]!))));
    }),
    { numRuns: runs, seed: 5 },
  );
}

describe("graph/local-network", () => {
  it("should throw if the point has the wrong size", () => {
    const net = readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "seed");
    expect(() => localNetwork(net, [rat(1)])).toThrow(/graph\/local-network: the network takes 2 inputs/);
  });

  it("the seed network at (2, 1), where lines 0 and 1 cross: two tied neurons, one local ReLU each", () => {
    const net = readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "seed");
    const local = localNetwork(net, [rat(2), rat(1)]);
    expect(local.tiedLayers).toEqual([[{ layer: 0, neuron: 0 }, { layer: 0, neuron: 1 }]]);
    checkLocal(net, [rat(2), rat(1)]);
  });

  it("a point with no tie: the local network is linear (the Jacobian of its region)", () => {
    const net = readNetworkJson(readFileSync(projectFile("fixtures/seed-three-neurons.json"), "utf8"), "seed");
    const local = localNetwork(net, [rat(3), rat(1, 2)]);
    expect(local.tiedLayers).toEqual([]);
    checkLocal(net, [rat(3), rat(1, 2)]);
  });

  it("deep nets with leaky, clip and abs activations at points with ties in several layers", () => {
    const b = new NetworkBuilder(2);
    b.affine([[rat(1), rat(-1)], [rat(2), rat(1)], [rat(1), rat(1)]], [rat(0), rat(-3), rat(-1)]);
    b.activation({ kind: "leaky_relu", alpha: rat(1, 5) });
    b.affine([[rat(1), rat(1), rat(0)], [rat(-1), rat(0), rat(2)], [rat(0), rat(1), rat(1)]], [rat(0), rat(1), rat(-1)]);
    b.activation({ kind: "clip", min: rat(-1), max: rat(1) });
    b.affine([[rat(1), rat(-2), rat(1)]], [rat(0)]);
    b.activation({ kind: "abs" });
    const net = b.build();
    // x = (1, 1): layer 0 z = (0, 0, 1) → two ties; layer 1 z = (0, 1, 1 + ... ) computed by evaluate.
    const x = [rat(1), rat(1)];
    expect(evaluate(net, x).ties.length).toBeGreaterThanOrEqual(2);
    checkLocal(net, x);
    // a bias-free net at the origin: every neuron is tied
    const central = sequential(2, [
      { weights: [[rat(1), rat(2)], [rat(-1), rat(1)], [rat(3), rat(-1)]], bias: [rat(0), rat(0), rat(0)] },
      { weights: [[rat(1), rat(-1), rat(1)], [rat(2), rat(1), rat(-1)]], bias: [rat(0), rat(0)] },
      { weights: [[rat(1), rat(1)]], bias: [rat(0)] },
    ]);
    checkLocal(central, [rat(0), rat(0)]);
    expect(localNetwork(central, [rat(0), rat(0)]).tiedLayers.map((l) => l.length)).toEqual([3, 2]);
  });
});

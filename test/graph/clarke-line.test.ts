// The Clarke Jacobian from the local network's regions, on one-input networks (the local regions built by the
// independent helper): relu at 0 is [0, 1] as the seed says; leaky relu at 0 is [α, 1]; a smooth point has one
// Jacobian; |x| at 0 is [−1, 1]; two coincident kinks whose slopes cancel give no kink.
import { describe, expect, it } from "vitest";
import { rat, type Rational } from "../../src/exact/rational.js";
import { NetworkBuilder, sequential } from "../../src/network/build.js";
import type { ActivationSpec, Network } from "../../src/network/ir.js";
import { clarkeFromLocalRegions } from "../../src/graph/clarke.js";
import { localNetwork } from "../../src/graph/local-network.js";
import { regionsOnTheLine } from "./helpers.js";

function oneNeuron(activation: ActivationSpec): Network {
  const b = new NetworkBuilder(1);
  b.activation(activation);
  return b.build();
}

function clarkeOnLine(net: Network, x: Rational) {
  const local = localNetwork(net, [x]);
  return clarkeFromLocalRegions(net, [x], local, regionsOnTheLine(local.net), true);
}

const text = (r: readonly Rational[] | undefined) => r?.map((v) => v.toFraction());

describe("graph/clarke on the line", () => {
  it("relu at 0: the interval [0, 1], a kink, two regions 0 and 1", () => {
    const c = clarkeOnLine(oneNeuron({ kind: "relu" }), rat(0));
    expect(text(c.interval)).toEqual(["0", "1"]);
    expect(c.kink).toBe(true);
    expect(c.regions.map((r) => r.pattern)).toEqual([[[0]], [[1]]]);
    expect(c.ties).toEqual([{ layer: 0, neuron: 0 }]);
  });

  it("relu at 1/2: one Jacobian, no kink, the interval [1, 1]", () => {
    const c = clarkeOnLine(oneNeuron({ kind: "relu" }), rat(1, 2));
    expect(c.jacobians).toHaveLength(1);
    expect(c.kink).toBe(false);
    expect(text(c.interval)).toEqual(["1", "1"]);
  });

  it("leaky relu(1/10) at 0 gives [1/10, 1]; abs at 0 gives [−1, 1]; hardtanh at 1 gives [0, 1]", () => {
    expect(text(clarkeOnLine(oneNeuron({ kind: "leaky_relu", alpha: rat(1, 10) }), rat(0)).interval)).toEqual(["1/10", "1"]);
    expect(text(clarkeOnLine(oneNeuron({ kind: "abs" }), rat(0)).interval)).toEqual(["-1", "1"]);
    expect(text(clarkeOnLine(oneNeuron({ kind: "hardtanh", min: rat(-1), max: rat(1) }), rat(1)).interval)).toEqual(["0", "1"]);
  });

  it("relu(x) − relu(x) at 0: two regions, one Jacobian (0), not a kink", () => {
    const net = sequential(1, [
      { weights: [[rat(1)], [rat(1)]], bias: [rat(0), rat(0)] },
      { weights: [[rat(1), rat(-1)]], bias: [rat(0)] },
    ]);
    const c = clarkeOnLine(net, rat(0));
    expect(c.regions).toHaveLength(2);
    expect(c.jacobians.map((J) => J[0]![0]!.toFraction())).toEqual(["0"]);
    expect(c.kink).toBe(false);
  });

  it("a deep net at a point where a layer-2 neuron is tied: the interval of the one-sided slopes", () => {
    // y = relu(relu(x) − 1): at x = 1 the second neuron is tied; slopes 0 on the left, 1 on the right.
    const net = sequential(1, [
      { weights: [[rat(1)]], bias: [rat(0)] },
      { weights: [[rat(1)]], bias: [rat(-1)] },
      { weights: [[rat(1)]], bias: [rat(0)] },
    ]);
    const c = clarkeOnLine(net, rat(1));
    expect(c.ties).toEqual([{ layer: 1, neuron: 0 }]);
    expect(text(c.interval)).toEqual(["0", "1"]);
    expect(c.regions.map((r) => r.pattern)).toEqual([[[1], [0]], [[1], [1]]]);
  });
});

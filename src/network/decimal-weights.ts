// `--decimal-weights` (docs/architecture.md, exactness contract 3): replace every float-valued weight by the shortest
// decimal that rounds to the same float — the number a person wrote, e.g. 0.1 instead of float32(0.1) =
// 13421773/134217728 — and say so in the network's approximations. Values that are not floats stay as they are.
import { dyadicFromFloat32, dyadicFromFloat64 } from "../exact/float.js";
import { isDyadicRational, parseRational, rationalToNumber, type Rational } from "../exact/rational.js";
import type { ActivationSpec, Network, NetworkNode } from "./ir.js";

/** The shortest decimal text that rounds to the float32 (or else float64) whose exact value is r; undefined if r is neither. */
export function shortestDecimal(r: Rational): string | undefined {
  if (!isDyadicRational(r)) return undefined;
  const x = rationalToNumber(r);
  if (Math.fround(x) === x && dyadicFromFloat32(x)!.toRational().equals(r)) {
    for (let digits = 1; digits <= 9; digits++) {
      const text = x.toPrecision(digits);
      if (Math.fround(Number(text)) === x) return String(Number(text));
    }
  }
  const exact = dyadicFromFloat64(x);
  return exact && exact.toRational().equals(r) ? String(x) : undefined;
}

/** The network with every float weight replaced by its shortest decimal, and a note of how many changed. */
export function withDecimalWeights(net: Network): Network {
  let changed = 0;
  let total = 0;
  const round = (r: Rational): Rational => {
    total++;
    const text = shortestDecimal(r);
    if (text === undefined) return r;
    const d = parseRational(text);
    if (!d.equals(r)) changed++;
    return d;
  };
  const roundActivation = (a: ActivationSpec): ActivationSpec => {
    switch (a.kind) {
      case "leaky_relu":
        return { kind: a.kind, alpha: round(a.alpha) };
      case "prelu":
        return { kind: a.kind, alpha: a.alpha.map(round) };
      case "hardtanh":
      case "clip":
        return { kind: a.kind, min: round(a.min), max: round(a.max) };
      case "pwl":
        return { kind: a.kind, pwl: { breakpoints: a.pwl.breakpoints.map(round), slopes: a.pwl.slopes.map(round), intercepts: a.pwl.intercepts.map(round) } };
      default:
        return a;
    }
  };
  const nodes: NetworkNode[] = net.nodes.map((node) => {
    if (node.kind === "affine") {
      // The float copy of the weights (floatWeights) no longer holds: the rounded weights are decimals.
      const { floatWeights: _floats, ...exact } = node;
      return { ...exact, weights: node.weights.map((row) => row.map(round)), bias: node.bias.map(round) };
    }
    if (node.kind === "activation") return { ...node, activation: roundActivation(node.activation) };
    return node;
  });
  const note = `--decimal-weights: ${changed} of ${total} weights replaced by the shortest decimal of their float value (the analysed network is not bit-for-bit the file's)`;
  return { ...net, nodes, meta: { ...net.meta, approximations: [...net.meta.approximations, note] } };
}

// The float32 forward pass, as an ONNX runtime computes the network (informational, never a verdict): every
// weight, bias, input and activation parameter rounded to float32, each affine row summed sequentially in
// node order (inputs in order, then the bias) with every product and sum rounded to float32 (Math.fround).
// ONNX does not fix the summation order, so another runtime may differ in the last bits; VNN-COMP replays
// counterexamples this way (with tolerances), which is why `verify` reports it beside the exact answer.
import { rationalToNumber } from "../exact/rational.js";
import type { Network } from "./ir.js";
import { neuronFunction } from "./activation.js";

const f32 = Math.fround;

/** The network's output under float32 semantics at x (each coordinate rounded to float32 first). */
export function evaluateFloat32(net: Network, x: readonly number[]): number[] {
  const values: number[][] = [];
  for (const node of net.nodes) {
    if (node.kind === "input") values.push(x.map(f32));
    else if (node.kind === "affine") {
      const args = node.inputs.flatMap((id) => values[id]!);
      const W = node.floatWeights;
      if (W) {
        // The same sums on the float copy of the weights (no rational read).
        const cols = args.length;
        values.push(
          node.bias.map((b, r) => {
            let s = 0;
            for (let c = 0; c < cols; c++) {
              const w = W[r * cols + c]!;
              if (w !== 0) s = f32(s + f32(f32(w) * args[c]!));
            }
            return f32(s + f32(rationalToNumber(b)));
          }),
        );
        continue;
      }
      values.push(
        node.weights.map((row, r) => {
          let s = 0;
          row.forEach((w, c) => {
            if (w.n !== 0n) s = f32(s + f32(f32(rationalToNumber(w)) * args[c]!));
          });
          return f32(s + f32(rationalToNumber(node.bias[r]!)));
        }),
      );
    } else {
      values.push(
        values[node.input]!.map((z, i) => {
          const f = neuronFunction(node.activation, i);
          let k = 0;
          while (k < f.breakpoints.length && z > f32(rationalToNumber(f.breakpoints[k]!))) k++;
          return f32(f32(f32(rationalToNumber(f.slopes[k]!)) * z) + f32(rationalToNumber(f.intercepts[k]!)));
        }),
      );
    }
  }
  return values[net.output]!;
}

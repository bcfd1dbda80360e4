// The Clarke generalized Jacobian at a point: the convex hull of the Jacobians of the regions whose closure
// contains the point. It is computed locally: the regions of the local network at x (local-network.ts) are the
// cones of those regions, so only the neurons tied at x are split (never the whole domain). For a scalar output
// and a 1-D input the hull is the interval [min, max] of the slopes (relu at 0: [0, 1], as the seed says).
import type { Rational } from "../exact/rational.js";
import { minRational, maxRational } from "../exact/rational.js";
import { invariant } from "../errors.js";
import { formatPattern } from "../network/evaluate.js";
import type { Network, NeuronRef } from "../network/ir.js";
import type { Region } from "../regions/types.js";
import { collectRegions } from "../regions/enumerate.js";
import { outputForm, patternForms } from "./affine-forms.js";
import { localNetwork, type LocalNetwork } from "./local-network.js";

/** A region whose closure contains the point: its pattern and Jacobian. */
export interface ClarkeRegion {
  readonly pattern: readonly (readonly number[])[];
  readonly jacobian: readonly (readonly Rational[])[];
}

export interface ClarkeResult {
  readonly point: readonly Rational[];
  /** f(point). */
  readonly value: readonly Rational[];
  /** Neurons whose pre-activation sits exactly on a breakpoint at the point. */
  readonly ties: readonly NeuronRef[];
  /** Every region whose closure contains the point, sorted by pattern text. */
  readonly regions: readonly ClarkeRegion[];
  /** The distinct Jacobians among them (their convex hull is the Clarke Jacobian), in order of first appearance. */
  readonly jacobians: readonly (readonly (readonly Rational[])[])[];
  /** True when the function is not differentiable at the point (more than one distinct Jacobian). */
  readonly kink: boolean;
  /** For one output and one input: [min, max] of the slopes. */
  readonly interval?: readonly [Rational, Rational];
  /** False when a limit stopped the local enumeration (then regions may be missing). */
  readonly complete: boolean;
}

function sameMatrix(p: readonly (readonly Rational[])[], q: readonly (readonly Rational[])[]): boolean {
  return p.length === q.length && p.every((row, r) => row.every((v, c) => v.equals(q[r]![c]!)));
}

/** The original pattern of a local region: tied neurons move up by the local ReLU's piece. */
export function originalPattern(local: LocalNetwork, localPattern: readonly (readonly number[])[]): number[][] {
  invariant(localPattern.length === local.tiedLayers.length, "graph/clarke: the local pattern does not match the local network");
  const out = local.basePattern.map((layer) => [...layer]);
  local.tiedLayers.forEach((tied, l) => {
    tied.forEach((ref, i) => {
      out[ref.layer]![ref.neuron] = out[ref.layer]![ref.neuron]! + localPattern[l]![i]!;
    });
  });
  return out;
}

/**
 * The Clarke result from the regions of the local network at `point` (their maps are u ↦ J·u). `complete` says
 * whether those regions are all of them.
 */
export function clarkeFromLocalRegions(
  net: Network,
  point: readonly Rational[],
  local: LocalNetwork,
  localRegions: readonly Pick<Region, "pattern" | "map">[],
  complete: boolean,
): ClarkeResult {
  invariant(localRegions.length > 0 || !complete, "graph/clarke: the local network has no region");
  const regions: ClarkeRegion[] = localRegions
    .map((r) => ({ pattern: originalPattern(local, r.pattern), jacobian: r.map.A }))
    .sort((p, q) => (formatPattern(p.pattern) < formatPattern(q.pattern) ? -1 : 1));
  const jacobians: (readonly (readonly Rational[])[])[] = [];
  for (const r of regions) if (!jacobians.some((J) => sameMatrix(J, r.jacobian))) jacobians.push(r.jacobian);
  const scalar = net.nodes[net.output]!.size === 1 && point.length === 1;
  let interval: [Rational, Rational] | undefined;
  if (scalar && jacobians.length > 0) {
    const slopes = jacobians.map((J) => J[0]![0]!);
    interval = [slopes.reduce(minRational), slopes.reduce(maxRational)];
  }
  const ties = local.tiedLayers.flat();
  return { point, value: local.value, ties, regions, jacobians, kink: jacobians.length > 1, ...(interval ? { interval } : {}), complete };
}

export interface ClarkeOptions {
  /** Stop the local enumeration after this many regions (the result is then marked incomplete). */
  readonly maxRegions?: number;
  /** Stop the local enumeration after this many milliseconds. */
  readonly timeoutMs?: number;
}

/**
 * The Clarke generalized Jacobian of `net` at `point`: every region whose closure contains the point, with its
 * Jacobian, found by enumerating the local network's cones over all of R^d (only the tied neurons split).
 */
export async function clarkeJacobian(net: Network, point: readonly Rational[], options: ClarkeOptions = {}): Promise<ClarkeResult> {
  const local = localNetwork(net, point);
  if (local.tiedLayers.length === 0) {
    // No tie: the point is inside one region; the local network is linear, its map is the Jacobian.
    const forms = patternForms(net, local.basePattern);
    return clarkeFromLocalRegions(net, point, local, [{ pattern: [], map: { A: outputForm(net, forms).G, c: [] } }], true);
  }
  const { regions, result } = await collectRegions(local.net, { kind: "all", dim: point.length }, {
    irredundant: false,
    ...(options.maxRegions !== undefined ? { maxRegions: options.maxRegions } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return clarkeFromLocalRegions(net, point, local, regions, result.complete);
}

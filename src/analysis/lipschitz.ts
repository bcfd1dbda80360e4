// `lipschitz`: the exact Lipschitz constant of the network on a convex domain in the ℓ∞ or ℓ1 norm (the same
// norm on inputs and outputs). A continuous piecewise-affine map on a convex set is Lipschitz with constant
// max over its regions of the induced norm of the region's Jacobian A (regions with nonempty interior; the
// segment between two points crosses finitely many regions): ‖A‖∞ = max_i Σ_k |A_ik| (row sums),
// ‖A‖₁ = max_k Σ_i |A_ik| (column sums). The attaining region and its interior witness come with it.
import { Rational } from "../exact/rational.js";
import type { DomainSpec } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
import type { EnumerationResult } from "../regions/enumerate.js";
import { enumerate, type RunOptions } from "../regions/run.js";
import type { Region } from "../regions/types.js";
import { inputPoint } from "./bounds.js";

export type LipschitzNorm = "inf" | "1";

/** The induced norm of A (rows = outputs, columns = inputs) for the same norm on both sides. */
export function inducedNorm(A: readonly (readonly Rational[])[], norm: LipschitzNorm): Rational {
  const zero = new Rational(0n, 1n);
  const sums: Rational[] =
    norm === "inf"
      ? A.map((row) => row.reduce((s, v) => s.add(v.abs()), zero))
      : Array.from({ length: A[0]?.length ?? 0 }, (_, k) => A.reduce((s, row) => s.add(row[k]!.abs()), zero));
  return sums.reduce((m, v) => (v.compare(m) > 0 ? v : m), zero);
}

export interface LipschitzResult {
  readonly norm: LipschitzNorm;
  /** The largest induced norm over the regions visited (exact Lipschitz constant when complete). */
  readonly constant: Rational;
  /** The attaining region: its id, pattern, Jacobian and an interior point (network input coordinates). */
  readonly region?: { readonly id: number; readonly pattern: readonly (readonly number[])[]; readonly jacobian: readonly (readonly Rational[])[]; readonly point: readonly Rational[] };
  readonly complete: boolean;
  readonly enumeration: EnumerationResult;
}

export async function lipschitzConstant(
  net: Network,
  domain: DomainSpec | undefined,
  norm: LipschitzNorm,
  options: { readonly maxRegions?: number; readonly timeoutMs?: number; readonly workers?: number; readonly runner?: RunOptions["runner"] } = {},
): Promise<LipschitzResult> {
  let constant = new Rational(0n, 1n);
  let best: Region | undefined;
  const enumeration = await enumerate(net, domain, {
    ...options,
    irredundant: false,
    onRegion: (r) => {
      const v = inducedNorm(r.map.A, norm);
      if (!best || v.compare(constant) > 0) {
        constant = v;
        best = r;
      }
    },
  });
  const b = best as Region | undefined;
  return {
    norm,
    constant,
    ...(b ? { region: { id: b.id, pattern: b.pattern, jacobian: b.map.A, point: inputPoint(enumeration.domain.spec, b.witness) } } : {}),
    complete: enumeration.complete,
    enumeration,
  };
}

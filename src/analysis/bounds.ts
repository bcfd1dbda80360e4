// `bounds`: the exact minimum and maximum of every output over a domain, each with a rational input that
// attains it. Regions stream from the region engine; on each region the output is affine, so its extremes
// are LPs over the region's constraints. Each region first gets a certified upper bound (float simplex
// proposal, exact certificate); only a region whose certified bound beats the best exact value so far is
// solved by the exact simplex, which gives the exact optimum and an optimal vertex. The result is exact as
// soon as the enumeration is complete.
import { RationalField } from "../exact/field.js";
import { Rational } from "../exact/rational.js";
import { certificateBound } from "../geometry/certificate.js";
import { exactUpperBound, lpRows, newLpStats, upperBound, type LpStats } from "../geometry/lp.js";
import type { DomainSpec } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
import { outputSize } from "../network/ir.js";
import type { EnumerationResult } from "../regions/enumerate.js";
import { enumerate, type RunOptions } from "../regions/run.js";
import type { Region } from "../regions/types.js";
import { evaluate } from "../network/evaluate.js";

/** One side of one output: the exact extreme value and an input attaining it, or unbounded with a ray. */
export type Extreme =
  | { readonly kind: "attained"; readonly value: Rational; readonly point: readonly Rational[]; readonly region: number }
  | { readonly kind: "unbounded"; readonly region: number; readonly ray: readonly Rational[] }
  | { readonly kind: "none" };

export interface OutputBounds {
  readonly min: Extreme;
  readonly max: Extreme;
}

export interface BoundsResult {
  readonly outputs: readonly OutputBounds[];
  /** True when every region was visited, so the values are the exact extremes. */
  readonly complete: boolean;
  readonly enumeration: EnumerationResult;
  readonly lp: LpStats;
}

export interface BoundsOptions {
  readonly maxRegions?: number;
  readonly timeoutMs?: number;
  /** Worker threads (regions/run.ts); default 1. */
  readonly workers?: number;
  /** Who runs the work units (regions/run.ts; a queue of `tessera worker` processes). */
  readonly runner?: RunOptions["runner"];
}

/** Exact min and max of every output of `net` over `domain` (default: the network's box, else R^d). */
export async function outputBounds(net: Network, domain?: DomainSpec, options: BoundsOptions = {}): Promise<BoundsResult> {
  const F = RationalField;
  const m = outputSize(net);
  const lp = newLpStats();
  // best[i][0] tracks the max of +y_i, best[i][1] the max of −y_i.
  const best: Extreme[][] = Array.from({ length: m }, () => [{ kind: "none" }, { kind: "none" }]);
  const onRegion = (region: Region): void => {
    const d = region.witness.length;
    const P = lpRows(F, d, region.constraints.map((h) => h.a), region.constraints.map((h) => h.b));
    for (let i = 0; i < m; i++) {
      for (const side of [0, 1] as const) {
        const cur = best[i]![side]!;
        if (cur.kind === "unbounded") continue;
        const sgn = side === 0 ? 1 : -1;
        const w = region.map.A[i]!.map((v) => (sgn > 0 ? v : v.neg()));
        const c = sgn > 0 ? region.map.c[i]! : region.map.c[i]!.neg();
        const ub = upperBound(F, P, w, lp);
        if (ub.kind === "bounded" && cur.kind === "attained") {
          // Certified: w·x + c ≤ (Σ num_j b_j)/den + c on the region; skip it unless it may beat the best.
          const bound = certificateBound(F, P, ub.cert).div(new Rational(ub.cert.den, 1n)).add(c);
          if (bound.compare(cur.value) <= 0) continue;
        }
        const ex = exactUpperBound(F, P, w, lp);
        if (ex.bound.kind === "unbounded") {
          best[i]![side] = { kind: "unbounded", region: region.id, ray: ex.bound.ray };
          continue;
        }
        const point = "point" in ex ? ex.point : region.witness;
        const value = w.reduce((s, wk, k) => s.add(wk.mul(point[k]!)), c);
        if (cur.kind !== "attained" || value.compare(cur.value) > 0) best[i]![side] = { kind: "attained", value, point, region: region.id };
      }
    }
  };
  const enumeration = await enumerate(net, domain, { ...options, onRegion });
  const spec = enumeration.domain.spec;
  const toInput = (e: Extreme): Extreme => (e.kind === "attained" ? { ...e, point: inputPoint(spec, e.point) } : e);
  const outputs = best.map(([mx, mn]) => ({ max: toInput(mx!), min: toInput(flip(mn!)) }));
  return { outputs, complete: enumeration.complete, enumeration, lp };
}

/** The max of −y is minus the min of y. */
function flip(e: Extreme): Extreme {
  return e.kind === "attained" ? { ...e, value: e.value.neg() } : e;
}

/** Re-check an attained extreme by an exact forward pass (input coordinates of the network, not a slice). */
export function attains(net: Network, output: number, e: Extreme): boolean {
  if (e.kind !== "attained") return true;
  return evaluate(net, e.point).output[output]!.equals(e.value);
}

/** A point of the engine's coordinates as a network input: x = origin + Σ t_j·direction_j on a slice. */
export function inputPoint(spec: DomainSpec, t: readonly Rational[]): Rational[] {
  if (spec.kind !== "slice") return [...t];
  return spec.origin.map((o, i) => spec.directions.reduce((s, dir, j) => s.add(dir[i]!.mul(t[j]!)), o));
}

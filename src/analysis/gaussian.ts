// Gaussian numbers for studies (init, signal, sparsity): standard normal samples drawn from tessera's seeded
// uniform generator by the Box–Muller transform, and the standard normal CDF Φ. Both are floats: what they
// feed is always reported as an estimate, never as an exact answer.
import { seededRandom } from "../exact/random.js";

/**
 * A seeded standard-normal sampler. Box–Muller: with u1 in (0, 1] and u2 in [0, 1) from the mulberry32 stream,
 * r = √(−2 ln u1) and the pair (r cos 2πu2, r sin 2πu2) is two independent N(0, 1) draws; the second is kept for
 * the next call. Same seed, same sequence (on every platform: only IEEE operations and Math.log/cos/sin).
 */
export function gaussianSampler(seed: number): () => number {
  const uniform = seededRandom(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u1 = 1 - uniform();
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/** A seeded uniform sampler on [lo, hi). */
export function uniformSampler(seed: number, lo: number, hi: number): () => number {
  const uniform = seededRandom(seed);
  return () => lo + (hi - lo) * uniform();
}

/**
 * Φ(x), the standard normal CDF, as 1 − ½·erfc(x/√2) with erfc from the Chebyshev-fitted formula of Numerical
 * Recipes (erfcc: fractional error below 1.2e-7 everywhere). An estimate's ingredient: printed with ~6 digits.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
      t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

// Rounding-error bounds of float64 evaluation (Higham, "Accuracy and Stability of Numerical Algorithms",
// §3.1): with round-to-nearest and unit roundoff u = 2^-53, a sum of m products (or any m rounded
// operations in sequence) has |fl(Σ) − Σ| ≤ γ_m·Σ|terms|, γ_m = m·u/(1 − m·u), as long as nothing
// overflows; underflow adds at most 2^-1075 per operation. A bound computed in floats is itself rounded:
// `inflate` covers that (relative error < 2^-30 for fewer than 2^20 operations) and the underflow terms.
// The derivations that use these are in docs/algorithms/filtered-predicates.md.

/** Unit roundoff of float64 (round to nearest). */
export const UNIT_ROUNDOFF = 2 ** -53;

/** γ_m = m·u / (1 − m·u) (m·u < 1). */
export function gamma(m: number): number {
  const mu = m * UNIT_ROUNDOFF;
  return mu / (1 - mu);
}

/**
 * A float ≥ the exact value of a bound that was computed in floats from non-negative terms with at most
 * `ops` (< 2^20) operations: x·(1 + 2^-30) + ops·2^-1070 (relative rounding and absolute underflow).
 */
export function inflate(x: number, ops: number): number {
  return (x + ops * 2 ** -1070) * (1 + 2 ** -30);
}

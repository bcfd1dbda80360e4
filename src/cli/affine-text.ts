// A region's affine map as a line a person reads in the human output of `regions`: y = 1/5·x1 + 1/10·x2 - 1/5
// (one output), y1 = …; y2 = … (several), over the input coordinates x1…xn or a slice's t (line) and s, t
// (plane). A map with a coefficient longer than READABLE_DIGITS digits is written with "≈" and rounded
// decimals, and says so (`--exact` writes it in full); one with more than MAX_TERMS coefficients is named by
// its shape only. `--json` always prints every map exactly.
import { APPROXIMATION_DIGITS, READABLE_DIGITS, decimalApproximation } from "../exact/readable.js";
import { formatRational, parseWrittenRational, sign, type Rational } from "../exact/rational.js";
import type { DomainSpec } from "../geometry/types.js";

/** Most coefficients (outputs × coordinates) a map printed in full may have. */
export const MAX_TERMS = 12;

/** The coordinates a region's map is written in: a slice's own (t; s, t), else the inputs x1…xn. */
export function mapVariables(domain: DomainSpec, inputs: number): string[] {
  if (domain.kind === "slice") return domain.shape === "line" ? ["t"] : ["s", "t"];
  return Array.from({ length: inputs }, (_, k) => `x${k + 1}`);
}

const isLong = (r: Rational): boolean => r.n.toString().length > READABLE_DIGITS || r.d.toString().length > READABLE_DIGITS;

/** `y = 1/5·x1 + 1/10·x2 - 1/5`; zero terms left out, a unit coefficient written as the variable alone. */
export function affineText(map: { readonly A: readonly (readonly string[])[]; readonly c: readonly string[] }, variables: readonly string[], exact = false): string {
  const outputs = map.A.length;
  if (outputs * variables.length > MAX_TERMS) return `map ${outputs}×${variables.length} (--json prints it)`;
  const A = map.A.map((row) => row.map(parseWrittenRational));
  const c = map.c.map(parseWrittenRational);
  const rounded = !exact && [...A.flat(), ...c].some(isLong);
  const number = (r: Rational): string => (rounded ? decimalApproximation(r) : formatRational(r));
  const row = (coefficients: readonly Rational[], constant: Rational): string => {
    const terms: string[] = [];
    const signed = (negative: boolean, body: string): string => (terms.length === 0 ? (negative ? `-${body}` : body) : `${negative ? "- " : "+ "}${body}`);
    coefficients.forEach((a, k) => {
      if (sign(a) === 0) return;
      const size = a.abs();
      terms.push(signed(sign(a) < 0, size.n === 1n && size.d === 1n ? variables[k]! : `${number(size)}·${variables[k]}`));
    });
    if (sign(constant) !== 0 || terms.length === 0) terms.push(signed(sign(constant) < 0, number(constant.abs())));
    return terms.join(" ");
  };
  const text = A.map((coefficients, i) => `${outputs === 1 ? "y" : `y${i + 1}`} ${rounded ? "≈" : "="} ${row(coefficients, c[i]!)}`).join("; ");
  return rounded ? `${text} (rounded to ${APPROXIMATION_DIGITS} significant digits; --exact prints the exact map)` : text;
}

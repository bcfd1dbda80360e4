// The constraint list of the current split-tree node: the domain half-spaces, then the split constraints
// of the path in order (the indexing that bound certificates use). A stack: pushed on descent, truncated
// on backtracking, so its memory is bounded by the depth of the tree. Float copies are kept for the LP,
// each row with a proven bound on its error (the filtered predicates of regions/lp-filter.ts). A split row
// may be pushed lazily (`count`): its exact value is computed only when exact rows are read, by a function
// that reads the exact maps of the current path — still the row's own, because every row on the stack
// depends only on the pattern of the path above it (docs/algorithms/filtered-predicates.md, "Lazy rows").
import type { Field } from "../exact/field.js";
import type { LpRows } from "../geometry/lp.js";
import type { ConstraintSource } from "./types.js";

/** An exact row a·x ≤ b. */
export interface ExactRow<T> {
  readonly a: readonly T[];
  readonly b: T;
}

/** Float copy of a row with proven error bounds: |a_k − af[k]| ≤ ea for every k, |b − bf| ≤ eb. */
export interface FloatRowCopy {
  readonly af: ArrayLike<number>;
  readonly bf: number;
  readonly ea: number;
  readonly eb: number;
}

export class RowStack<T> implements LpRows<T> {
  private readonly rowsA: T[][] = [];
  private readonly rowsB: T[] = [];
  /** Rows whose exact value is still to be computed: the function that computes it (undefined once known). */
  private readonly pending: ((() => ExactRow<T>) | undefined)[] = [];
  /** The lowest index of a pending row (Infinity: none). */
  private firstPending = Infinity;
  private count = 0;
  readonly sources: ConstraintSource[] = [];
  af: Float64Array;
  bf: Float64Array;
  /** Per row i: |a_ik − af_ik| ≤ ea[i] for every k and |b_i − bf_i| ≤ eb[i] (proven bounds). */
  ea: Float64Array;
  eb: Float64Array;

  /** trackErrors: bound the float copies' errors of rows pushed without one (false: NaN, the float filters then fail). */
  constructor(
    private readonly F: Field<T>,
    readonly d: number,
    private readonly trackErrors = true,
  ) {
    this.af = new Float64Array(64 * Math.max(1, d));
    this.bf = new Float64Array(64);
    this.ea = new Float64Array(64);
    this.eb = new Float64Array(64);
  }

  get length(): number {
    return this.count;
  }

  /** The exact rows (lazy rows are computed first). */
  get a(): readonly (readonly T[])[] {
    if (this.firstPending < this.count) this.materialize();
    return this.rowsA;
  }

  get b(): readonly T[] {
    if (this.firstPending < this.count) this.materialize();
    return this.rowsB;
  }

  /** True when some row's exact value has not been computed yet (for tests and statistics). */
  get hasPending(): boolean {
    return this.firstPending < this.count;
  }

  /**
   * Push a row: exact now, or lazily (a function computing the exact row, valid while the row is on the stack).
   * `float`: its float copy with proven error bounds; without it, the exact row's own float conversion, with
   * its error bounded exactly.
   */
  push(exact: ExactRow<T> | (() => ExactRow<T>), source: ConstraintSource, float?: FloatRowCopy): void {
    const m = this.count;
    const d = this.d;
    if ((m + 1) * d > this.af.length || m + 1 > this.bf.length) this.grow();
    let row: ExactRow<T> | undefined;
    if (typeof exact === "function") {
      if (!float) throw new Error("regions/row-stack: a lazy row needs its float copy");
      this.pending[m] = exact;
      if (m < this.firstPending) this.firstPending = m;
      this.rowsA[m] = [];
      this.rowsB[m] = this.F.zero;
    } else {
      row = exact;
      this.pending[m] = undefined;
      this.rowsA[m] = [...exact.a];
      this.rowsB[m] = exact.b;
    }
    if (float) {
      for (let k = 0; k < d; k++) this.af[m * d + k] = float.af[k]!;
      this.bf[m] = float.bf;
      this.ea[m] = float.ea;
      this.eb[m] = float.eb;
    } else {
      const F = this.F;
      let ea = 0;
      for (let k = 0; k < d; k++) {
        const x = row!.a[k]!;
        // Zero is a float exactly (and most of a box row in many dimensions).
        if (F.sign(x) === 0) {
          this.af[m * d + k] = 0;
          continue;
        }
        const f = F.toNumber(x);
        this.af[m * d + k] = f;
        if (this.trackErrors) ea = Math.max(ea, floatError(F, x, f));
      }
      const bf = F.toNumber(row!.b);
      this.bf[m] = bf;
      this.ea[m] = this.trackErrors ? ea : NaN;
      this.eb[m] = this.trackErrors ? floatError(F, row!.b, bf) : NaN;
    }
    this.sources[m] = source;
    this.count = m + 1;
  }

  truncate(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    this.rowsA.length = n;
    this.rowsB.length = n;
    this.pending.length = n;
    this.sources.length = n;
    if (this.firstPending >= n) this.firstPending = Infinity;
  }

  private materialize(): void {
    for (let i = this.firstPending; i < this.count; i++) {
      const f = this.pending[i];
      if (!f) continue;
      const row = f();
      this.rowsA[i] = [...row.a];
      this.rowsB[i] = row.b;
      this.pending[i] = undefined;
    }
    this.firstPending = Infinity;
  }

  private grow(): void {
    // Doubling, but by a quarter once the float copy is big (thousands of dimensions: memory).
    const big = this.bf.length * this.d > 1 << 22;
    const cap = Math.max(big ? Math.ceil(1.25 * this.bf.length) : 2 * this.bf.length, this.count + 1);
    const af = new Float64Array(cap * Math.max(1, this.d));
    af.set(this.af);
    this.af = af;
    for (const key of ["bf", "ea", "eb"] as const) {
      const next = new Float64Array(cap);
      next.set(this[key]);
      this[key] = next;
    }
  }
}

/** A float ≥ |x − xf|, checked exactly (NaN when it is beyond float range: the filters then fail). */
function floatError<T>(F: Field<T>, x: T, xf: number): number {
  if (!Number.isFinite(xf)) return NaN;
  let diff = F.sub(x, F.fromFloat(xf));
  if (F.sign(diff) === 0) return 0;
  if (F.sign(diff) < 0) diff = F.neg(diff);
  let e = Math.abs(F.toNumber(diff));
  for (let i = 0; i < 4 && Number.isFinite(e) && F.compare(F.fromFloat(e), diff) < 0; i++) e = e === 0 ? Number.MIN_VALUE : e * (1 + 2 ** -50) + Number.MIN_VALUE;
  return Number.isFinite(e) && F.compare(F.fromFloat(e), diff) >= 0 ? e : NaN;
}

// The constraint list of the current split-tree node: the domain half-spaces, then the split constraints
// of the path in order (the indexing that bound certificates use). A stack: pushed on descent, truncated
// on backtracking, so its memory is bounded by the depth of the tree. Float copies are kept for the LP.
import type { Field } from "../exact/field.js";
import type { LpRows } from "../geometry/lp.js";
import type { ConstraintSource } from "./types.js";

export class RowStack<T> implements LpRows<T> {
  readonly a: T[][] = [];
  readonly b: T[] = [];
  readonly sources: ConstraintSource[] = [];
  af: Float64Array;
  bf: Float64Array;

  constructor(
    private readonly F: Field<T>,
    readonly d: number,
  ) {
    this.af = new Float64Array(64 * Math.max(1, d));
    this.bf = new Float64Array(64);
  }

  get length(): number {
    return this.a.length;
  }

  push(a: readonly T[], b: T, source: ConstraintSource): void {
    const m = this.a.length;
    if ((m + 1) * this.d > this.af.length) {
      const af = new Float64Array(this.af.length * 2);
      af.set(this.af);
      this.af = af;
      const bf = new Float64Array(this.bf.length * 2);
      bf.set(this.bf);
      this.bf = bf;
    }
    for (let k = 0; k < this.d; k++) this.af[m * this.d + k] = this.F.toNumber(a[k]!);
    this.bf[m] = this.F.toNumber(b);
    this.a.push([...a]);
    this.b.push(b);
    this.sources.push(source);
  }

  truncate(n: number): void {
    this.a.length = n;
    this.b.length = n;
    this.sources.length = n;
  }
}

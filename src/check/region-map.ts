// The independent checker of region maps (docs/certificates.md). It does not import the enumerator: it
// walks the split tree stored in the map (each region carries the decisions made since the previous one),
// recomputes every pre-activation with its own symbolic pass, and verifies exactly
//   - every bound certificate: y ≥ 0, Σ y_i a_i = ±w and Σ y_i b_i ≤ ±(β - c) over the node's rows,
//   - every region: its pattern is the path's, its witness is strictly inside the path's constraints and
//     its exact forward pass has that pattern, its map is the exact output map, its constraints are rows
//     of the path, and
//   - completeness: every kept piece of every decision leads to regions (no region is missing).
import { tryParseRational, ZERO, type Rational } from "../exact/rational.js";
import { domainFromJson, resolveDomain } from "../geometry/domain.js";
import { networkSha256 } from "../formats/network-json.js";
import { neuronFunction } from "../network/activation.js";
import { evaluate, formatPattern } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds, inputSize, outputSize } from "../network/ir.js";
import { SymbolicPass } from "./symbolic.js";
import { CheckFailure, type CheckReport } from "./types.js";

interface Row {
  readonly a: readonly Rational[];
  readonly b: Rational;
  readonly key: string;
}

interface Frame {
  readonly neuron: number;
  readonly keep: readonly [number, number];
  readonly rowCount: number;
  readonly w: readonly Rational[];
  readonly c: Rational;
  next: number;
}

type Json = Record<string, unknown>;

const fail = (where: string, message: string): never => {
  throw new CheckFailure(`${where}: ${message}`);
};

function rat(value: unknown, where: string): Rational {
  const r = typeof value === "string" ? tryParseRational(value) : undefined;
  if (r === undefined) fail(where, `${JSON.stringify(value)} is not a rational string`);
  return r!;
}

function ratVec(value: unknown, where: string, length?: number): Rational[] {
  if (!Array.isArray(value)) return fail(where, "is not an array");
  if (length !== undefined && value.length !== length) fail(where, `has ${value.length} entries, expected ${length}`);
  return (value as unknown[]).map((v, i) => rat(v, `${where}[${i}]`));
}

const dot = (a: readonly Rational[], x: readonly Rational[]): Rational => a.reduce((s, v, k) => (v.n === 0n ? s : s.add(v.mul(x[k]!))), ZERO);

/** Checks one region map, fed region by region (JSON document or NDJSON lines). */
export class RegionMapChecker {
  private readonly net: Network;
  private readonly d: number;
  private readonly pass: SymbolicPass;
  private readonly neurons: { layer: number; neuron: number; bp: readonly Rational[] }[] = [];
  private readonly rows: Row[] = [];
  private readonly stack: Frame[] = [];
  private readonly pattern: number[][];
  private depth = 0;
  private regions = 0;
  private exhausted = false;

  constructor(header: Json, net: Network, file: string) {
    if (header.format !== "tessera-region-map") fail("format", `expected "tessera-region-map", found ${JSON.stringify(header.format)}`);
    if (header.version !== 1) fail("version", `this tessera checks version 1, found ${JSON.stringify(header.version)}`);
    const netInfo = header.network as Json | undefined;
    const sha = networkSha256(net);
    if (!netInfo || netInfo.sha256 !== sha) fail("network.sha256", `the map was made from another network (map ${JSON.stringify(netInfo?.sha256)}, network ${sha})`);
    if (netInfo!.inputs !== inputSize(net) || netInfo!.outputs !== outputSize(net)) fail("network", "inputs/outputs do not match the network");
    const resolved = resolveDomain(net, domainFromJson(header.domain, file));
    this.net = resolved.network;
    this.d = resolved.polyhedron.dim;
    this.pass = new SymbolicPass(this.net, this.d);
    resolved.polyhedron.halfspaces.forEach((h, i) => this.rows.push({ a: h.a, b: h.b, key: `d${i}` }));
    activationNodeIds(this.net).forEach((id, layer) => {
      const node = this.net.nodes[id]!;
      if (node.kind !== "activation") return;
      for (let i = 0; i < node.size; i++) this.neurons.push({ layer, neuron: i, bp: neuronFunction(node.activation, i).breakpoints });
    });
    this.pattern = this.pass.layerSizes().map((n) => new Array<number>(n).fill(-1));
  }

  /** Verify the next region of the map (in order). */
  region(json: Json, index: number): void {
    const where = `regions[${index}]`;
    if (json.id !== index) fail(`${where}.id`, `expected ${index}, found ${JSON.stringify(json.id)}`);
    if (this.exhausted) fail(where, "the split tree has no place for this region (extra or repeated region)");
    const splits = json.splits;
    if (this.neurons.length > 0 && !Array.isArray(splits)) fail(`${where}.splits`, "is missing (a map made without certificates cannot be checked)");
    ((splits as Json[] | undefined) ?? []).forEach((s, k) => this.decision(s, `${where}.splits[${k}]`));
    if (this.depth !== this.neurons.length) {
      fail(where, `the split tree path ends after ${this.depth} of ${this.neurons.length} neurons (a region is missing or its certificate is incomplete)`);
    }
    this.leaf(json, where);
    this.regions++;
    this.advance();
  }

  private decision(s: Json, where: string): void {
    const j = s.neuron;
    if (j !== this.depth) fail(`${where}.neuron`, `expected neuron ${this.depth} next on the path, found ${JSON.stringify(j)}`);
    const info = this.neurons[this.depth]!;
    const keep = s.keep as unknown;
    const k = info.bp.length;
    if (!Array.isArray(keep) || keep.length !== 2 || !keep.every((v) => Number.isInteger(v)) || keep[0] < 0 || keep[1] > k || keep[0] > keep[1]) {
      fail(`${where}.keep`, `is not a piece range within 0..${k}`);
    }
    const [lo, hi] = keep as [number, number];
    const { w, c } = this.pass.preactivation(info.layer, info.neuron, this.pattern);
    if (lo > 0) this.bound(s.lower, `${where}.lower`, w.map((v) => v.neg()), c.sub(info.bp[lo - 1]!));
    if (hi < k) this.bound(s.upper, `${where}.upper`, w, info.bp[hi]!.sub(c));
    this.stack.push({ neuron: this.depth, keep: [lo, hi], rowCount: this.rows.length, w, c, next: lo });
    this.descend();
  }

  /** y ≥ 0 over the current rows with Σ y_i a_i = target and Σ y_i b_i ≤ limit. */
  private bound(cert: unknown, where: string, target: readonly Rational[], limit: Rational): void {
    if (typeof cert !== "object" || cert === null) return fail(where, "the certificate of the pruned pieces is missing");
    const { rows, y } = cert as Json;
    if (!Array.isArray(rows) || !Array.isArray(y) || rows.length !== y.length) return fail(where, "rows and y must be arrays of the same length");
    const sum = new Array<Rational>(this.d).fill(ZERO);
    let rhs = ZERO;
    rows.forEach((i: unknown, t) => {
      if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= this.rows.length) fail(`${where}.rows[${t}]`, `${JSON.stringify(i)} is not a row of this node (it has ${this.rows.length})`);
      const yi = rat(y[t], `${where}.y[${t}]`);
      if (yi.s < 0n && yi.n !== 0n) fail(`${where}.y[${t}]`, "is negative");
      const row = this.rows[i as number]!;
      row.a.forEach((v, k) => (sum[k] = sum[k]!.add(yi.mul(v))));
      rhs = rhs.add(yi.mul(row.b));
    });
    sum.forEach((v, k) => {
      if (!v.equals(target[k]!)) fail(where, `Σ y_i a_i differs from the pre-activation's gradient in coordinate ${k}`);
    });
    if (rhs.compare(limit) > 0) fail(where, "the certified bound does not reach the breakpoint");
  }

  /** Enter the next kept piece of the top frame. */
  private descend(): void {
    const f = this.stack[this.stack.length - 1]!;
    const s = f.next++;
    const info = this.neurons[f.neuron]!;
    this.rows.length = f.rowCount;
    if (f.keep[0] < f.keep[1]) {
      const key = (b: number): string => `n${info.layer}.${info.neuron}.${b}`;
      if (s > f.keep[0]) this.rows.push({ a: f.w.map((v) => v.neg()), b: f.c.sub(info.bp[s - 1]!), key: key(s - 1) });
      if (s < f.keep[1]) this.rows.push({ a: f.w, b: info.bp[s]!.sub(f.c), key: key(s) });
    }
    this.pattern[info.layer]![info.neuron] = s;
    for (let j = f.neuron + 1; j < this.neurons.length; j++) this.pattern[this.neurons[j]!.layer]![this.neurons[j]!.neuron] = -1;
    this.depth = f.neuron + 1;
  }

  /** Move to the next unvisited piece (backtracking), or mark the tree exhausted. */
  private advance(): void {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.next > this.stack[this.stack.length - 1]!.keep[1]) this.stack.pop();
    if (this.stack.length === 0) this.exhausted = true;
    else this.descend();
  }

  private leaf(json: Json, where: string): void {
    const pattern = formatPattern(this.pattern);
    if (json.pattern !== pattern) fail(`${where}.pattern`, `is ${JSON.stringify(json.pattern)}, the split tree path gives ${JSON.stringify(pattern)}`);
    const x = ratVec(json.witness, `${where}.witness`, this.d);
    this.rows.forEach((row, i) => {
      if (dot(row.a, x).compare(row.b) >= 0) fail(`${where}.witness`, `is not strictly inside constraint ${i} of its split-tree path`);
    });
    const ev = evaluate(this.net, x);
    if (formatPattern(ev.pattern) !== pattern) fail(`${where}.witness`, `its exact forward pass has pattern ${formatPattern(ev.pattern)}, not ${pattern}`);
    const map = this.pass.output(this.pattern);
    const m = json.map as Json | undefined;
    if (!m || !Array.isArray(m.A) || m.A.length !== map.M.length) fail(`${where}.map.A`, `must have ${map.M.length} rows`);
    map.M.forEach((row, r) => {
      const given = ratVec((m!.A as unknown[])[r], `${where}.map.A[${r}]`, this.d);
      given.forEach((v, k) => {
        if (!v.equals(row[k]!)) fail(`${where}.map.A[${r}][${k}]`, `is ${v.toFraction()}, the exact map has ${row[k]!.toFraction()}`);
      });
    });
    const cs = ratVec(m!.c, `${where}.map.c`, map.v.length);
    cs.forEach((v, r) => {
      if (!v.equals(map.v[r]!)) fail(`${where}.map.c[${r}]`, `is ${v.toFraction()}, the exact map has ${map.v[r]!.toFraction()}`);
    });
    this.constraints(json.constraints, `${where}.constraints`);
  }

  /** Every listed constraint must be a row of the path (same source, same coefficients). */
  private constraints(list: unknown, where: string): void {
    if (!Array.isArray(list)) return fail(where, "is not an array");
    const byKey = new Map(this.rows.map((r) => [r.key, r]));
    list.forEach((item: Json, i) => {
      const src = item.source as Json | undefined;
      const key = src?.kind === "domain" ? `d${src.index}` : src?.kind === "neuron" ? `n${src.layer}.${src.neuron}.${src.breakpoint}` : "?";
      const row = byKey.get(key);
      if (!row) return fail(`${where}[${i}].source`, "is not a constraint of this region's split-tree path");
      const a = ratVec(item.a, `${where}[${i}].a`, this.d);
      const b = rat(item.b, `${where}[${i}].b`);
      if (!b.equals(row.b) || a.some((v, k) => !v.equals(row.a[k]!))) fail(`${where}[${i}]`, "differs from the path's constraint with the same source");
    });
  }

  /** Final verdict: completeness of the tree against the document's claim. */
  finish(footer: Json): CheckReport {
    const counts = footer.counts as Json | undefined;
    if (!counts || counts.regions !== this.regions) fail("counts.regions", `says ${JSON.stringify(counts?.regions)}, the map has ${this.regions} regions`);
    const complete = footer.complete === true;
    if (complete && this.neurons.length === 0 && this.regions !== 1) fail("regions", "a network without neurons has exactly one region");
    if (complete && this.neurons.length > 0 && !this.exhausted) {
      const f = this.stack[this.stack.length - 1]!;
      fail("regions", `region(s) missing: piece ${f.next - 1} of neuron ${f.neuron} at depth ${f.neuron} leads to no region`);
    }
    if (complete && this.regions === 0) fail("regions", "a complete map of a domain with interior has at least one region");
    return { ok: true, format: "tessera-region-map", items: this.regions, complete, message: complete ? `all ${this.regions} regions verified; the split tree proves no region is missing` : `${this.regions} regions verified; the map is incomplete (complete: false), so completeness is not claimed` };
  }
}

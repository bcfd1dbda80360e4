// The independent checker of region maps (docs/certificates.md). It does not import the enumerator: it
// walks the split tree stored in the map (each region carries the decisions made since the previous one),
// recomputes every pre-activation with its own symbolic pass, and verifies exactly
//   - every bound certificate: y ≥ 0, Σ y_i a_i = ±w and Σ y_i b_i ≤ ±(β - c) over the node's rows,
//   - every region: its pattern is the path's, its witness is strictly inside the path's constraints and
//     its exact forward pass has that pattern, its map is the exact output map, its constraints are rows
//     of the path, and
//   - completeness: every kept piece of every decision leads to regions (no region is missing).
import { Dyadic } from "../exact/dyadic.js";
import { DyadicField, RationalField, type Field } from "../exact/field.js";
import { Rational, WRITTEN_BY_TESSERA, isDyadicRational, tryParseRational } from "../exact/rational.js";
import { resolveDomain } from "../geometry/domain.js";
import { domainFromJson } from "../formats/domain.js";
import { networkSha256 } from "../formats/network-json.js";
import { neuronFunction } from "../network/activation.js";
import { evaluate, evaluateDyadic, formatPattern, isDyadicNetwork } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import { activationNodeIds, inputSize, outputSize } from "../network/ir.js";
import { SymbolicPass } from "./symbolic.js";
import { checkBoundingBox, checkRegionGeometry, readMultipliers, sourceKey, type KeyedRow } from "./hform.js";
import { CheckFailure, type CheckReport } from "./types.js";

interface Row<T> {
  readonly a: readonly T[];
  readonly b: T;
  readonly key: string;
}

interface Frame<T> {
  readonly neuron: number;
  readonly keep: readonly [number, number];
  readonly rowCount: number;
  readonly w: readonly T[];
  readonly c: T;
  next: number;
}

type Json = Record<string, unknown>;

const fail = (where: string, message: string): never => {
  throw new CheckFailure(`${where}: ${message}`);
};

function rat(value: unknown, where: string): Rational {
  const r = typeof value === "string" ? tryParseRational(value, WRITTEN_BY_TESSERA) : undefined;
  if (r === undefined) fail(where, `${JSON.stringify(value)} is not a rational string`);
  return r!;
}

function ratVec(value: unknown, where: string, length?: number): Rational[] {
  if (!Array.isArray(value)) return fail(where, "is not an array");
  if (length !== undefined && value.length !== length) fail(where, `has ${value.length} entries, expected ${length}`);
  return (value as unknown[]).map((v, i) => rat(v, `${where}[${i}]`));
}


/**
 * Checks one region map, fed region by region (JSON document or NDJSON lines). Arithmetic is exact over
 * the field T: dyadics when the network and the domain are (float networks), rationals otherwise.
 */
export class RegionMapChecker<T = unknown> {
  private readonly net: Network;
  private readonly d: number;
  private readonly F: Field<T>;
  private readonly pass: SymbolicPass<T>;
  private readonly neurons: { layer: number; neuron: number; bp: readonly T[] }[] = [];
  private readonly rows: Row<T>[] = [];
  private readonly stack: Frame<T>[] = [];
  private readonly pattern: number[][];
  /** Verified bounding boxes of the current path: id → creation depth and axis bounds. */
  private readonly boxes = new Map<number, { depth: number; P: T; upper: (T | undefined)[]; lower: (T | undefined)[] }>();
  private depth = 0;
  private regions = 0;
  private exhausted = false;
  /** The domain is bounded (a box, or its `domainBounds` certificate verified). */
  private readonly domainBounded: boolean;
  /** Linear pieces: the map of each piece id (same piece ⇒ same map), and the next new id expected. */
  private readonly pieceMaps = new Map<number, string>();
  private decisions = 0;
  private splitNodes = 0;

  /** The value in the field, or undefined when it is not representable (a non-dyadic value under dyadics). */
  private toField(r: Rational): T | undefined {
    if (this.F === (DyadicField as Field<unknown>)) return isDyadicRational(r) ? (Dyadic.fromRational(r) as T) : undefined;
    return this.F.fromRational(r);
  }

  private dot(a: readonly T[], x: readonly T[]): T {
    const F = this.F;
    let s = F.zero;
    for (let k = 0; k < a.length; k++) if (F.sign(a[k]!) !== 0 && F.sign(x[k]!) !== 0) s = F.add(s, F.mul(a[k]!, x[k]!));
    return s;
  }

  constructor(header: Json, net: Network, file: string) {
    if (header.format !== "tessera-region-map") fail("format", `expected "tessera-region-map", found ${JSON.stringify(header.format)}`);
    if (header.version !== 2) fail("version", `this tessera checks version 2 (multipliers over one denominator), found ${JSON.stringify(header.version)}`);
    const netInfo = header.network as Json | undefined;
    const sha = networkSha256(net);
    if (!netInfo || netInfo.sha256 !== sha) fail("network.sha256", `the map was made from another network (map ${JSON.stringify(netInfo?.sha256)}, network ${sha})`);
    if (netInfo!.inputs !== inputSize(net) || netInfo!.outputs !== outputSize(net)) fail("network", "inputs/outputs do not match the network");
    const resolved = resolveDomain(net, domainFromJson(header.domain, file));
    this.net = resolved.network;
    this.d = resolved.polyhedron.dim;
    const dyadic = isDyadicNetwork(this.net) && resolved.polyhedron.halfspaces.every((h) => isDyadicRational(h.b) && h.a.every(isDyadicRational));
    this.F = (dyadic ? DyadicField : RationalField) as Field<unknown> as Field<T>;
    const F = this.F;
    this.pass = new SymbolicPass(F, this.net, this.d);
    resolved.polyhedron.halfspaces.forEach((h, i) => this.rows.push({ a: h.a.map((v) => F.fromRational(v)), b: F.fromRational(h.b), key: `d${i}` }));
    activationNodeIds(this.net).forEach((id, layer) => {
      const node = this.net.nodes[id]!;
      if (node.kind !== "activation") return;
      for (let i = 0; i < node.size; i++) this.neurons.push({ layer, neuron: i, bp: neuronFunction(node.activation, i).breakpoints.map((b) => F.fromRational(b)) });
    });
    this.pattern = this.pass.layerSizes().map((n) => new Array<number>(n).fill(-1));
    const domainRows: KeyedRow[] = resolved.polyhedron.halfspaces.map((h, i) => ({ key: `d${i}`, a: h.a, b: h.b }));
    if (header.domainBounds !== undefined) checkBoundingBox(header.domainBounds, domainRows, this.d, "domainBounds");
    this.domainBounded = (header.domain as Json | undefined)?.kind === "box" || header.domainBounds !== undefined;
  }

  /** Verify the next region of the map (in order). */
  region(json: Json, index: number): void {
    const where = `regions[${index}]`;
    if (json.id !== index) fail(`${where}.id`, `expected ${index}, found ${JSON.stringify(json.id)}`);
    if (this.exhausted) fail(where, "the split tree has no place for this region (extra or repeated region)");
    const splits = json.splits;
    if (this.neurons.length > 0 && !Array.isArray(splits)) fail(`${where}.splits`, "is missing (a map made without certificates cannot be checked)");
    ((splits as Json[] | undefined) ?? []).forEach((s, k) => {
      if (typeof s === "object" && s !== null && "box" in s && !("neuron" in s)) this.boxRecord(s, `${where}.splits[${k}]`);
      else this.decision(s, `${where}.splits[${k}]`);
    });
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
    this.decisions++;
    if (lo < hi) this.splitNodes++;
    const F = this.F;
    const { w, c } = this.pass.preactivation(info.layer, info.neuron, this.pattern);
    if (lo > 0) this.bound(s.lower, `${where}.lower`, w.map((v) => F.neg(v)), F.sub(c, info.bp[lo - 1]!));
    if (hi < k) this.bound(s.upper, `${where}.upper`, w, F.sub(info.bp[hi]!, c));
    this.stack.push({ neuron: this.depth, keep: [lo, hi], rowCount: this.rows.length, w, c, next: lo });
    this.descend();
  }

  /** Σ y_i a_i and Σ y_i b_i over the current rows for the integer numerators y_i; L is their common denominator. */
  private combination(cert: unknown, where: string): { sum: T[]; rhs: T; L: bigint } {
    const F = this.F;
    if (typeof cert !== "object" || cert === null) return fail(where, "the certificate of the pruned pieces is missing");
    const { rows, y, den } = readMultipliers(cert, where, this.rows.length, (n) => `is not a row of this node (it has ${n})`);
    const sum = new Array<T>(this.d).fill(F.zero);
    let rhs = F.zero;
    rows.forEach((i, t) => {
      if (y[t] === 0n) return;
      const m = this.big(y[t]!);
      const row = this.rows[i]!;
      row.a.forEach((v, k) => (sum[k] = F.add(sum[k]!, F.mul(m, v))));
      rhs = F.add(rhs, F.mul(m, row.b));
    });
    return { sum, rhs, L: den };
  }

  private big(n: bigint): T {
    return this.F === (DyadicField as Field<unknown>) ? (Dyadic.of(n) as T) : this.F.fromRational(new Rational(n, 1n));
  }

  /** A certificate ({rows, y}, or a box reference) proving target·x ≤ limit on the current node. */
  private bound(cert: unknown, where: string, target: readonly T[], limit: T): void {
    const F = this.F;
    if (typeof cert === "object" && cert !== null && "box" in cert) return this.boxBound((cert as Json).box, where, target, limit);
    const { sum, rhs, L } = this.combination(cert, where);
    const Lt = this.big(L);
    sum.forEach((v, k) => {
      if (F.compare(v, F.mul(Lt, target[k]!)) !== 0) fail(where, `Σ y_i a_i differs from the pre-activation's gradient in coordinate ${k}`);
    });
    if (F.compare(rhs, F.mul(Lt, limit)) > 0) fail(where, "the certified bound does not reach the breakpoint");
  }

  /**
   * A bounding box record: verify each axis certificate (Σ y_i a_i = ±e_k) and keep its bound U_k = rhs_k/L_k
   * scaled to one denominator P = Π L_k (Ũ_k = rhs_k·P/L_k in the field), so uses need no fractions.
   */
  private boxRecord(json: Json, where: string): void {
    const F = this.F;
    const id = json.box;
    if (!Number.isInteger(id)) fail(`${where}.box`, "is not an integer id");
    const raw = (key: "upper" | "lower", sign: 1 | -1): ({ rhs: T; L: bigint } | undefined)[] => {
      const list = json[key];
      if (!Array.isArray(list) || list.length !== this.d) return fail(`${where}.${key}`, `must have ${this.d} entries`);
      return list.map((c: unknown, k) => {
        if (c === null) return undefined;
        const { sum, rhs, L } = this.combination(c, `${where}.${key}[${k}]`);
        const Lt = this.big(L);
        sum.forEach((v, j) => {
          const e = j === k ? (sign === 1 ? Lt : F.neg(Lt)) : F.zero;
          if (F.compare(v, e) !== 0) fail(`${where}.${key}[${k}]`, `Σ y_i a_i is not ${sign === 1 ? "" : "-"}e_${k}`);
        });
        return { rhs, L };
      });
    };
    const upper = raw("upper", 1);
    const lower = raw("lower", -1);
    let P = 1n;
    for (const a of [...upper, ...lower]) if (a) P *= a.L;
    const scale = (a: { rhs: T; L: bigint } | undefined): T | undefined => (a ? F.mul(a.rhs, this.big(P / a.L)) : undefined);
    this.boxes.set(id as number, { depth: this.depth, P: this.big(P), upper: upper.map(scale), lower: lower.map(scale) });
  }

  /** target·x ≤ Σ_{t_k>0} t_k U^+_k + Σ_{t_k<0} |t_k| U^-_k ≤ limit, with the box's verified bounds (times P). */
  private boxBound(id: unknown, where: string, target: readonly T[], limit: T): void {
    const F = this.F;
    const box = typeof id === "number" ? this.boxes.get(id) : undefined;
    if (!box) return fail(`${where}.box`, `${JSON.stringify(id)} is not a bounding box of this node's path`);
    let total = F.zero;
    target.forEach((t, k) => {
      const s = F.sign(t);
      if (s === 0) return;
      const U = s > 0 ? box.upper[k] : box.lower[k];
      if (U === undefined) fail(`${where}.box`, `the box is unbounded in the direction of coordinate ${k}`);
      total = F.add(total, F.mul(s > 0 ? t : F.neg(t), U!));
    });
    if (F.compare(total, F.mul(limit, box.P)) > 0) fail(where, "the box bound does not reach the breakpoint");
  }

  /** Enter the next kept piece of the top frame. */
  private descend(): void {
    const f = this.stack[this.stack.length - 1]!;
    const s = f.next++;
    const info = this.neurons[f.neuron]!;
    this.rows.length = f.rowCount;
    if (f.keep[0] < f.keep[1]) {
      const key = (b: number): string => `n${info.layer}.${info.neuron}.${b}`;
      const F = this.F;
      if (s > f.keep[0]) this.rows.push({ a: f.w.map((v) => F.neg(v)), b: F.sub(f.c, info.bp[s - 1]!), key: key(s - 1) });
      if (s < f.keep[1]) this.rows.push({ a: f.w, b: F.sub(info.bp[s]!, f.c), key: key(s) });
    }
    this.pattern[info.layer]![info.neuron] = s;
    for (let j = f.neuron + 1; j < this.neurons.length; j++) this.pattern[this.neurons[j]!.layer]![this.neurons[j]!.neuron] = -1;
    this.depth = f.neuron + 1;
  }

  /** Move to the next unvisited piece (backtracking), or mark the tree exhausted. */
  private advance(): void {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.next > this.stack[this.stack.length - 1]!.keep[1]) this.stack.pop();
    if (this.stack.length === 0) this.exhausted = true;
    else {
      // Boxes made below the node we return to belonged to the abandoned subtree.
      const j = this.stack[this.stack.length - 1]!.neuron;
      for (const [id, b] of this.boxes) if (b.depth > j) this.boxes.delete(id);
      this.descend();
    }
  }

  private leaf(json: Json, where: string): void {
    const F = this.F;
    const pattern = formatPattern(this.pattern);
    if (json.pattern !== pattern) fail(`${where}.pattern`, `is ${JSON.stringify(json.pattern)}, the split tree path gives ${JSON.stringify(pattern)}`);
    const xr = ratVec(json.witness, `${where}.witness`, this.d);
    const xt = xr.map((v) => this.toField(v));
    const inField = xt.every((v) => v !== undefined);
    this.rows.forEach((row, i) => {
      // A witness outside the field (not dyadic under dyadics) is checked in rationals.
      const inside = inField
        ? F.compare(this.dot(row.a, xt as T[]), row.b) < 0
        : row.a.reduce((s, v, k) => s.add(F.toRational(v).mul(xr[k]!)), new Rational(0n, 1n)).compare(F.toRational(row.b)) < 0;
      if (!inside) fail(`${where}.witness`, `is not strictly inside constraint ${i} of its split-tree path`);
    });
    const evPattern = inField && F.dyadic ? evaluateDyadic(this.net, [...F.toDyadics(xt as T[])]).pattern : evaluate(this.net, xr).pattern;
    if (formatPattern(evPattern) !== pattern) fail(`${where}.witness`, `its exact forward pass has pattern ${formatPattern(evPattern)}, not ${pattern}`);
    const map = this.pass.output(this.pattern);
    const m = json.map as Json | undefined;
    if (!m || !Array.isArray(m.A) || m.A.length !== map.M.length) fail(`${where}.map.A`, `must have ${map.M.length} rows`);
    const equal = (given: Rational, exact: T): boolean => {
      const g = this.toField(given);
      return g !== undefined && F.compare(g, exact) === 0;
    };
    map.M.forEach((row, r) => {
      const given = ratVec((m!.A as unknown[])[r], `${where}.map.A[${r}]`, this.d);
      given.forEach((v, k) => {
        if (!equal(v, row[k]!)) fail(`${where}.map.A[${r}][${k}]`, `is ${v.toFraction()}, the exact map has ${F.toRational(row[k]!).toFraction()}`);
      });
    });
    const cs = ratVec(m!.c, `${where}.map.c`, map.v.length);
    cs.forEach((v, r) => {
      if (!equal(v, map.v[r]!)) fail(`${where}.map.c[${r}]`, `is ${v.toFraction()}, the exact map has ${F.toRational(map.v[r]!).toFraction()}`);
    });
    this.constraints(json.constraints, `${where}.constraints`, json);
    if ("piece" in json) this.piece(json.piece, json.map, `${where}.piece`);
    this.regionMaps?.push(JSON.stringify(json.map));
  }

  /** NDJSON maps list pieces in the closing line: the regions' maps are kept (as text) to check them there. */
  private regionMaps: string[] | undefined;

  /** Call before the regions of an NDJSON map (pieces come in its closing line). */
  expectPiecesAtEnd(): void {
    this.regionMaps = [];
  }

  /**
   * Every listed constraint must be a row of the path (same source, same coefficients); then the geometry
   * fields (facets, implied rows, bounded, vertices) are verified by check/hform.ts.
   */
  private constraints(list: unknown, where: string, region: Json): void {
    if (!Array.isArray(list)) return fail(where, "is not an array");
    const byKey = new Map(this.rows.map((r) => [r.key, r]));
    const listed: KeyedRow[] = [];
    list.forEach((item: Json, i) => {
      const key = sourceKey(item?.source);
      const row = byKey.get(key);
      if (!row) return fail(`${where}[${i}].source`, "is not a constraint of this region's split-tree path");
      const a = ratVec(item.a, `${where}[${i}].a`, this.d).map((v) => this.toField(v));
      const b = this.toField(rat(item.b, `${where}[${i}].b`));
      const F = this.F;
      if (b === undefined || F.compare(b, row.b) !== 0 || a.some((v, k) => v === undefined || F.compare(v, row.a[k]!) !== 0)) {
        fail(`${where}[${i}]`, "differs from the path's constraint with the same source");
      }
      listed.push({ key, a: a.map((v) => F.toRational(v!)), b: F.toRational(b!) });
    });
    const F = this.F;
    const pathRows = this.rows.map((r) => ({ key: r.key, a: r.a.map((v) => F.toRational(v)), b: F.toRational(r.b) }));
    checkRegionGeometry(region, where.replace(/\.constraints$/, ""), { read: rat, d: this.d, pathRows, listed, domainBounded: this.domainBounded });
  }

  /** `piece` (JSON maps) or the closing line's `pieces` (NDJSON): same piece ⇒ the same affine map; ids 0, 1, … by first region. */
  private piece(piece: unknown, map: unknown, where: string): void {
    if (!Number.isInteger(piece) || (piece as number) < 0 || (piece as number) > this.pieceMaps.size) {
      fail(where, `is ${JSON.stringify(piece)}; pieces are numbered 0, 1, … by their first region (next new id ${this.pieceMaps.size})`);
    }
    const text = JSON.stringify(map);
    const known = this.pieceMaps.get(piece as number);
    if (known === undefined) this.pieceMaps.set(piece as number, text);
    else if (known !== text) fail(where, `is ${String(piece)}, but its affine map differs from that piece's (one linear piece has one map)`);
  }

  /** Final verdict: completeness of the tree against the document's claim. */
  finish(footer: Json): CheckReport {
    const counts = footer.counts as Json | undefined;
    if (!counts || counts.regions !== this.regions) fail("counts.regions", `says ${JSON.stringify(counts?.regions)}, the map has ${this.regions} regions`);
    const complete = footer.complete === true;
    if (complete && this.neurons.length === 0 && this.regions !== 1) fail("regions", "a network without neurons has exactly one region");
    if (complete && this.regions === 0) fail("regions", "a complete map of a domain with interior has at least one region");
    if (complete && this.neurons.length > 0 && !this.exhausted) {
      const f = this.stack[this.stack.length - 1]!;
      fail("regions", `region(s) missing: piece ${f.next - 1} of neuron ${f.neuron} at depth ${f.neuron} leads to no region`);
    }
    if (counts!.neurons !== this.neurons.length) fail("counts.neurons", `says ${JSON.stringify(counts!.neurons)}, the network has ${this.neurons.length}`);
    // A map cut short may have made decisions below its last region: the tree counts are checked when complete.
    if (complete && counts!.decisions !== this.decisions) fail("counts.decisions", `says ${JSON.stringify(counts!.decisions)}, the split tree has ${this.decisions}`);
    if (complete && counts!.splits !== this.splitNodes) fail("counts.splits", `says ${JSON.stringify(counts!.splits)}, the split tree has ${this.splitNodes} nodes that keep ≥ 2 pieces`);
    if (this.regionMaps) {
      const pieces = footer.pieces;
      if (pieces !== undefined) {
        if (!Array.isArray(pieces) || pieces.length !== this.regions) fail("pieces", `must list the piece of each of the ${this.regions} regions`);
        this.regionMaps.forEach((m, i) => this.piece((pieces as unknown[])[i], JSON.parse(m), `pieces[${i}]`));
      }
    }
    if (counts!.linearPieces !== undefined && this.pieceMaps.size > 0 && counts!.linearPieces !== this.pieceMaps.size) {
      fail("counts.linearPieces", `says ${JSON.stringify(counts!.linearPieces)}, the regions name ${this.pieceMaps.size} pieces`);
    }
    const what = `witness, pattern, map, irredundant constraints (facets, none missing), bounded, vertices${this.pieceMaps.size ? ", piece maps" : ""}`;
    const note = this.pieceMaps.size ? "; that each linear piece is connected and maximal is informational (not checked)" : "";
    return {
      ok: true,
      format: "tessera-region-map",
      items: this.regions,
      complete,
      message: (complete ? `all ${this.regions} regions verified (${what}); the split tree proves no region is missing` : `${this.regions} regions verified (${what}); the map is incomplete (complete: false), so completeness is not claimed`) + note,
    };
  }
}

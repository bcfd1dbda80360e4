// The region map document (docs/formats/region-map.md, docs/schema/region-map.schema.json): regions as
// JSON with rationals as "p/q" strings, written as one JSON document or as NDJSON (a header line, one
// region a line, a closing line). Both writers stream: a region is written as soon as it is found.
import { createHash } from "node:crypto";
import { RationalField } from "../exact/field.js";
import { formatRational, parseWrittenRational, type Rational } from "../exact/rational.js";
import { domainToJson, type DomainJson } from "../formats/domain.js";
import { resolveDomain } from "../geometry/domain.js";
import { lpRows, newLpStats } from "../geometry/lp.js";
import { boundednessCertificate, type Multipliers } from "../geometry/redundancy.js";
import type { DomainSpec } from "../geometry/types.js";
import { formatPattern, parsePattern } from "../network/evaluate.js";
import type { Network } from "../network/ir.js";
import { inputSize, outputSize } from "../network/ir.js";
import { networkSha256 } from "../formats/network-json.js";
import type { EnumerationResult } from "./enumerate.js";
import type { BoundCertificateRecord, BoxCertificateRecord, ConstraintSource, Region, RegionHFormCertificates, TreeRecord } from "./types.js";

export const REGION_MAP_FORMAT = "tessera-region-map";
export const REGION_MAP_VERSION = 2;

/** A certificate as written: multipliers y[t] / den on rows[t] (integers, den > 0). */
export interface CertificateJson {
  rows: number[];
  y: string[];
  den: string;
}

export interface SplitJson {
  neuron: number;
  keep: [number, number];
  lower?: CertificateJson | { box: number };
  upper?: CertificateJson | { box: number };
}

export interface BoxJson {
  box: number;
  upper: (CertificateJson | null)[];
  lower: (CertificateJson | null)[];
}

/** Multipliers over rows: y[t] / den on row rows[t]. */
export type MultipliersJson = CertificateJson;

/** Bounding-box certificate: `upper[k]` proves x_k ≤ U_k, `lower[k]` proves -x_k ≤ L_k. */
export interface BoundsJson {
  upper: MultipliersJson[];
  lower: MultipliersJson[];
}

export interface RegionJson {
  id: number;
  pattern: string;
  /** Linear piece id (src/graph/piece-tracker.ts), in JSON maps. */
  piece?: number;
  witness: string[];
  map: { A: string[][]; c: string[] };
  /** `facetPoint`: a point on the constraint's hyperplane strictly inside every other listed constraint. */
  constraints: { a: string[]; b: string; source: ConstraintSource; facetPoint?: string[] }[];
  /** Rows of the split-tree path left out of `constraints`, each with multipliers over `constraints` implying it. */
  implied?: ({ source: ConstraintSource } & MultipliersJson)[];
  bounded: boolean;
  /** Certificate of `bounded` on an unbounded domain: a bounding box over `constraints`, or a recession direction. */
  boundedBy?: BoundsJson;
  recession?: string[];
  vertices?: string[][];
  splits?: (SplitJson | BoxJson)[];
}

export interface RegionMapHeader {
  format: typeof REGION_MAP_FORMAT;
  version: typeof REGION_MAP_VERSION;
  network: { sha256: string; inputs: number; outputs: number; file?: string; approximations?: readonly string[] };
  domain: DomainJson;
  /** A bounded domain other than a box: multipliers over its half-spaces bounding every coordinate (every region is then bounded). */
  domainBounds?: BoundsJson;
}

export interface RegionMapFooter {
  complete: boolean;
  status: string;
  counts: { regions: number; neurons: number; decisions: number; splits: number; linearPieces?: number };
  /** NDJSON closing line: the linear piece of every region, by region id. */
  pieces?: number[];
  certificates: { kind: "split-tree"; version: 1; certified: boolean; neuronOrder: "topological" };
  /** How the work was spread (informational; the one part of a map that depends on --workers). */
  stats?: RunStats;
  /** A map merged from shards with some missing (`tessera merge`): their indices; complete is then false. */
  missingShards?: number[];
}

/** Worker threads, work units run and donations made (docs/scale.md). */
export interface RunStats {
  readonly workers: number;
  readonly units: number;
  readonly donations: number;
}

const vec = (v: readonly Rational[]): string[] => v.map(formatRational);

/** A digest of a region's exact affine map in its JSON form (equal maps give equal digests; a collision only costs a check). */
/** An exact affine map as JSON (rationals as strings). */
export function mapToJson(map: Region["map"]): RegionJson["map"] {
  return { A: map.A.map(vec), c: vec(map.c) };
}

export function mapDigest(map: RegionJson["map"]): string {
  const text = map.A.map((row) => row.join(",")).join(";") + "|" + map.c.join(",");
  return createHash("sha1").update(text).digest("base64");
}

/** Multipliers as written: integers as decimal strings (no gcd anywhere: one denominator per certificate). */
function multipliersToJson(m: Multipliers): MultipliersJson {
  const y = new Array<string>(m.y.length);
  for (let t = 0; t < y.length; t++) y[t] = m.y[t]!.toString();
  return { rows: [...m.rows], y, den: m.den.toString() };
}

/** Multipliers back from their JSON (written by tessera: worker threads, parts, checkpoints). */
function multipliersFromJson(m: MultipliersJson): Multipliers {
  return { rows: [...m.rows], y: m.y.map((v) => BigInt(v)), den: BigInt(m.den) };
}

function certToJson(c: BoundCertificateRecord | BoxCertificateRecord): CertificateJson | { box: number } {
  return "box" in c ? { box: c.box } : multipliersToJson(c);
}

export function splitToJson(s: TreeRecord): SplitJson | BoxJson {
  if ("box" in s) {
    const axis = (c: BoundCertificateRecord | null): CertificateJson | null => (c ? multipliersToJson(c) : null);
    return { box: s.box, upper: s.upper.map(axis), lower: s.lower.map(axis) };
  }
  return {
    neuron: s.neuron,
    keep: [s.keep[0], s.keep[1]],
    ...(s.lower ? { lower: certToJson(s.lower) } : {}),
    ...(s.upper ? { upper: certToJson(s.upper) } : {}),
  };
}

function boundsToJson(b: { readonly upper: readonly Multipliers[]; readonly lower: readonly Multipliers[] }): BoundsJson {
  return { upper: b.upper.map(multipliersToJson), lower: b.lower.map(multipliersToJson) };
}

function hformFromJson(json: RegionJson, vecR: (v: readonly string[]) => Rational[]): RegionHFormCertificates {
  const mult = multipliersFromJson;
  return {
    facetPoints: json.constraints.map((k) => vecR(k.facetPoint ?? [])),
    implied: (json.implied ?? []).map((i) => ({ source: i.source, y: mult(i) })),
    ...(json.recession ? { boundedness: { ray: vecR(json.recession) } } : json.boundedBy ? { boundedness: { upper: json.boundedBy.upper.map(mult), lower: json.boundedBy.lower.map(mult) } } : {}),
  };
}

function hformToJson(h: RegionHFormCertificates): Pick<RegionJson, "implied" | "boundedBy" | "recession"> {
  const b = h.boundedness;
  return {
    implied: h.implied.map(({ source, y }) => ({ source, ...multipliersToJson(y) })),
    ...(b && "ray" in b ? { recession: vec(b.ray) } : b ? { boundedBy: boundsToJson(b) } : {}),
  };
}

export function regionToJson(r: Region, piece?: number): RegionJson {
  const h = r.hform;
  return {
    id: r.id,
    pattern: formatPattern(r.pattern),
    ...(piece !== undefined ? { piece } : {}),
    witness: vec(r.witness),
    map: mapToJson(r.map),
    constraints: r.constraints.map((k, j) => ({ a: vec(k.a), b: formatRational(k.b), source: k.source, ...(h ? { facetPoint: vec(h.facetPoints[j]!) } : {}) })),
    bounded: r.bounded,
    ...(h ? hformToJson(h) : {}),
    ...(r.vertices ? { vertices: r.vertices.map(vec) } : {}),
    ...(r.splits ? { splits: r.splits.map(splitToJson) } : {}),
  };
}

/** A region back from its map entry (the inverse of regionToJson; rationals parsed exactly). */
export function regionFromJson(json: RegionJson): Region {
  // Maps are written by tessera (worker threads, parts, checkpoints): exact values of any length.
  const vecR = (v: readonly string[]): Rational[] => v.map(parseWrittenRational);
  const cert = (c: CertificateJson | { box: number }): BoundCertificateRecord | BoxCertificateRecord => ("box" in c ? { box: c.box } : multipliersFromJson(c));
  const axis = (c: CertificateJson | null): BoundCertificateRecord | null => (c ? multipliersFromJson(c) : null);
  return {
    id: json.id,
    pattern: parsePattern(json.pattern),
    witness: vecR(json.witness),
    map: { A: json.map.A.map(vecR), c: vecR(json.map.c) },
    constraints: json.constraints.map((k) => ({ a: vecR(k.a), b: parseWrittenRational(k.b), source: k.source })),
    bounded: json.bounded,
    ...(json.implied ? { hform: hformFromJson(json, vecR) } : {}),
    ...(json.vertices ? { vertices: json.vertices.map(vecR) } : {}),
    ...(json.splits
      ? {
          splits: json.splits.map((s): TreeRecord =>
            "neuron" in s
              ? { neuron: s.neuron, keep: [s.keep[0], s.keep[1]], ...(s.lower ? { lower: cert(s.lower) } : {}), ...(s.upper ? { upper: cert(s.upper) } : {}) }
              : { box: s.box, upper: s.upper.map(axis), lower: s.lower.map(axis) },
          ),
        }
      : {}),
  };
}

/** The bounding-box certificate of a bounded domain that is not a box (a box is bounded by its own bounds). */
function domainBounds(net: Network, domain: DomainSpec): BoundsJson | undefined {
  if (domain.kind === "box") return undefined;
  const P = resolveDomain(net, domain).polyhedron;
  const F = RationalField;
  const b = boundednessCertificate(F, lpRows(F, P.dim, P.halfspaces.map((h) => h.a), P.halfspaces.map((h) => h.b)), newLpStats());
  return b.bounded ? boundsToJson(b) : undefined;
}

export function regionMapHeader(net: Network, domain: DomainSpec, file?: string): RegionMapHeader {
  const bounds = domainBounds(net, domain);
  return {
    format: REGION_MAP_FORMAT,
    version: REGION_MAP_VERSION,
    network: {
      sha256: networkSha256(net),
      inputs: inputSize(net),
      outputs: outputSize(net),
      ...(file ? { file } : {}),
      ...(net.meta.approximations.length ? { approximations: net.meta.approximations } : {}),
    },
    domain: domainToJson(domain),
    ...(bounds ? { domainBounds: bounds } : {}),
  };
}

export function regionMapFooter(result: EnumerationResult): RegionMapFooter {
  return {
    complete: result.complete,
    status: result.status,
    counts: { regions: result.regions, neurons: result.neurons, decisions: result.stats.decisions, splits: result.stats.splits },
    certificates: { kind: "split-tree", version: 1, certified: result.certified, neuronOrder: "topological" },
  };
}

/** The entry with its linear piece, in the field order regionToJson gives. */
function withPiece(json: RegionJson, piece: number): RegionJson {
  const { id, pattern, ...rest } = json;
  return { id, pattern, piece, ...rest };
}

/** Streams a region map to `write` as one JSON document or as NDJSON. */
export class RegionMapWriter {
  private count = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly mode: "json" | "ndjson",
    header: RegionMapHeader,
  ) {
    if (mode === "ndjson") write(JSON.stringify(header) + "\n");
    else {
      const head = JSON.stringify(header, null, 2);
      write(head.slice(0, head.lastIndexOf("}")).trimEnd() + ',\n  "regions": [');
    }
  }

  region(r: Region, piece?: number): void {
    this.entry(regionToJson(r), piece);
  }

  /** A region given as its map entry (from a worker thread or a part file). */
  entry(json: RegionJson, piece?: number): void {
    const line = JSON.stringify(piece === undefined ? json : withPiece(json, piece));
    if (this.mode === "ndjson") this.write(line + "\n");
    else this.write((this.count === 0 ? "\n    " : ",\n    ") + line);
    this.count++;
  }

  /** `pieces`: the number of linear pieces, and (NDJSON) the piece of every region by id. */
  end(result: EnumerationResult, pieces?: { readonly count: number; readonly ofId?: ArrayLike<number> }, stats?: RunStats, missingShards?: readonly number[]): void {
    const base = regionMapFooter(result);
    const withCount: RegionMapFooter = pieces ? { ...base, counts: { ...base.counts, linearPieces: pieces.count } } : base;
    const rest = {
      ...(stats ? { stats: { workers: stats.workers, units: stats.units, donations: stats.donations } } : {}),
      ...(missingShards ? { missingShards: [...missingShards] } : {}),
    };
    if (this.mode === "ndjson") {
      // The piece of every region, one number per region: written in slices, not built as one string (10^6 regions).
      writeJsonWithNumbers(this.write, withCount, pieces?.ofId ? { key: "pieces", values: pieces.ofId } : undefined, rest);
      this.write("\n");
      return;
    }
    const footer: RegionMapFooter = { ...withCount, ...(pieces?.ofId ? { pieces: Array.from(pieces.ofId) } : {}), ...rest };
    const tail = JSON.stringify(footer, null, 2);
    this.write((this.count === 0 ? "],\n" : "\n  ],\n") + tail.slice(tail.indexOf("{") + 1).replace(/^\n/, "") + "\n");
  }
}

/** Numbers of a long array written per slice (JSON text of this many at a time). */
const NUMBERS_PER_SLICE = 1 << 14;

/**
 * Write JSON.stringify({ ...head, [array.key]: [...array.values], ...tail }) without building it as one string:
 * the same bytes (keys in that order, undefined values left out as JSON.stringify does), the numbers in slices.
 * No key is in two of them.
 */
export function writeJsonWithNumbers(write: (text: string) => void, head: object, array: { readonly key: string; readonly values: ArrayLike<number> } | undefined, tail: object): void {
  let open = "{";
  const field = (key: string, value: unknown): void => {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) return;
    write(`${open}${JSON.stringify(key)}:${text}`);
    open = ",";
  };
  for (const [key, value] of Object.entries(head)) field(key, value);
  if (array) {
    write(`${open}${JSON.stringify(array.key)}:[`);
    open = ",";
    const { values } = array;
    for (let i = 0; i < values.length; i += NUMBERS_PER_SLICE) {
      let text = "";
      for (let j = i; j < Math.min(values.length, i + NUMBERS_PER_SLICE); j++) text += (j === 0 ? "" : ",") + JSON.stringify(values[j]);
      write(text);
    }
    write("]");
  }
  for (const [key, value] of Object.entries(tail)) field(key, value);
  write(open === "{" ? "{}" : "}");
}

// Reading and writing input domains — the one place a domain is read: the --box/--line/--plane strings, a
// polytope file {"A", "b"} (--domain), the JSON form written into region maps (read back by `check`), and the
// input box of a VNN-LIB property. Every bad value is a one-line InputError naming the flag or file and the
// place in it. Also the JSON form of a domain and its one-line description for human output. The domain
// types and their geometry (resolving against a network, slices as an affine layer) live in geometry/.
import { InputError } from "../errors.js";
import { WRITTEN_BY_TESSERA, formatRational, notRationalMessage, tryParseRational, type Rational } from "../exact/rational.js";
import { formatReadable } from "../exact/readable.js";
import { lessEq, sliceDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { JsonReader, parseJsonText, type JsonObject } from "./json-path.js";
import { readFileBytes } from "./load.js";
import { vnnlibInputDomains, type VnnlibSpec } from "./vnnlib.js";

/** "lo:hi,lo:hi,..." (or one "lo:hi" for every input) as a box of `n` inputs; `source` names the flag. */
export function boxFromText(text: string, n: number, source = "--box"): DomainSpec {
  if (text.trim() === "") throw new InputError(source, "", 'is empty; give intervals such as "-1:1,0:1/2"');
  const intervals = text.split(",").map((part, i): [Rational, Rational] => {
    const where = `interval ${i + 1}`;
    const ends = part.split(":");
    if (ends.length !== 2) throw new InputError(source, where, `${JSON.stringify(part.trim())} is not of the form lo:hi`);
    const lo = tryParseRational(ends[0]!);
    const hi = tryParseRational(ends[1]!);
    if (lo === undefined) throw new InputError(source, where, notRationalMessage(ends[0]!));
    if (hi === undefined) throw new InputError(source, where, notRationalMessage(ends[1]!));
    if (lo.compare(hi) >= 0) throw new InputError(source, where, `lo must be below hi (${ends[0]!.trim()}:${ends[1]!.trim()} has no interior)`);
    return [lo, hi];
  });
  if (intervals.length !== 1 && intervals.length !== n) {
    throw new InputError(source, "", `has ${intervals.length} intervals, the network takes ${n} inputs (give ${n}, or one for all)`);
  }
  const all = intervals.length === 1 ? Array.from({ length: n }, () => intervals[0]!) : intervals;
  return { kind: "box", lo: all.map(([lo]) => lo), hi: all.map(([, hi]) => hi) };
}

/** "x0;x1[;x2]": `count` points of `n` comma-separated rationals whose directions from x0 are independent. */
export function slicePointsFromText(text: string, source: string, count: number, n: number): Rational[][] {
  const parts = text.split(";");
  if (parts.length !== count) throw new InputError(source, "", `has ${parts.length} point${parts.length === 1 ? "" : "s"}, expected ${count} separated by ";"`);
  const points = parts.map((part, i) => {
    const values = part.split(",");
    if (values.length !== n) throw new InputError(source, `point ${i + 1}`, `has ${values.length} coordinates, the network takes ${n} inputs`);
    return values.map((v, k) => {
      const r = tryParseRational(v);
      if (r === undefined) throw new InputError(source, `point ${i + 1}, coordinate ${k + 1}`, notRationalMessage(v));
      return r;
    });
  });
  checkSlicePoints(points, (reason) => new InputError(source, "", reason));
  return points;
}

/** The directions of a slice must be independent, or it is not a line/plane. */
function checkSlicePoints(points: readonly (readonly Rational[])[], error: (reason: string) => Error): void {
  const dirs = points.slice(1).map((p) => p.map((v, k) => v.sub(points[0]![k]!)));
  if (dirs.some((u) => u.every((v) => v.n === 0n))) throw error("two of its points coincide");
  if (dirs.length === 2 && !independentPair(dirs[0]!, dirs[1]!)) throw error("its three points are collinear");
}

function independentPair(u: readonly Rational[], v: readonly Rational[]): boolean {
  for (let i = 0; i < u.length; i++) for (let j = i + 1; j < u.length; j++) if (!u[i]!.mul(v[j]!).equals(u[j]!.mul(v[i]!))) return true;
  return false;
}

/** A polytope file {"A": [[...]], "b": [...]} meaning A·x ≤ b over `n` inputs. */
export function readPolytopeFile(file: string, n: number): DomainSpec {
  const json = parseJsonText(new TextDecoder().decode(readFileBytes(file)), file);
  const r = new JsonReader(file);
  const obj = r.object(json, "(document)");
  for (const key of ["A", "b"]) {
    if (!(key in obj)) r.fail(key, 'is missing; a domain file is {"A": [[...]], "b": [...]} meaning A·x ≤ b');
  }
  return polytopeFromJson(r, obj, "", n);
}

/** The one input domain of a VNN-LIB property for a network of `n` inputs (an "or" over inputs is refused). */
export function domainFromVnnlib(spec: VnnlibSpec, n: number): DomainSpec {
  if (spec.inputs !== n) throw new InputError(spec.file, "", `declares ${spec.inputs} inputs X_i, the network takes ${n}`);
  const domains = vnnlibInputDomains(spec);
  if (domains.length !== 1) throw new InputError(spec.file, "", `has ${domains.length} input regions (an "or" over inputs); region commands take one domain`);
  const domain = domains[0]!;
  if (domain.kind === "box") {
    domain.lo.forEach((lo, i) => {
      if (lo.compare(domain.hi[i]!) >= 0) throw new InputError(spec.file, "", `its input box has no interior (X_${i} is fixed to ${formatRational(lo)}), so it contains no linear region`);
    });
  }
  return domain;
}

/** The JSON form of a domain (rationals as strings), as written into region maps. */
export type DomainJson =
  | { kind: "all"; dim: number }
  | { kind: "box"; lo: string[]; hi: string[] }
  | { kind: "polytope"; A: string[][]; b: string[]; file?: string }
  | { kind: "slice"; shape: "line" | "plane"; points: string[][]; origin: string[]; directions: string[][]; coordinates: string[]; within?: DomainJson };

export function domainToJson(spec: DomainSpec): DomainJson {
  const f = (v: readonly Rational[]): string[] => v.map(formatRational);
  switch (spec.kind) {
    case "all":
      return { kind: "all", dim: spec.dim };
    case "box":
      return { kind: "box", lo: f(spec.lo), hi: f(spec.hi) };
    case "polytope":
      return { kind: "polytope", A: spec.polyhedron.halfspaces.map((h) => f(h.a)), b: spec.polyhedron.halfspaces.map((h) => formatRational(h.b)), ...(spec.file ? { file: spec.file } : {}) };
    case "slice":
      return {
        kind: "slice",
        shape: spec.shape,
        points: spec.points.map(f),
        origin: f(spec.origin),
        directions: spec.directions.map(f),
        coordinates: spec.shape === "line" ? ["t"] : ["s", "t"],
        ...(spec.within ? { within: domainToJson(spec.within) } : {}),
      };
  }
}

/** Read a domain back from its JSON form (written by tessera: no digit limit); errors name `file` and the JSON path. */
export function domainFromJson(json: unknown, file: string, path = "domain"): DomainSpec {
  return readDomainJson(new JsonReader(file, WRITTEN_BY_TESSERA), json, path);
}

function readDomainJson(r: JsonReader, json: unknown, path: string): DomainSpec {
  const obj = r.object(json, path);
  const at = (key: string): string => `${path}.${key}`;
  switch (obj.kind) {
    case "all":
      return { kind: "all", dim: r.positiveInteger(obj.dim, at("dim")) };
    case "box": {
      const lo = r.rationalVector(obj.lo, at("lo"));
      const hi = r.rationalVector(obj.hi, at("hi"), lo.length);
      return { kind: "box", lo, hi };
    }
    case "polytope":
      return polytopeFromJson(r, obj, path);
    case "slice": {
      const points = r.rationalMatrix(obj.points, at("points"));
      if (points.length !== 2 && points.length !== 3) r.fail(at("points"), `has ${points.length} points; a line has 2, a plane 3`);
      checkSlicePoints(points, (reason) => new InputError(r.file, at("points"), reason));
      return sliceDomain(points, obj.within === undefined ? undefined : readDomainJson(r, obj.within, at("within")));
    }
    default:
      return r.fail(at("kind"), `${JSON.stringify(obj.kind)} is not one of all, box, polytope, slice`);
  }
}

/** A polytope from the keys A and b of `obj` (A·x ≤ b), sizes checked; `n` is the expected dimension. */
function polytopeFromJson(r: JsonReader, obj: JsonObject, path: string, n?: number): DomainSpec {
  const at = (key: string): string => (path ? `${path}.${key}` : key);
  const A = r.rationalMatrix(obj.A, at("A"), n);
  const b = r.rationalVector(obj.b, at("b"));
  if (A.length !== b.length) r.fail(at("b"), `has ${b.length} entries but A has ${A.length} rows`);
  const dim = A[0]!.length;
  if (dim === 0) r.fail(`${at("A")}[0]`, "is empty; a half-space needs at least one coefficient");
  return { kind: "polytope", polyhedron: { dim, halfspaces: A.map((a, i) => lessEq(a, b[i]!)) }, file: r.file };
}

/** One line describing a domain for human output ("box -1:1,0:1", "line through (0,0), (1,1)"); long rationals shortened unless `exact`. */
export function describeDomain(d: DomainSpec, exact = false): string {
  const f = (v: Rational): string => formatReadable(v, exact);
  switch (d.kind) {
    case "all":
      return `all of R^${d.dim}`;
    case "box":
      return `box ${d.lo.map((lo, i) => `${f(lo)}:${f(d.hi[i]!)}`).join(",")}`;
    case "polytope":
      return `polytope with ${d.polyhedron.halfspaces.length} half-spaces${d.file ? ` (${d.file})` : ""}`;
    case "slice":
      return `${d.shape} through ${d.points.map((p) => `(${p.map(f).join(",")})`).join(", ")}${d.within ? `, within ${describeDomain(d.within, exact)}` : ""}`;
  }
}

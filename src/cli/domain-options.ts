// The domain and limit flags shared by every command that enumerates regions: --box, --domain, --line,
// --plane, --property; --max-regions, --timeout. Each bad value is a one-line InputError naming the flag
// and the place in its value (docs/errors.md, "Domains and limits").
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { notRationalMessage, tryParseRational, type Rational } from "../exact/rational.js";
import { defaultDomain, polytopeFromArrays, sliceDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { parseJsonText, JsonReader } from "../formats/json-path.js";
import { readFileBytes } from "../formats/load.js";
import { loadVnnlib, vnnlibInputDomains } from "../formats/vnnlib.js";
import type { Network } from "../network/ir.js";
import { inputSize } from "../network/ir.js";
import { parsePositiveInteger, parsePositiveSeconds } from "./parse.js";

export interface DomainFlags {
  readonly box?: string;
  readonly domain?: string;
  readonly line?: string;
  readonly plane?: string;
  readonly property?: string;
}

export interface LimitFlags {
  readonly maxRegions?: string;
  readonly timeout?: string;
}

export function addDomainOptions(cmd: Command): Command {
  return cmd
    .option("--box <intervals>", 'input box "lo:hi,lo:hi,..." (rationals); one interval applies to every input, e.g. --box=-1:1')
    .option("--domain <file>", 'polytope A·x ≤ b from a JSON file {"A": [[...]], "b": [...]} (may be unbounded)')
    .option("--line <points>", 'the line through two input points "x0;x1" (parameter t: t=0 at x0, t=1 at x1)')
    .option("--plane <points>", 'the plane x0 + s(x1-x0) + t(x2-x0) through three input points "x0;x1;x2"')
    .option("--property <file>", "the input box (or polytope) of a VNN-LIB property file");
}

export function addLimitOptions(cmd: Command): Command {
  return cmd
    .option("--max-regions <n>", "stop after N regions (the output says complete: false)")
    .option("--timeout <seconds>", "stop after this many seconds (the output says complete: false)");
}

export function limitsFromFlags(flags: LimitFlags): { maxRegions: number; timeoutMs: number } {
  return {
    maxRegions: flags.maxRegions === undefined ? Infinity : parsePositiveInteger(flags.maxRegions, "--max-regions"),
    timeoutMs: flags.timeout === undefined ? Infinity : parsePositiveSeconds(flags.timeout, "--timeout") * 1000,
  };
}

/** "lo:hi,lo:hi,..." (or one "lo:hi" for every input) as a box of the network's input size. */
export function parseBox(text: string, n: number, flag = "--box"): DomainSpec {
  if (text.trim() === "") throw new InputError(flag, "", 'is empty; give intervals such as "-1:1,0:1/2"');
  const parts = text.split(",");
  const intervals = parts.map((part, i): [Rational, Rational] => {
    const where = `interval ${i + 1}`;
    const ends = part.split(":");
    if (ends.length !== 2) throw new InputError(flag, where, `${JSON.stringify(part.trim())} is not of the form lo:hi`);
    const lo = tryParseRational(ends[0]!);
    const hi = tryParseRational(ends[1]!);
    if (lo === undefined) throw new InputError(flag, where, notRationalMessage(ends[0]!));
    if (hi === undefined) throw new InputError(flag, where, notRationalMessage(ends[1]!));
    if (lo.compare(hi) >= 0) throw new InputError(flag, where, `lo must be below hi (${ends[0]!.trim()}:${ends[1]!.trim()} has no interior)`);
    return [lo, hi];
  });
  if (intervals.length !== 1 && intervals.length !== n) {
    throw new InputError(flag, "", `has ${intervals.length} intervals, the network takes ${n} inputs (give ${n}, or one for all)`);
  }
  const all = intervals.length === 1 ? Array.from({ length: n }, () => intervals[0]!) : intervals;
  return { kind: "box", lo: all.map(([lo]) => lo), hi: all.map(([, hi]) => hi) };
}

/** "x0;x1[;x2]": points of comma-separated rationals. */
export function parsePoints(text: string, flag: string, count: number, n: number): Rational[][] {
  const parts = text.split(";");
  if (parts.length !== count) throw new InputError(flag, "", `has ${parts.length} point${parts.length === 1 ? "" : "s"}, expected ${count} separated by ";"`);
  const points = parts.map((part, i) => {
    const values = part.split(",");
    if (values.length !== n) throw new InputError(flag, `point ${i + 1}`, `has ${values.length} coordinates, the network takes ${n} inputs`);
    return values.map((v, k) => {
      const r = tryParseRational(v);
      if (r === undefined) throw new InputError(flag, `point ${i + 1}, coordinate ${k + 1}`, notRationalMessage(v));
      return r;
    });
  });
  // The directions must be independent, or the slice is not a line/plane.
  const dirs = points.slice(1).map((p) => p.map((v, k) => v.sub(points[0]![k]!)));
  if (dirs.some((u) => u.every((v) => v.n === 0n))) throw new InputError(flag, "", "two of its points coincide");
  if (dirs.length === 2 && independentPair(dirs[0]!, dirs[1]!) === false) throw new InputError(flag, "", "its three points are collinear");
  return points;
}

function independentPair(u: readonly Rational[], v: readonly Rational[]): boolean {
  for (let i = 0; i < u.length; i++) for (let j = i + 1; j < u.length; j++) if (!u[i]!.mul(v[j]!).equals(u[j]!.mul(v[i]!))) return true;
  return false;
}

/** A polytope file {"A": [[...]], "b": [...]}; errors name the file and the JSON path. */
export function readDomainFile(file: string, n: number): DomainSpec {
  const json = parseJsonText(new TextDecoder().decode(readFileBytes(file)), file);
  const r = new JsonReader(file);
  const obj = r.object(json, "(document)");
  if (!("A" in obj)) r.fail("A", 'is missing; a domain file is {"A": [[...]], "b": [...]} meaning A·x ≤ b');
  if (!("b" in obj)) r.fail("b", 'is missing; a domain file is {"A": [[...]], "b": [...]} meaning A·x ≤ b');
  const A = r.rationalMatrix(obj.A, "A", n);
  const b = r.rationalVector(obj.b, "b");
  return polytopeFromArrays(A, b, file);
}

/** The domain the flags describe (the network's default when none is given). */
export function domainFromFlags(net: Network, flags: DomainFlags): DomainSpec {
  const n = inputSize(net);
  const given = (["box", "domain", "property"] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw new InputError(`--${given[1]}`, "", `cannot be combined with --${given[0]} (give one input domain)`);
  if (flags.line !== undefined && flags.plane !== undefined) throw new InputError("--plane", "", "cannot be combined with --line (give one slice)");
  let base: DomainSpec | undefined;
  if (flags.box !== undefined) base = parseBox(flags.box, n);
  else if (flags.domain !== undefined) base = readDomainFile(flags.domain, n);
  else if (flags.property !== undefined) {
    const spec = loadVnnlib(flags.property);
    if (spec.inputs !== n) throw new InputError(flags.property, "", `declares ${spec.inputs} inputs X_i, the network takes ${n}`);
    const domains = vnnlibInputDomains(spec);
    if (domains.length !== 1) throw new InputError(flags.property, "", `has ${domains.length} input regions (an "or" over inputs); region commands take one domain`);
    base = domains[0]!;
  }
  const slice = flags.line ?? flags.plane;
  if (slice === undefined) return base ?? defaultDomain(net);
  const flag = flags.line !== undefined ? "--line" : "--plane";
  const points = parsePoints(slice, flag, flags.line !== undefined ? 2 : 3, n);
  // A slice is restricted to the given domain, else to the network's input box when it names one.
  const within = base ?? (net.inputBox ? defaultDomain(net) : undefined);
  return sliceDomain(points, within);
}

/** The flag (or file) the domain came from, for messages. */
export function domainLabel(flags: DomainFlags): string {
  if (flags.line !== undefined) return "--line";
  if (flags.plane !== undefined) return "--plane";
  if (flags.box !== undefined) return "--box";
  return flags.domain ?? flags.property ?? "the network's input box";
}

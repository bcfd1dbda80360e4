// The domain and limit flags shared by every command that enumerates regions: --box, --domain, --line,
// --plane, --property; --max-regions, --timeout. The values are read by formats/domain.ts; each bad value is a
// one-line InputError naming the flag and the place in its value (docs/errors.md, "Domains and limits").
import { timeLeftMs } from "../formats/limits.js";
import type { Command } from "commander";
import { InputError } from "../errors.js";
import { defaultDomain, sliceDomain } from "../geometry/domain.js";
import type { DomainSpec } from "../geometry/types.js";
import { boxFromText, domainFromVnnlib, readPolytopeFile, slicePointsFromText } from "../formats/domain.js";
import { loadVnnlib } from "../formats/vnnlib.js";
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
    .option("--timeout <seconds>", "stop after this many seconds, loading included (the output says complete: false)");
}

export interface HFormLimitFlags {
  readonly maxHformEntries?: string;
}

/** The default of --max-hform-entries: 2^22, as the parameter limit (docs/errors.md, "Limits"). */
export const DEFAULT_MAX_HFORM_ENTRIES = 2 ** 22;

/** --max-hform-entries, for the commands that certify each region's irredundant H-form. */
export function addHFormLimitOption(cmd: Command): Command {
  return cmd.option(
    "--max-hform-entries <count>",
    `most entries (rows × domain coordinates) a region's certified H-form may have, checked before the search (default ${DEFAULT_MAX_HFORM_ENTRIES} = 2^22; e.g. --max-hform-entries 16777216)`,
  );
}

export function hformLimitFromFlags(flags: HFormLimitFlags): number {
  return flags.maxHformEntries === undefined ? DEFAULT_MAX_HFORM_ENTRIES : parsePositiveInteger(flags.maxHformEntries, "--max-hform-entries");
}

export function limitsFromFlags(flags: LimitFlags): { maxRegions: number; timeoutMs: number } {
  return {
    maxRegions: flags.maxRegions === undefined ? Infinity : parsePositiveInteger(flags.maxRegions, "--max-regions"),
    timeoutMs: flags.timeout === undefined ? Infinity : timeLeftMs(parsePositiveSeconds(flags.timeout, "--timeout") * 1000),
  };
}

/** The domain the flags describe (the network's default when none is given). */
export function domainFromFlags(net: Network, flags: DomainFlags): DomainSpec {
  const n = inputSize(net);
  const given = (["box", "domain", "property"] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw new InputError(`--${given[1]}`, "", `cannot be combined with --${given[0]} (give one input domain)`);
  if (flags.line !== undefined && flags.plane !== undefined) throw new InputError("--plane", "", "cannot be combined with --line (give one slice)");
  let base: DomainSpec | undefined;
  if (flags.box !== undefined) base = boxFromText(flags.box, n);
  else if (flags.domain !== undefined) base = readPolytopeFile(flags.domain, n);
  else if (flags.property !== undefined) base = domainFromVnnlib(loadVnnlib(flags.property), n);
  const slice = flags.line ?? flags.plane;
  if (slice === undefined) return base ?? defaultDomain(net);
  const flag = flags.line !== undefined ? "--line" : "--plane";
  const points = slicePointsFromText(slice, flag, flags.line !== undefined ? 2 : 3, n);
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

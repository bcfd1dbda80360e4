// The preamble every domain command shares: the network named on the command line, the domain its flags
// describe (the network's default when none is given), the flag that gave it (for messages) and the limits.
import type { DomainSpec } from "../geometry/types.js";
import { activationNodeIds, type Network } from "../network/ir.js";
import { pieceCount } from "../network/activation.js";
import { InputError } from "../errors.js";
import { readLimits } from "../formats/limits.js";
import { specDim } from "../geometry/domain.js";
import type { CliContext } from "./context.js";
import { domainFromFlags, domainLabel, hformLimitFromFlags, limitsFromFlags, type DomainFlags, type HFormLimitFlags, type LimitFlags } from "./domain-options.js";
import { loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";

export interface CommandInput {
  readonly net: Network;
  readonly domain: DomainSpec;
  /** The flag (or file) the domain came from. */
  readonly domainLabel: string;
  readonly maxRegions: number;
  readonly timeoutMs: number;
}

/** What the command computes for each region (the limits checked before its search depend on it). */
export interface CommandNeeds {
  /** The region's certified irredundant H-form (regions, graph, jumps, bounds, plot, view): --max-hform-entries applies. */
  readonly hform?: boolean;
}

/**
 * Load the network, then read its domain and the limits from the flags (in that order: sizes need the network).
 * A region search keeps an exact affine form over the domain's coordinates for every neuron: beyond the
 * parameter limit in entries it is refused here, before any set-up (a slice has 1 or 2 coordinates). A command
 * that certifies each region's H-form is also refused when that H-form's rows could hold more entries than
 * --max-hform-entries allows (hformRows).
 */
export function readCommandInput(ctx: CliContext, file: string, flags: NetworkFlags & DomainFlags & LimitFlags & HFormLimitFlags, needs: CommandNeeds = {}): CommandInput {
  const hformLimit = needs.hform ? hformLimitFromFlags(flags) : Infinity;
  const net = loadNetworkFromFlags(ctx, file, flags);
  const domain = domainFromFlags(net, flags);
  const neurons = activationNodeIds(net).reduce((sum, id) => sum + net.nodes[id]!.size, 0);
  const coordinates = domain.kind === "slice" ? domain.directions.length : specDim(domain);
  const entries = neurons * coordinates;
  const limit = readLimits().maxParameters;
  if (entries > limit) {
    throw new InputError(file, "", `a region search keeps an affine form over the ${coordinates} domain coordinates for each of its ${neurons} neurons: ${entries} entries, more than tessera's limit of ${limit} (raise it with --max-parameters, or cut the domain to a slice with --line or --plane)`);
  }
  if (needs.hform) {
    const rows = hformRows(net, domain);
    const hformEntries = (rows.domain + rows.neurons) * coordinates;
    if (hformEntries > hformLimit) {
      throw new InputError(
        file,
        "",
        `a region's certified H-form may have ${rows.domain + rows.neurons} rows (${rows.domain} of the domain, ${rows.neurons} of the neurons) over the ${coordinates} domain coordinates: ${hformEntries} entries, more than tessera's limit of ${hformLimit} (raise it with --max-hform-entries, or cut the domain to a slice with --line or --plane; count needs no H-form)`,
      );
    }
  }
  return { net, domain, domainLabel: domainLabel(flags), ...limitsFromFlags(flags) };
}

/**
 * The most rows a region's H-form can have before the irredundant ones are picked: the domain's half-spaces
 * (a box: two per coordinate; a slice: those of the domain it is cut from) and, per neuron, the split rows of
 * its piece (one per breakpoint it is kept between: at most min(2, breakpoints); ReLU 1, HardTanh 2). Every
 * row is an LP row over the domain coordinates, and every facet among them gets a facet point of as many.
 */
export function hformRows(net: Network, domain: DomainSpec): { domain: number; neurons: number } {
  const domainRows = (spec: DomainSpec): number => {
    switch (spec.kind) {
      case "all":
        return 0;
      case "box":
        return 2 * spec.lo.length;
      case "polytope":
        return spec.polyhedron.halfspaces.length;
      case "slice":
        return spec.within ? domainRows(spec.within) : 0;
      default: {
        const never: never = spec;
        throw new Error(`cli/command-input: unknown domain ${JSON.stringify(never)}`);
      }
    }
  };
  let neurons = 0;
  for (const id of activationNodeIds(net)) {
    const node = net.nodes[id]!;
    if (node.kind !== "activation") continue;
    neurons += node.size * Math.min(2, pieceCount(node.activation, 0) - 1);
  }
  return { domain: domainRows(domain), neurons };
}

// The preamble every domain command shares: the network named on the command line, the domain its flags
// describe (the network's default when none is given), the flag that gave it (for messages) and the limits.
import type { DomainSpec } from "../geometry/types.js";
import { activationNodeIds, type Network } from "../network/ir.js";
import { InputError } from "../errors.js";
import { readLimits } from "../formats/limits.js";
import { specDim } from "../geometry/domain.js";
import type { CliContext } from "./context.js";
import { domainFromFlags, domainLabel, limitsFromFlags, type DomainFlags, type LimitFlags } from "./domain-options.js";
import { loadNetworkFromFlags, type NetworkFlags } from "./network-options.js";

export interface CommandInput {
  readonly net: Network;
  readonly domain: DomainSpec;
  /** The flag (or file) the domain came from. */
  readonly domainLabel: string;
  readonly maxRegions: number;
  readonly timeoutMs: number;
}

/**
 * Load the network, then read its domain and the limits from the flags (in that order: sizes need the network).
 * A region search keeps an exact affine form over the domain's coordinates for every neuron: beyond the
 * parameter limit in entries it is refused here, before any set-up (a slice has 1 or 2 coordinates).
 */
export function readCommandInput(ctx: CliContext, file: string, flags: NetworkFlags & DomainFlags & LimitFlags): CommandInput {
  const net = loadNetworkFromFlags(ctx, file, flags);
  const domain = domainFromFlags(net, flags);
  const neurons = activationNodeIds(net).reduce((sum, id) => sum + net.nodes[id]!.size, 0);
  const coordinates = domain.kind === "slice" ? domain.directions.length : specDim(domain);
  const entries = neurons * coordinates;
  const limit = readLimits().maxParameters;
  if (entries > limit) {
    throw new InputError(file, "", `a region search keeps an affine form over the ${coordinates} domain coordinates for each of its ${neurons} neurons: ${entries} entries, more than tessera's limit of ${limit} (raise it with --max-parameters, or cut the domain to a slice with --line or --plane)`);
  }
  return { net, domain, domainLabel: domainLabel(flags), ...limitsFromFlags(flags) };
}

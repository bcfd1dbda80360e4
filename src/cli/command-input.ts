// The preamble every domain command shares: the network named on the command line, the domain its flags
// describe (the network's default when none is given), the flag that gave it (for messages) and the limits.
import type { DomainSpec } from "../geometry/types.js";
import type { Network } from "../network/ir.js";
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

/** Load the network, then read its domain and the limits from the flags (in that order: sizes need the network). */
export function readCommandInput(ctx: CliContext, file: string, flags: NetworkFlags & DomainFlags & LimitFlags): CommandInput {
  const net = loadNetworkFromFlags(ctx, file, flags);
  return { net, domain: domainFromFlags(net, flags), domainLabel: domainLabel(flags), ...limitsFromFlags(flags) };
}

// Enumerating the regions of a domain and building their graph, shared by `graph` and `jumps`: domain and limit
// flags resolved, the region engine run with irredundant constraints (facets), the graph built in the domain's
// coordinates (slice coordinates for --line/--plane), and limits reported as complete: false.
import { buildRegionGraph } from "../graph/adjacency.js";
import type { RegionGraphResult } from "../graph/types.js";
import type { DomainSpec } from "../geometry/types.js";
import type { EnumerationResult } from "../regions/enumerate.js";
import type { Region } from "../regions/types.js";
import type { CliContext } from "./context.js";
import type { CommandInput } from "./command-input.js";
import { runEnumeration, type RunSettings } from "./enumeration-run.js";

export interface GraphRun {
  readonly domain: DomainSpec;
  readonly enumeration: EnumerationResult;
  readonly graph: RegionGraphResult;
  /** Milliseconds spent building the graph after the enumeration. */
  readonly graphMs: number;
}

/** Enumerate the regions of the command's domain and build their graph (`points`: facet points, one LP at most per edge). */
export async function runRegionGraph(ctx: CliContext, input: CommandInput, points: boolean, workers = 1, runner?: RunSettings["runner"]): Promise<GraphRun> {
  const { net, domain, domainLabel, maxRegions, timeoutMs } = input;
  const regions: Region[] = [];
  const enumeration = await runEnumeration(ctx, net, {
    domain,
    domainLabel,
    maxRegions,
    timeoutMs,
    certify: true,
    irredundant: true,
    collectVertices: false,
    workers,
    ...(runner ? { runner } : {}),
    onRegion: (r) => void regions.push(r),
  });
  const start = performance.now();
  const graph = buildRegionGraph(
    { net: enumeration.domain.network, regions, domain: enumeration.domain.polyhedron },
    { points, complete: enumeration.complete },
  );
  return { domain, enumeration, graph, graphMs: performance.now() - start };
}

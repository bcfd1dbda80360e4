// The data a `tessera view` page carries (JSON inside the page, written by src/cli/view.ts, read by
// view-page.ts): every region's pattern, exact map and witness, the region graph exactly as `tessera graph
// --json` gives it, and the neurons' status on the domain. Every number is exact text.
import type { GraphJsonEdge } from "../graph/to-json.js";

export interface ViewRegion {
  readonly id: number;
  readonly pattern: string;
  /** The exact affine map, as text ("y0 = 1·s + -2·t + 0; …"). */
  readonly map: string;
  /** An interior point, exact, in the domain's coordinates (slice coordinates on a slice). */
  readonly witness: readonly string[];
  /** The same point in network input coordinates. */
  readonly input: readonly string[];
}

export type ViewNeuronStatus = "dead" | "always-active" | "stable" | "unstable" | "undecided";

export interface ViewNeuron {
  readonly layer: number;
  readonly neuron: number;
  readonly status: ViewNeuronStatus;
  /** How many pieces of its bent hyperplane the picture draws. */
  readonly segments: number;
}

export interface ViewData {
  readonly title: string;
  readonly domain: string;
  readonly dimension: 1 | 2;
  readonly axisNames: readonly string[];
  readonly regions: readonly ViewRegion[];
  readonly edges: readonly GraphJsonEdge[];
  readonly neurons: readonly ViewNeuron[];
  readonly complete: boolean;
  readonly status: string;
  readonly maxRegions: number;
}

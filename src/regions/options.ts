// The one options object of the region engine (nnenum's Settings, YALPS's Options): every knob with its
// default and unit, merged once into a frozen Required<...> that is passed down (never a global).
import { UsageError } from "../errors.js";
import type { RegionKey } from "./map-key.js";
import type { Region } from "./types.js";

/** Progress of a running enumeration (for progress bars). */
export interface EnumerationProgress {
  readonly regions: number;
  readonly elapsedMs: number;
  /** Depth of the split tree currently visited (neurons decided on the current path). */
  readonly depth: number;
  readonly neurons: number;
}

export interface EnumerateOptions {
  /** Stop after this many regions (status "max-regions"). Default: Infinity. */
  readonly maxRegions?: number;
  /** Stop after this many milliseconds (status "timeout"). Default: Infinity. */
  readonly timeoutMs?: number;
  /**
   * Certify every decision exactly (witnesses checked exactly, Farkas/bound certificates for pruned sides).
   * Default: true. false is for benchmarks only: decisions then come from floats with a tolerance.
   */
  readonly certify?: boolean;
  /** Compute each region's irredundant H-form and boundedness (costs LPs; `count` turns it off). Default: true. */
  readonly irredundant?: boolean;
  /** Keep each decision's certificate in the regions' `splits` (for `check`); count turns it off. Default: true. */
  readonly keepCertificates?: boolean;
  /**
   * Decide with float maps and proven error bounds first (the filtered kernel), exact arithmetic only when
   * the filter cannot decide and for what is printed. false: exact maps on every node (for tests that
   * compare the two). Default: true.
   */
  readonly filter?: boolean;
  /** Exact vertices of bounded regions (input dimension ≤ 3). Default: false. */
  readonly collectVertices?: boolean;
  /** Aborting it stops the enumeration (status "interrupted"), e.g. on SIGINT. */
  readonly signal?: AbortSignal;
  /** Called with each region as it is found (streaming: regions are not kept). Default: none. */
  readonly onRegion?: (region: Region) => void;
  /**
   * Called with each region's key (pattern and output-map digest, regions/map-key.ts) when no region is built
   * (no onRegion): the counting path, which never builds a region. Default: none.
   */
  readonly onRegionKey?: (id: number, key: RegionKey) => void;
  /** Called about every `progressIntervalMs`. Default: none. */
  readonly onProgress?: (progress: EnumerationProgress) => void;
  /** Milliseconds between progress calls and between yields to the event loop. Default: 100. */
  readonly progressIntervalMs?: number;
}

export type ResolvedOptions = Readonly<Required<Omit<EnumerateOptions, "signal" | "onRegion" | "onRegionKey" | "onProgress">>> & {
  readonly signal: AbortSignal | undefined;
  readonly onRegion: ((region: Region) => void) | undefined;
  readonly onRegionKey: ((id: number, key: RegionKey) => void) | undefined;
  readonly onProgress: ((progress: EnumerationProgress) => void) | undefined;
};

export const DEFAULT_OPTIONS = Object.freeze({
  maxRegions: Infinity,
  timeoutMs: Infinity,
  certify: true,
  irredundant: true,
  keepCertificates: true,
  filter: true,
  collectVertices: false,
  progressIntervalMs: 100,
});

/** Merge with the defaults, check values, freeze. */
export function resolveOptions(options: EnumerateOptions = {}): ResolvedOptions {
  const known = new Set([...Object.keys(DEFAULT_OPTIONS), "signal", "onRegion", "onRegionKey", "onProgress"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new UsageError(`regions/options: unknown option ${JSON.stringify(key)}`);
  }
  const merged = {
    ...DEFAULT_OPTIONS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    signal: options.signal,
    onRegion: options.onRegion,
    onRegionKey: options.onRegionKey,
    onProgress: options.onProgress,
  } as ResolvedOptions;
  if (!(merged.maxRegions >= 0)) throw new UsageError(`regions/options: maxRegions must be ≥ 0, not ${merged.maxRegions}`);
  if (!(merged.timeoutMs > 0)) throw new UsageError(`regions/options: timeoutMs must be > 0, not ${merged.timeoutMs}`);
  return Object.freeze(merged);
}

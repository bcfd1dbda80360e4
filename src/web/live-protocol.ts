// The messages between a live page (live-page.ts) and its Web Worker (live-worker.ts).

/** Page → worker. */
export type LiveRequest =
  | { readonly kind: "load"; readonly name: string; readonly bytes: Uint8Array }
  | {
      readonly kind: "slice";
      /** 0-based input indices of the two axes. */
      readonly axes: readonly [number, number];
      /** The box as --box text ("lo:hi,lo:hi,…", or one interval for every input). */
      readonly box: string;
      readonly maxRegions: number;
      /** Regions whose polygons are sent (the rest are only counted). */
      readonly drawLimit: number;
    }
  | { readonly kind: "stop" };

/** A region as the page draws it: float vertices for pixels, exact text for the panel. */
export interface LiveRegion {
  readonly id: number;
  readonly pattern: string;
  readonly vertices: readonly (readonly [number, number])[];
  readonly map: string;
  readonly witness: readonly string[];
}

/** Worker → page. */
export type LiveReply =
  | { readonly kind: "loaded"; readonly name: string; readonly inputs: number; readonly outputs: number; readonly neurons: number; readonly box: string | null }
  | { readonly kind: "regions"; readonly regions: readonly LiveRegion[] }
  | { readonly kind: "progress"; readonly regions: number; readonly elapsedMs: number; readonly depth: number; readonly neurons: number }
  | {
      readonly kind: "done";
      readonly regions: number;
      readonly complete: boolean;
      readonly status: string;
      readonly elapsedMs: number;
      /** The slice as --plane/--box flags, to repeat it with the CLI. */
      readonly plane: string;
      readonly box: string;
      readonly window: readonly [readonly [number, number], readonly [number, number]];
    }
  | { readonly kind: "error"; readonly message: string };

// Shared types of `tessera check`: the document handed to a checker, its report, and the failure it throws.
import { TesseraError } from "../errors.js";
import type { Network } from "../network/ir.js";

/** A document to check: one JSON value, or the parsed lines of an NDJSON file (header first). */
export type CheckInput =
  | { readonly kind: "json"; readonly doc: Record<string, unknown> }
  | { readonly kind: "ndjson"; readonly lines: readonly Record<string, unknown>[] };

export interface CheckReport {
  readonly ok: true;
  /** The document's "format". */
  readonly format: string;
  /** How many items (regions, properties, ...) were verified. */
  readonly items: number;
  /** Whether the document claims (and the checker verified) completeness. */
  readonly complete: boolean;
  readonly message: string;
}

/** What the user gave besides the document and the network (`tessera check --property P`). */
export interface CheckOptions {
  /** A property file the document must be about (verification certificates). */
  readonly property?: string;
}

/** A checker for one document format: returns a report or throws CheckFailure naming the first failure. */
export type Checker = (input: CheckInput, net: Network, file: string, options?: CheckOptions) => CheckReport;

/** The first thing that did not verify, with its place in the document (exit code 1). */
export class CheckFailure extends TesseraError {
  override name = "CheckFailure";
}

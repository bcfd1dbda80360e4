// Shared types of `tessera check`: the document handed to a checker, its report, and the failure it throws.
import { TesseraError } from "../errors.js";
import type { Network } from "../network/ir.js";

/**
 * A document to check: one JSON value, or an NDJSON file: its header (first line) and all its lines, the header
 * first. `lines` may be a stream read from the file as it is iterated (then it can be iterated once: a checker
 * that needs random access copies it into an array).
 */
export type CheckInput =
  | { readonly kind: "json"; readonly doc: Record<string, unknown> }
  | { readonly kind: "ndjson"; readonly header: Record<string, unknown>; readonly lines: Iterable<Record<string, unknown>> };

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

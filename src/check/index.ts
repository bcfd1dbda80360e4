// `tessera check`: reads a certificate document (JSON or NDJSON), dispatches on its "format" field to the
// checker registered for it, and returns the checker's report. Region maps are checked by
// check/region-map.ts; other modules (e.g. verification certificates) plug in with registerChecker.
import { readFileBytes } from "../formats/load.js";
import { InputError } from "../errors.js";
import type { Network } from "../network/ir.js";
import { RegionMapChecker } from "./region-map.js";
import { CheckFailure, type CheckInput, type CheckOptions, type CheckReport, type Checker } from "./types.js";

export { CheckFailure, type CheckInput, type CheckOptions, type CheckReport, type Checker };

const checkers = new Map<string, Checker>();

/** Register the checker of a document format (the value of its "format" field). */
export function registerChecker(format: string, checker: Checker): void {
  checkers.set(format, checker);
}

/** The region map checker: JSON (regions array) or NDJSON (header, region lines, closing line). */
export const checkRegionMap: Checker = (input, net, file) => {
  if (input.kind === "json") {
    const doc = input.doc;
    const checker = new RegionMapChecker(doc, net, file);
    if (!Array.isArray(doc.regions)) throw new CheckFailure("regions: is not an array");
    (doc.regions as Record<string, unknown>[]).forEach((r, i) => checker.region(r, i));
    return checker.finish(doc);
  }
  const [header, ...rest] = input.lines;
  const footer = rest.length > 0 && !("id" in rest[rest.length - 1]!) ? rest.pop()! : undefined;
  if (!footer) throw new CheckFailure("the NDJSON map has no closing line (counts, complete): it was cut short");
  const checker = new RegionMapChecker(header!, net, file);
  checker.expectPiecesAtEnd();
  rest.forEach((r, i) => checker.region(r, i));
  return checker.finish(footer);
};

registerChecker("tessera-region-map", checkRegionMap);

/** Parse a certificate file: one JSON document, or NDJSON (one JSON object per line). */
export function readCheckInput(file: string): CheckInput {
  const text = new TextDecoder().decode(readFileBytes(file));
  try {
    const doc = JSON.parse(text) as unknown;
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new InputError(file, "(document)", "expected a JSON object");
    return { kind: "json", doc: doc as Record<string, unknown> };
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const parsed = lines.map((line, i) => {
    try {
      const v = JSON.parse(line) as unknown;
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
      return v as Record<string, unknown>;
    } catch {
      throw new InputError(file, `line ${i + 1}`, "is neither a JSON document nor an NDJSON line (a JSON object)");
    }
  });
  if (parsed.length === 0) throw new InputError(file, "", "is empty");
  return { kind: "ndjson", lines: parsed };
}

/** Check a document against the network it was made from; throws CheckFailure on the first failure. */
export function checkDocument(input: CheckInput, net: Network, file: string, options: CheckOptions = {}): CheckReport {
  const head = input.kind === "json" ? input.doc : input.lines[0]!;
  const format = head.format;
  const checker = typeof format === "string" ? checkers.get(format) : undefined;
  if (format === undefined) {
    throw new InputError(file, "format", `is missing; tessera checks documents whose "format" is one of ${[...checkers.keys()].join(", ")}`);
  }
  if (!checker) {
    throw new InputError(file, "format", `${JSON.stringify(format)} is not a format tessera can check (known: ${[...checkers.keys()].join(", ")})`);
  }
  return checker(input, net, file, options);
}

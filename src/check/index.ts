// `tessera check`: reads a certificate document (JSON or NDJSON), dispatches on its "format" field to the
// checker registered for it, and returns the checker's report. Region maps are checked by
// check/region-map.ts; other modules (e.g. verification certificates) plug in with registerChecker.
import { readFileBytes, readLines } from "../formats/load.js";
import { InputError } from "../errors.js";
import type { Network } from "../network/ir.js";
import { checkRegionGraph } from "./graph.js";
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
  const [header, ...rest] = [...input.lines];
  const footer = rest.length > 0 && !("id" in rest[rest.length - 1]!) ? rest.pop()! : undefined;
  if (!footer) throw new CheckFailure("the NDJSON map has no closing line (counts, complete): it was cut short");
  const checker = new RegionMapChecker(header!, net, file);
  checker.expectPiecesAtEnd();
  rest.forEach((r, i) => checker.region(r, i));
  return checker.finish(footer);
};

registerChecker("tessera-region-map", checkRegionMap);
registerChecker("tessera-region-graph", checkRegionGraph);

/** The NDJSON form of already parsed lines (the header first). */
export function ndjsonInput(lines: readonly Record<string, unknown>[]): CheckInput {
  if (lines.length === 0) throw new InputError("(document)", "", "is empty");
  return { kind: "ndjson", header: lines[0]!, lines };
}

const notAnObject = (file: string, line: number): InputError => new InputError(file, `line ${line}`, "is neither a JSON document nor an NDJSON line (a JSON object)");

/** One NDJSON line parsed as a JSON object, or undefined. */
function parseObjectLine(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parse a certificate file: one JSON document, or NDJSON (one JSON object per line). An NDJSON file (its first line
 * a JSON object, and more lines after it) is streamed: its lines are read and parsed while the checker iterates
 * them, so memory does not grow with the file (the size limit applies per line). Blank lines are skipped; "line N"
 * counts the others.
 */
export function readCheckInput(file: string): CheckInput {
  const nonBlank = function* (): Generator<string> {
    for (const line of readLines(file)) if (line.trim() !== "") yield line;
  };
  const probe = nonBlank();
  const first = probe.next();
  const second = first.done ? first : probe.next();
  probe.return(undefined);
  const header = first.done ? undefined : parseObjectLine(first.value);
  if (header && !second.done) {
    const lines = function* (): Generator<Record<string, unknown>> {
      let n = 0;
      for (const text of nonBlank()) {
        n++;
        const v = parseObjectLine(text);
        if (!v) throw notAnObject(file, n);
        yield v;
      }
    };
    return { kind: "ndjson", header, lines: { [Symbol.iterator]: lines } };
  }
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
    const v = parseObjectLine(line);
    if (!v) throw notAnObject(file, i + 1);
    return v;
  });
  if (parsed.length === 0) throw new InputError(file, "", "is empty");
  return { kind: "ndjson", header: parsed[0]!, lines: parsed };
}

/** Check a document against the network it was made from; throws CheckFailure on the first failure. */
export function checkDocument(input: CheckInput, net: Network, file: string, options: CheckOptions = {}): CheckReport {
  const head = input.kind === "json" ? input.doc : input.header;
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
